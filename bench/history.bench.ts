import { writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import { preview, type PreviewServer } from 'vite'
import { chromiumArgs, findBrowser } from '../tests/e2e/support/browser-path.ts'
import { runVite } from './lib/build'
import { median } from './lib/stats'
import type { BenchContext, BenchFigure } from './lib/types'

/**
 * History with 100,000 entries in headless Chromium, against the built app served by `vite preview`
 * on a free port: load to first rows (in wall-clock time, and in the page's main-thread CPU time,
 * which the load of a shared machine does not move), one filter keystroke to updated rows, row
 * elements in the DOM.
 * IndexedDB is seeded from the page with the app's own stored shape (no test code in the bundle).
 * Then the import of a 100,000-entry export through Import JSON, into an empty history: the longest
 * main-thread task (PerformanceObserver 'longtask') and the time to the report, with the import
 * worker and, as the baseline in the same run, with the page's own path (the app with no Worker,
 * i.e. the import as it was before the worker).
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

/** A History export of `count` finished entries (every 4th with a search result, 1 call in 100). */
function historyExport(count: number): string {
  const statuses = ['SUCCESS', 'EXPIRED', 'FAILED', 'CANCELLED']
  const brands = ['Acme Bank', 'Zeta Shop', 'Northwind', 'Contoso', 'Globex', 'Initech']
  const start = Date.UTC(2025, 0, 1)
  const entries = []
  const calls = []
  for (let i = 0; i < count; i++) {
    const at = start + i * 60_000
    const brand = brands[i % brands.length]!
    const id = (i + 1).toString(16).padStart(32, '0')
    entries.push({
      request_id: id,
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
      lastSearch:
        i % 4 === 0
          ? {
              events: [{ type: 'sms', id: `ev${i}` }],
              checks: [{ date_received: '2025-01-01 00:00:40', code: '1234', status: 'VALID' }],
              price: '0.10000000',
              currency: 'EUR',
              estimatedPrice: '0.10000000',
              accountId: 'abcd1234',
              senderId: 'verify',
              dateSubmitted: '2025-01-01 00:00:00',
              dateFinalized: '2025-01-01 00:00:40',
              firstEventDate: '2025-01-01 00:00:00',
              lastEventDate: '2025-01-01 00:00:00',
              fetchedAt: at + 30_000,
            }
          : null,
      lastError: null,
      source: 'started',
      schemaVersion: 2,
    })
    if (i % 100 === 0) {
      calls.push({
        key: `read-${i}|${id}`,
        request_id: id,
        kind: 'read',
        call: {
          id: i,
          key: `read-${i}`,
          method: 'GET',
          path: 'sandbox/verify/search/json',
          startedAt: at + 10_000,
          durationMs: 12,
          query: { request_id: id },
          body: null,
          httpStatus: 200,
          response: { request_id: id, status: 'SUCCESS' },
          error: null,
        },
      })
    }
  }
  const file = { format: 'verify-desk-history', schemaVersion: 2, exportedAt: '', entries, calls }
  return JSON.stringify(file, null, 1)
}

/**
 * Runs in the page before the app: records long main-thread tasks and, once armed by a change of
 * the import field, when the import report appears. With `noWorker` the page has no Worker (the
 * app then imports on the page, as it did before the import worker).
 */
function watchImport(noWorker: boolean): void {
  const w = window as unknown as {
    __longTasks: { start: number; duration: number }[]
    __import: Promise<{ start: number; end: number }>
    Worker?: unknown
  }
  if (noWorker) Object.defineProperty(window, 'Worker', { value: undefined, configurable: true })
  w.__longTasks = []
  new PerformanceObserver((list) => {
    for (const task of list.getEntries()) {
      w.__longTasks.push({ start: task.startTime, duration: task.duration })
    }
  }).observe({ type: 'longtask', buffered: true })
  w.__import = new Promise((resolve) => {
    document.addEventListener(
      'change',
      () => {
        const start = performance.now()
        const observer = new MutationObserver(() => {
          if (document.body.textContent?.includes('Imported:')) {
            observer.disconnect()
            resolve({ start, end: performance.now() })
          }
        })
        observer.observe(document.body, { childList: true, subtree: true, characterData: true })
      },
      { capture: true, once: true },
    )
  })
}

interface ImportRun {
  /** ms from choosing the file to the report. */
  total: number
  /** The longest main-thread task meanwhile, ms (0: none over 50 ms). */
  longestTask: number
}

/** Imports `path` into an empty history through Import JSON, in a fresh context. */
async function importOnce(
  context: BrowserContext,
  base: string,
  path: string,
  noWorker: boolean,
  entries: number,
): Promise<ImportRun> {
  const page = await context.newPage()
  try {
    await page.addInitScript(watchImport, noWorker)
    await page.goto(`${base}/history`)
    await page.waitForSelector('[data-testid="history-empty"]', { timeout: 30_000 })
    await page.setInputFiles('[data-testid="history-import"]', path)
    const { start, end } = await page.evaluate(
      () => (window as unknown as { __import: Promise<{ start: number; end: number }> }).__import,
    )
    const report = await page.textContent('.history-toolbar [role="status"]')
    // The page groups digits as the browser does (100,000 in English).
    const added = await page.evaluate((n) => n.toLocaleString(), entries)
    if (!report?.includes(`Imported: ${added} added`)) {
      throw new Error(`expected ${entries} entries added, the page says "${report?.trim()}"`)
    }
    const tasks = await page.evaluate(
      () =>
        (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks,
    )
    const during = tasks.filter((t) => t.start + t.duration >= start && t.start <= end)
    return { total: end - start, longestTask: Math.max(0, ...during.map((t) => t.duration)) }
  } finally {
    await page.close()
  }
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

/**
 * Runs in the page before the app: stops the page in the debugger as the first history rows appear,
 * so that the main thread's CPU time so far can be read (see `firstRowsCpu`).
 */
function pauseAtFirstRows(selector: string): void {
  const observer = new MutationObserver(() => {
    if (!document.querySelector(selector)) return
    observer.disconnect()
    // The bench reads the CPU time while the page stands here.
    debugger
  })
  observer.observe(document, { childList: true, subtree: true })
}

/**
 * The main thread's CPU time from the start of a fresh page to its first history rows, in ms: what
 * the page itself computes on the way (scripts, style, layout), without the waits (network,
 * IndexedDB) or the time other processes of a shared machine take. The wall-clock figure moves with
 * the machine's load; this one moves when the page does more work.
 */
async function firstRowsCpu(context: BrowserContext, url: string): Promise<number> {
  const page = await context.newPage()
  try {
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
    await cdp.send('Debugger.enable')
    const atFirstRows = new Promise<number>((resolve, reject) => {
      cdp.on('Debugger.paused', () => {
        cdp
          .send('Performance.getMetrics')
          .then(({ metrics }) => {
            resolve((metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000)
            return cdp.send('Debugger.resume')
          })
          .catch(reject)
      })
    })
    await page.addInitScript(pauseAtFirstRows, ROW)
    await page.goto(url, { waitUntil: 'commit' })
    return await atFirstRows
  } finally {
    await page.close()
  }
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

    const cpus: number[] = []
    for (let run = 0; run < runs; run++) cpus.push(await firstRowsCpu(context, `${base}/history`))

    // Import: the worker and the page's own path alternate, each into a fresh, empty history.
    const file = join(ctx.workDir, 'history-import-100k.json')
    writeFileSync(file, historyExport(ENTRIES))
    const imports: Record<'worker' | 'page', ImportRun[]> = { worker: [], page: [] }
    for (let run = 0; run < (ctx.quick ? 1 : 2); run++) {
      for (const mode of ['page', 'worker'] as const) {
        const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } })
        try {
          imports[mode].push(await importOnce(fresh, base, file, mode === 'page', ENTRIES))
        } finally {
          await fresh.close()
        }
      }
    }
    for (const mode of ['page', 'worker'] as const) {
      ctx.log(
        `import (${mode}): ${imports[mode].map((r) => `${Math.round(r.total)} ms, longest task ${Math.round(r.longestTask)} ms`).join('; ')}`,
      )
    }
    /** A figure of the worker's import with the page's own import as its baseline. */
    const versus = (pick: (run: ImportRun) => number) => {
      const value = round1(median(imports.worker.map(pick)))
      const baseline = round1(median(imports.page.map(pick)))
      return {
        value,
        baseline,
        ratio: baseline > 0 ? Math.round((value / baseline) * 1000) / 1000 : 0,
      }
    }
    const longestTask = versus((run) => run.longestTask)
    const importTotal = versus((run) => run.total)

    ctx.log(`load to first rows: ${loads.map(Math.round).join(', ')} ms`)
    ctx.log(`main-thread CPU to first rows: ${cpus.map(Math.round).join(', ')} ms`)
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
      { name: 'history.100k.loadToFirstRows.cpu', value: round1(median(cpus)), unit: 'ms' },
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
      {
        name: 'history.100k.import.longestTask',
        ...longestTask,
        unit: 'ms',
        target: '< 200 ms',
        pass: longestTask.value < 200,
      },
      { name: 'history.100k.import.total', ...importTotal, unit: 'ms' },
    ]
  } finally {
    await browser?.close()
    await server?.close()
  }
}
