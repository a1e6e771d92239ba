/**
 * Back to History in real Chromium: the list (a virtual list that scrolls itself, not the window)
 * is where it was left, on the same rows, under the same search, after a request was opened from
 * it; and a list left under another search opens at the top.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { POLL, useBrowser } from './support'

const app = useBrowser({ contextOptions: { locale: 'en-GB', timezoneId: 'UTC' } })

const DESKTOP = { width: 1280, height: 800 }
const COUNT = 300

function requestId(n: number): string {
  return `e2eb${n.toString(16).padStart(28, '0')}`
}

/** A finished history entry, as an export file holds it (nothing left to poll). */
function entry(n: number) {
  const at = Date.UTC(2026, 10, 1, 9, 0, 0) - n * 60_000
  return {
    request_id: requestId(n),
    environment: 'sandbox',
    kind: 'request',
    number: `4477008${String(n).padStart(5, '0')}`,
    brand: `Brand ${n}`,
    payee: '',
    amount: '',
    params: { brand: `Brand ${n}` },
    status: 'SUCCESS',
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    lastSearch: null,
    lastError: null,
    source: 'started',
    schemaVersion: 2,
  }
}

/** Opens History and imports the entries through its Import JSON button, as a user would. */
async function openHistoryWithEntries(page: Page): Promise<void> {
  await page.setViewportSize(DESKTOP)
  await page.goto('/history')
  await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
  await page.getByTestId('history-import').setInputFiles({
    name: 'history.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({ entries: Array.from({ length: COUNT }, (_, i) => entry(i + 1)) }),
    ),
  })
  await page.getByText(`Imported: ${COUNT} added`).waitFor()
}

/** The numbers of the rows wholly in view in the history list, top to bottom. */
function rowsInView(page: Page): Promise<string[]> {
  return page.getByTestId('history-scroll').evaluate((scroller) => {
    const view = scroller.getBoundingClientRect()
    return Array.from(scroller.querySelectorAll<HTMLElement>('[role="row"]'))
      .map((row) => ({ row, rect: row.getBoundingClientRect() }))
      .filter(({ rect }) => rect.top >= view.top - 0.5 && rect.bottom <= view.bottom + 0.5)
      .sort((a, b) => a.rect.top - b.rect.top)
      .map(({ row }) => row.querySelector('a')?.textContent?.trim() ?? '')
  })
}

/** Where the list is scrolled to once it has stopped moving (the same over two frames). */
function restingOffset(page: Page): Promise<number | null> {
  return page.getByTestId('history-scroll').evaluate(
    (el) =>
      new Promise<number | null>((resolve) => {
        const first = el.scrollTop
        requestAnimationFrame(() =>
          requestAnimationFrame(() => resolve(el.scrollTop === first ? first : null)),
        )
      }),
  )
}

/** Scrolls the list with the mouse wheel, as a user does, until it rests `by` pixels down. */
async function wheelList(page: Page, by: number): Promise<void> {
  const box = await page.getByTestId('history-scroll').boundingBox()
  expect(box, 'the history list is on the page').not.toBeNull()
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2)
  await page.mouse.wheel(0, by)
  await expect.poll(() => restingOffset(page), POLL).toBeGreaterThanOrEqual(by - 1)
}

describe('Back to History', () => {
  test('the list is where it was left, on the same rows, under the same search', async () => {
    const { page } = app
    await openHistoryWithEntries(page)
    const search = page.getByRole('searchbox', { name: 'Search' })
    // Brand 1, 10 to 19 and 100 to 199: 111 entries, several screens of them.
    await search.fill('brand 1')
    await page.getByRole('link', { name: '447700800010' }).waitFor()
    await wheelList(page, 2400)
    const before = await rowsInView(page)
    expect(before.length).toBeGreaterThan(3)
    expect(before[0]).not.toBe('+447700800001')

    await page.getByRole('link', { name: before[1]! }).click()
    await page.waitForURL(/\/requests\//)
    await page.getByRole('heading', { level: 1 }).first().waitFor()

    await page.goBack()
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    expect(await search.inputValue()).toBe('brand 1')
    await expect.poll(() => rowsInView(page), POLL).toEqual(before)
  })

  test('a list left under another search, then Back, opens at the top of that search', async () => {
    const { page } = app
    await openHistoryWithEntries(page)
    await wheelList(page, 2400)
    const search = page.getByRole('searchbox', { name: 'Search' })
    await search.fill('brand 2')
    await page.getByRole('link', { name: '447700800002' }).click()
    await page.waitForURL(/\/requests\//)

    await page.goBack()
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    expect(await search.inputValue()).toBe('brand 2')
    await expect.poll(async () => (await rowsInView(page))[0], POLL).toBe('+447700800002')
  })
})
