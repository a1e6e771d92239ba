/**
 * History's dates in real Chromium. A request history first learns of through Look up, after the
 * sandbox clock was moved ahead (as its clock controls do; on live, a browser clock lagging
 * Vonage's does the same): the API dates it by its own clock, minutes after the browser's. Verified
 * by the tester's own application, history shows it succeeded within a few background refreshes
 * and announces it. And the Started column shows the whole date, in the browser's language.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import {
  adminRequest,
  advanceClock,
  baseURL,
  newPage,
  POLL,
  randomNumber,
  startFromOwnApp,
  useBrowser,
} from './support'

const app = useBrowser()
/** The sandbox's clock ahead of the browser's, as five presses of "+60 s" would put it. */
const OFFSET_S = 300

async function resetSandbox(): Promise<void> {
  const reset = await fetch(`${baseURL()}/api/sandbox/__admin/reset`, { method: 'POST' })
  expect(reset.status).toBe(200)
}

// The reset clears the clock offset too: the files after this one find the sandbox's clock as is.
beforeAll(resetSandbox)
afterAll(resetSandbox)

test('a looked-up request verified elsewhere with the sandbox clock ahead ends in history', async () => {
  const { page } = app
  await page.setViewportSize({ width: 1280, height: 800 })
  await advanceClock(OFFSET_S)
  const { digits } = randomNumber()
  const startedAt = Date.now()
  const id = await startFromOwnApp(digits, 'ClockShop')

  await page.goto('/lookup')
  await page.getByRole('heading', { level: 1, name: 'Look up' }).waitFor()
  await page.getByRole('textbox', { name: 'Request IDs' }).fill(id)
  await page.getByRole('button', { name: 'Look up' }).click()
  const row = page.locator('.history-row', { hasText: id })
  await page.getByRole('link', { name: 'History' }).first().click()
  await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
  await row.locator('.status[data-status="IN PROGRESS"]').waitFor(POLL)

  // The tester's application checks the right code, straight at the sandbox.
  const { pin } = await adminRequest(id)
  const checked = await fetch(
    `${baseURL()}/sandbox/verify/check/json?api_key=sandbox&api_secret=sandbox-secret&request_id=${id}&code=${pin}`,
  )
  expect(((await checked.json()) as { status: string }).status).toBe('0')

  // Within a few refreshes (every 2 s), not after the clock's five minutes.
  await row.locator('.status[data-status="SUCCESS"]').waitFor(POLL)
  await page.waitForFunction(
    (short) =>
      [...document.querySelectorAll('[data-testid="announcer"] p')].some(
        (p) => p.textContent?.includes(`Request ${short}`) && p.textContent.includes('(SUCCESS)'),
      ),
    `…${id.slice(-6)}`,
    POLL,
  )
  // The date shown is still the one the sandbox gave (its clock, minutes ahead of the browser's).
  const shown = await row.locator('time').getAttribute('datetime')
  const submitted = Date.parse(shown!)
  // (From the start, not from now: the test's own duration on a busy machine does not count.)
  expect(submitted - startedAt).toBeGreaterThan((OFFSET_S - 60) * 1000)
  // What history keeps for ordering answers is the browser's time, never the sandbox's.
  const stored = await page.evaluate(async (requestId) => {
    const all = await new Promise<unknown[]>((resolve, reject) => {
      const open = indexedDB.open('verify-desk')
      open.onerror = () => reject(open.error)
      open.onsuccess = () => {
        const get = open.result.transaction('entries').objectStore('entries').getAll()
        get.onsuccess = () => resolve(get.result as unknown[])
        get.onerror = () => reject(get.error)
      }
    })
    return all.find((e) => (e as { request_id: string }).request_id === requestId) as
      { lastActivityAt: number } | undefined
  }, id)
  expect(stored).toBeDefined()
  expect(stored!.lastActivityAt).toBeLessThanOrEqual(Date.now())
  expect(app.pageErrors).toEqual([])
})

test('a looked-up request from a sandbox clock ahead is settled at once by a reset', async () => {
  const { page } = app
  await page.setViewportSize({ width: 1280, height: 800 })
  await advanceClock(OFFSET_S)
  const id = await startFromOwnApp(randomNumber().digits, 'ClockShop')
  await page.goto('/lookup')
  await page.getByRole('heading', { level: 1, name: 'Look up' }).waitFor()
  await page.getByRole('textbox', { name: 'Request IDs' }).fill(id)
  await page.getByRole('button', { name: 'Look up' }).click()
  const row = page.locator('.history-row', { hasText: id })
  await page.getByRole('link', { name: 'History' }).first().click()
  await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
  await row.locator('.status[data-status="IN PROGRESS"]').waitFor(POLL)

  // Its submission date (the sandbox's clock) is after the reset, on the browser's clock: what
  // counts is when history last saw it, which is before.
  await resetSandbox()
  const gone = row.locator('.status[data-status="UNKNOWN"]')
  await gone.waitFor(POLL)
  expect(await gone.getAttribute('title')).toBe(
    'The sandbox was reset: this request no longer exists.',
  )
  expect(app.pageErrors).toEqual([])
})

/** A stored history entry started at `at`, as an export file holds it. */
function entryAt(n: number, at: number) {
  return {
    request_id: `da7e${n.toString(16).padStart(28, '0')}`,
    environment: 'sandbox',
    kind: 'request',
    number: `4477009${String(n).padStart(5, '0')}`,
    brand: 'Dates',
    payee: '',
    amount: '',
    params: {},
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

/** The Started cells and numbers that do not fit (cut by the ellipsis), with their text. */
function cutTexts(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.history-scroll .cell-date, .history-scroll a')]
      .filter((cell) => cell.scrollWidth > cell.clientWidth)
      .map((cell) => `${cell.textContent?.trim()} (${cell.scrollWidth} > ${cell.clientWidth} px)`),
  )
}

test('the Started column shows the whole date from 761 px up, in several languages', async () => {
  // The longest dates: two-digit days and hours, afternoon, every month.
  const entries = Array.from({ length: 12 }, (_, month) =>
    entryAt(month + 1, Date.UTC(2026, month, 28, 22, 58)),
  )
  // The longest number there is (15 digits) keeps its room beside them.
  entries.push({ ...entryAt(13, Date.UTC(2026, 10, 26, 13, 42)), number: '447700900123456' })
  for (const locale of ['en-US', 'en-GB', 'fr-FR', 'de-DE', 'es-ES']) {
    const open = await newPage(app.browser, baseURL(), { locale, timezoneId: 'UTC' })
    try {
      const { page } = open
      await page.setViewportSize({ width: 1280, height: 800 })
      await page.goto('/history')
      await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
      await page.getByTestId('history-import').setInputFiles({
        name: 'history.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ entries })),
      })
      await page
        .locator('.history-scroll .cell-date')
        .nth(entries.length - 1)
        .waitFor(POLL)
      if (locale === 'en-US') {
        await page.getByText('Nov 26, 2026, 1:42 PM').waitFor()
        await page.getByText('Sep 28, 2026, 10:58 PM').waitFor()
      }
      // From the narrowest table layout (below it the date has a line of its own) to a wide screen.
      for (const width of [761, 1024, 1280, 1920]) {
        await page.setViewportSize({ width, height: 800 })
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))))
        expect(await cutTexts(page), `${locale} at ${width} px`).toEqual([])
      }
      expect(open.pageErrors, locale).toEqual([])
    } finally {
      await open.close()
    }
  }
})
