/**
 * The history list in real Chromium: every row reachable by keyboard in order, and the focus
 * staying on its entry while the list scrolls.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { useBrowser } from './support'

const app = useBrowser({ contextOptions: { locale: 'en-GB', timezoneId: 'UTC' } })

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
    `link ${requestId(n)} 4477009${String(n).padStart(5, '0')}`,
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
