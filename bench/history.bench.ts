import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { preview, type PreviewServer } from 'vite'
import { chromiumArgs, findBrowser } from '../tests/e2e/support/browser-path.ts'
import { runVite } from './lib/build'
import { median } from './lib/stats'
import type { BenchContext, BenchFigure } from './lib/types'

/**
 * History with 100,000 entries in headless Chromium, against the built app served by `vite preview`
 * on a free port: load to first rows, one filter keystroke to updated rows, row elements in the DOM.
 * IndexedDB is seeded from the page with the app's own stored shape (no test code in the bundle).
 */
const ENTRIES = 100_000
const ROW = '[data-testid="history-scroll"] [role="row"]'

const round1 = (n: number) => Math.round(n * 10) / 10

/**
 * Runs in the page: writes `count` finished entries into the app's database (entries of schema 2,
 * IndexedDB version 3, which the app may have opened already).
 */
async function seedHistory(count: number): Promise<number> {
  const open = indexedDB.open('verify-desk', 3)
  open.onupgradeneeded = () => {
    const db = open.result
    const entries = db.createObjectStore('entries', { keyPath: 'request_id' })
    entries.createIndex('updatedAt', 'updatedAt')
    entries.createIndex('createdAt', 'createdAt')
    db.createObjectStore('quarantine', { autoIncrement: true })
    const calls = db.createObjectStore('calls', { keyPath: 'key' })
    calls.createIndex('request_id', 'request_id')
  }
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    open.onsuccess = () => resolve(open.result)
    open.onerror = () => reject(open.error)
  })
  const statuses = ['SUCCESS', 'EXPIRED', 'FAILED', 'CANCELLED']
  const brands = ['Acme Bank', 'Zeta Shop', 'Northwind', 'Contoso', 'Globex', 'Initech']
  const start = Date.UTC(2025, 0, 1)
  const tx = db.transaction('entries', 'readwrite')
  const store = tx.objectStore('entries')
  for (let i = 0; i < count; i++) {
    const at = start + i * 60_000
    const brand = brands[i % brands.length]!
    store.put({
      request_id: (i + 1).toString(16).padStart(32, '0'),
      environment: i % 5 === 0 ? 'live' : 'sandbox',
      kind: 'request',
      number: `4477009${String(i).padStart(5, '0')}`,
      brand,
      payee: '',
      amount: '',
      params: { brand },
      status: statuses[i % statuses.length],
      createdAt: at,
      updatedAt: at + 30_000,
      lastActivityAt: at + 30_000,
      lastSearch: null,
      lastError: null,
      source: 'started',
      schemaVersion: 2,
    })
  }
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
  })
  db.close()
  return count
}

/** Runs in the page before the app: records when the first history rows appear. */
function watchFirstRows(selector: string): void {
  const w = window as unknown as { __firstRowsAt?: number }
  const observer = new MutationObserver(() => {
    if (w.__firstRowsAt === undefined && document.querySelector(selector)) {
      w.__firstRowsAt = performance.now()
      observer.disconnect()
    }
  })
  observer.observe(document, { childList: true, subtree: true })
}

/** Runs in the page: arms a timer from the next keydown in the search box to the rows changing. */
function armKeystrokeTimer(rowSelector: string): void {
  const w = window as unknown as { __keystroke?: Promise<number> }
  const input = document.querySelector<HTMLInputElement>('#history-q')!
  const scroller = document.querySelector('[data-testid="history-scroll"]')!
  w.__keystroke = new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('the rows did not change within 5 s of the keystroke')), 5000)
    let t0 = 0
    const before = [...document.querySelectorAll(rowSelector)].map((r) => r.textContent).join()
    const observer = new MutationObserver(() => {
      const now = [...document.querySelectorAll(rowSelector)].map((r) => r.textContent).join()
      if (t0 && now !== before) {
        observer.disconnect()
        resolve(performance.now() - t0)
      }
    })
    observer.observe(scroller, { childList: true, subtree: true, characterData: true })
    input.addEventListener('keydown', () => (t0 = performance.now()), { once: true, capture: true })
  })
}

