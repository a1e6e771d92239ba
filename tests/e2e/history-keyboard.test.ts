/**
 * The history list in real Chromium: every row reachable by keyboard in order, the focus staying on
 * its entry while the list scrolls, rows that never overlap at phone widths or 200 % zoom while
 * still showing the date, environment and brand, and a focus ring the table does not clip.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { POLL, useBrowser } from './support'

// One page for the file, reset before each test (see useBrowser): each test loads its pages.
const app = useBrowser({
  pagePerFile: true,
  contextOptions: { locale: 'en-GB', timezoneId: 'UTC' },
})

const DESKTOP = { width: 1280, height: 800 }

function requestId(n: number): string {
  return `e2e0${n.toString(16).padStart(28, '0')}`
}

/** A stored history entry, as an export file holds it. */
function entry(n: number, patch: Record<string, unknown> = {}) {
  const at = Date.UTC(2026, 10, 1, 9, 0, 0) - n * 60_000
  return {
    request_id: requestId(n),
    environment: n % 3 === 0 ? 'live' : 'sandbox',
    kind: 'request',
    number: `4477009${String(n).padStart(5, '0')}`,
    brand: `Brand ${n}`,
    payee: '',
    amount: '',
    params: { brand: `Brand ${n}` },
    status: 'IN PROGRESS',
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    lastSearch: null,
    lastError: null,
    source: 'started',
    schemaVersion: 2,
    ...patch,
  }
}

/** Opens History and imports `entries` through its Import JSON button, as a user would. */
async function openHistoryWith(page: Page, entries: object[]): Promise<void> {
  await page.goto('/history')
  await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
  await page.getByTestId('history-import').setInputFiles({
    name: 'history.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ entries })),
  })
  await page.getByText(`Imported: ${entries.length} added`).waitFor()
}

/** Where the focus is: the entry of its history row, and which control of the row. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return '(body)'
    const row = el.closest('[role="row"]')
    if (!row) return `${el.localName}${el.id ? `#${el.id}` : ''}`
    if (el.localName === 'a') {
      // The link's own target and text, not the row around it: a reused row would differ.
      return `link ${el.getAttribute('href')?.split('/').pop()} ${el.textContent?.trim()}`
    }
    const label = el.getAttribute('aria-label') ?? ''
    return `delete ${/\(([0-9a-f]{32})\)/.exec(label)?.[1] ?? label}`
  })
}

/** Whether the focused element is inside the visible part of the history list. */
function focusedInView(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement!
    const scroller = document.querySelector('[data-testid="history-scroll"]')!
    const a = el.getBoundingClientRect()
    const s = scroller.getBoundingClientRect()
    return a.top >= s.top - 1 && a.bottom <= s.bottom + 1 && a.height > 0
  })
}

