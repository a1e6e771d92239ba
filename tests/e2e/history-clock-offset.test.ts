/**
 * A request history first learns of through Look up, after the sandbox clock was moved ahead (as
 * its clock controls do; on live, a browser clock lagging Vonage's does the same): the API dates it
 * by its own clock, minutes after the browser's. Verified by the tester's own application, history
 * shows it succeeded within a few background refreshes and announces it, in real Chromium.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  adminRequest,
  advanceClock,
  baseURL,
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
  expect(submitted - Date.now()).toBeGreaterThan((OFFSET_S - 60) * 1000)
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