export default async function history(ctx: BenchContext): Promise<BenchFigure[]> {
  const found = findBrowser()
  if ('error' in found) throw new Error(found.error)
  const executablePath = found.path
  const outDir = join(ctx.workDir, 'history-app')
  const t = performance.now()
  await runVite(ctx.root, ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'])
  ctx.log(`app built in ${Math.round(performance.now() - t)} ms`)

  let server: PreviewServer | null = null
  let browser: Browser | null = null
  try {
    server = await preview({
      root: ctx.root,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    })
    const { port } = server.httpServer.address() as AddressInfo
    const base = `http://127.0.0.1:${port}`
    ctx.log(`serving ${outDir} at ${base}`)

    browser = await chromium.launch({ executablePath, args: chromiumArgs, headless: true })
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await page.goto(`${base}/settings`)
    const seeded = await page.evaluate(seedHistory, ENTRIES)
    ctx.log(`seeded ${seeded} entries`)
    await page.close()

    const loads: number[] = []
    const fullLoads: number[] = []
    const keystrokes: number[] = []
    let rowsInDom = 0
    const runs = ctx.quick ? 1 : 3
    for (let run = 0; run < runs; run++) {
      const view = await context.newPage()
      await view.addInitScript(watchFirstRows, ROW)
      await view.goto(`${base}/history`)
      await view.waitForSelector(ROW, { timeout: 30_000 })
      loads.push(
        await view.evaluate(() => (window as unknown as { __firstRowsAt: number }).__firstRowsAt),
      )
      // The rest of history is read in chunks after the first screen.
      await view.waitForSelector('[data-testid="history-loading-rest"]', {
        state: 'detached',
        timeout: 60_000,
      })
      fullLoads.push(await view.evaluate(() => performance.now()))
      const summary = await view.textContent('[data-testid="history-summary"]')
      if (summary?.trim() !== `${ENTRIES.toLocaleString('en-US')} requests`) {
        throw new Error(`expected all ${ENTRIES} entries, the page says "${summary}"`)
      }
      // Let the idle-time search-key pass finish, as it would while a person reads the page.
      await view.waitForTimeout(500)
      rowsInDom = Math.max(rowsInDom, await view.locator('[role="row"]').count())

      await view.focus('#history-q')
      // Each keystroke changes the visible rows ('g' and 'x' only match Globex, 'z' Zeta Shop).
      for (const key of ['g', 'Backspace', 'z', 'Backspace', 'x']) {
        await view.evaluate(armKeystrokeTimer, ROW)
        await view.keyboard.press(key)
        keystrokes.push(
          await view.evaluate(
            () => (window as unknown as { __keystroke: Promise<number> }).__keystroke,
          ),
        )
      }
      rowsInDom = Math.max(rowsInDom, await view.locator('[role="row"]').count())
      await view.close()
    }
    ctx.log(`load to first rows: ${loads.map(Math.round).join(', ')} ms`)
    ctx.log(`load to all entries: ${fullLoads.map(Math.round).join(', ')} ms`)
    ctx.log(`keystroke to rows: ${keystrokes.map(round1).join(', ')} ms`)

    const load = round1(median(loads))
    const keystroke = round1(median(keystrokes))
    const keystrokeMax = round1(Math.max(...keystrokes))
    return [
      {
        name: 'history.100k.loadToFirstRows',
        value: load,
        unit: 'ms',
        target: '< 1000 ms',
        pass: load < 1000,
      },
      { name: 'history.100k.loadAllEntries', value: round1(median(fullLoads)), unit: 'ms' },
      {
        name: 'history.100k.filterKeystroke.median',
        value: keystroke,
        unit: 'ms',
        target: '< 50 ms',
        pass: keystroke < 50,
      },
      { name: 'history.100k.filterKeystroke.max', value: keystrokeMax, unit: 'ms' },
      {
        name: 'history.100k.rowsInDom',
        value: rowsInDom,
        unit: 'count',
        target: '< 200',
        pass: rowsInDom < 200,
      },
    ]
  } finally {
    await browser?.close()
    await server?.close()
  }
}