describe('history by keyboard', () => {
  const COUNT = 45
  const entries = Array.from({ length: COUNT }, (_, i) => entry(i + 1))
  const expected = (n: number) => [
    `link ${requestId(n)} +4477009${String(n).padStart(5, '0')}`,
    `delete ${requestId(n)}`,
  ]

  test('Tab reaches every row, in order, down to the last one, each in view', async () => {
    const { page } = app
    await page.setViewportSize(DESKTOP)
    await openHistoryWith(page, entries)
    await page.getByRole('link', { name: '447700900001' }).focus()

    const stops = [await focused(page)]
    const outOfView: string[] = []
    for (let i = 1; i < COUNT * 2 + 1; i++) {
      await page.keyboard.press('Tab')
      const stop = await focused(page)
      stops.push(stop)
      if (stop.startsWith('link') || stop.startsWith('delete')) {
        if (!(await focusedInView(page))) outOfView.push(stop)
      }
    }
    const want = entries.flatMap((_, i) => expected(i + 1))
    expect(stops.slice(0, want.length)).toEqual(want)
    // After the last row the focus leaves the list (the end of the page).
    expect(stops.at(-1)).not.toMatch(/^(link|delete)/)
    expect(outOfView).toEqual([])

    // And back up with Shift+Tab, row by row.
    await page.getByRole('link', { name: '447700900045' }).focus()
    const back: string[] = []
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Shift+Tab')
      back.push(await focused(page))
    }
    expect(back).toEqual([44, 43, 42, 41, 40].flatMap((n) => expected(n).reverse()))
  })

  test('the focus stays on its entry while the list scrolls away (End), and Tab goes on to the next entry', async () => {
    const { page } = app
    await page.setViewportSize(DESKTOP)
    await openHistoryWith(page, entries)
    const third = page.getByRole('link', { name: '447700900003' })
    await third.focus()

    await page.keyboard.press('End')
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-testid="history-scroll"]')!
      return s.scrollTop + s.clientHeight >= s.scrollHeight - 1
    })
    // The last row is now drawn; the focus is still on entry 3's link, not on a reused row.
    await page.getByRole('link', { name: '447700900045' }).waitFor()
    expect(await focused(page)).toBe(expected(3)[0])

    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe(expected(3)[1])
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe(expected(4)[0])
    expect(await focusedInView(page)).toBe(true)

    // Home from the end of the list, then Shift+Tab: the previous entry.
    await page.getByTestId('history-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight))
    await page.getByRole('link', { name: '447700900040' }).focus()
    await page.keyboard.press('Home')
    await page.getByRole('link', { name: '447700900001' }).waitFor()
    expect(await focused(page)).toBe(expected(40)[0])
    await page.keyboard.press('Shift+Tab')
    expect(await focused(page)).toBe(expected(39)[1])
  })
})

describe('deleting from history', () => {
  test('a delete by keyboard moves the focus to the next entry, and Undo brings the entry back', async () => {
    const { page } = app
    await page.setViewportSize(DESKTOP)
    await openHistoryWith(page, [entry(1), entry(2), entry(3)])
    await page.getByRole('button', { name: new RegExp(`Delete .*${requestId(2)}`) }).focus()
    await page.keyboard.press('Enter')
    await page.getByText('Deleted +447700900002 from history.').waitFor()
    await expect.poll(() => focused(page), POLL).toBe(`link ${requestId(3)} +447700900003`)
    expect(await page.getByRole('link', { name: '447700900002' }).count()).toBe(0)

    await page.getByRole('button', { name: /^Undo/ }).click()
    await page.getByRole('link', { name: '447700900002' }).waitFor()
    await expect.poll(() => focused(page), POLL).toBe(`link ${requestId(2)} +447700900002`)

    // The last entry left: the focus goes to Undo, never to the page.
    await page.getByRole('searchbox', { name: 'Search' }).fill('447700900001')
    await page.getByRole('button', { name: new RegExp(`Delete .*${requestId(1)}`) }).click()
    await page.getByText('Deleted +447700900001 from history.').waitFor()
    await expect.poll(() => focused(page), POLL).toBe('button')
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toMatch(/^Undo/)
  })
})

/** Every rendered row's problems: content outside its row, rows overlapping, cells not shown. */
function rowProblems(page: Page, narrow: boolean): Promise<string[]> {
  return page.evaluate((narrow) => {
    const problems: string[] = []
    const scroller = document.querySelector('[data-testid="history-scroll"]')!
    const view = scroller.getBoundingClientRect()
    const rows = Array.from(scroller.querySelectorAll<HTMLElement>('[role="row"]'))
      .map((row) => ({ row, rect: row.getBoundingClientRect() }))
      .filter(({ rect }) => rect.bottom > view.top && rect.top < view.bottom)
      .sort((a, b) => a.rect.top - b.rect.top)
    if (rows.length < 3) problems.push(`only ${rows.length} rows in view`)
    for (const [i, { row, rect }] of rows.entries()) {
      const name = row.querySelector('a')?.textContent?.trim() ?? `row ${i}`
      const next = rows[i + 1]
      if (next && next.rect.top < rect.bottom - 0.5) problems.push(`${name} overlaps the next row`)
      for (const el of Array.from(row.querySelectorAll<HTMLElement>('*'))) {
        const box = el.getBoundingClientRect()
        if (box.width === 0 || box.height === 0) continue
        if (box.top < rect.top - 0.5 || box.bottom > rect.bottom + 0.5) {
          problems.push(`${name}: ${el.localName}.${el.className} sticks out of its row`)
        }
        if (box.right > window.innerWidth + 0.5) {
          problems.push(`${name}: ${el.localName}.${el.className} is wider than the screen`)
        }
      }
      // The phone number is shown in full at every width (the request_id below may be cut).
      const number = row.querySelector<HTMLElement>('a.number')
      const digits = /^\+?\d+$/.test(number?.textContent?.trim() ?? '')
      if (number && digits && number.scrollWidth > number.clientWidth) {
        problems.push(`${name}: the number is cut (${number.scrollWidth} > ${number.clientWidth})`)
      }
      // The start date, environment and brand are shown at every width.
      for (const cell of ['cell-date', 'cell-env', 'cell-brand']) {
        const el = row.querySelector<HTMLElement>(`.${cell}`)
        const box = el?.getBoundingClientRect()
        if (!el || !box || box.width < 20 || box.height === 0 || !el.innerText.trim()) {
          problems.push(`${name}: ${cell} is not shown${narrow ? ' on a narrow screen' : ''}`)
        }
      }
    }
    return problems
  }, narrow)
}

describe('history rows at every width', () => {
  const long = [
    entry(1, { brand: 'A brand name long enough to need more than one line on a phone' }),
    entry(2, { number: '', kind: 'request' }),
    entry(3, { kind: 'psd2', brand: '', payee: 'Payee Limited of Somewhere', amount: '12.50' }),
    // The longest number there is (15 digits), in progress (the widest status).
    entry(4, { number: '447700900123456' }),
    ...Array.from({ length: 20 }, (_, i) => entry(i + 5, { status: 'SUCCESS' })),
  ]

  test('no row spills into the next and the date, environment and brand are shown, from 320 px to a laptop and at 200 % zoom', async () => {
    const { page } = app
    await page.setViewportSize(DESKTOP)
    await openHistoryWith(page, long)
    const found: Record<string, string[]> = {}
    // 640 × 400 is a 1280 × 800 laptop zoomed to 200 %.
    for (const width of [320, 360, 390, 440, 640, 761, 800, 840, 1024, 1280]) {
      await page.setViewportSize({ width, height: width === 640 ? 400 : 800 })
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))))
      const problems = await rowProblems(page, width <= 760)
      if (problems.length) found[width] = problems
    }
    expect(found).toEqual({})
  })

  test('the focus ring of the scroll area is drawn in full, not cut by the table', async () => {
    const { page } = app
    await page.setViewportSize(DESKTOP)
    await openHistoryWith(page, long)
    await page.getByRole('link', { name: '447700900001' }).focus()
    await page.keyboard.press('Shift+Tab')
    const clipped = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement
      if (el.dataset.testid !== 'history-scroll') return `focus is on ${el.localName}`
      const style = getComputedStyle(el)
      const width = parseFloat(style.outlineWidth)
      if (style.outlineStyle === 'none' || !(width > 0)) return 'no outline'
      const grow = width + parseFloat(style.outlineOffset)
      const r = el.getBoundingClientRect()
      const ring = {
        top: r.top - grow,
        left: r.left - grow,
        right: r.right + grow,
        bottom: r.bottom + grow,
      }
      for (let up = el.parentElement; up; up = up.parentElement) {
        const s = getComputedStyle(up)
        if (s.overflowX === 'visible' && s.overflowY === 'visible') continue
        const c = up.getBoundingClientRect()
        if (
          ring.top < c.top ||
          ring.left < c.left ||
          ring.right > c.right ||
          ring.bottom > c.bottom
        ) {
          return `cut by ${up.localName}.${up.className}`
        }
      }
      return null
    })
    expect(clipped).toBeNull()
  })
})
