/**
 * A sandbox reset while History is open, in real Chromium against the real server: the sandbox
 * requests the reset removed are settled at once as no longer existing (not "In progress" for the
 * 90 s a request search does not know yet gets) and are no longer searched; a request started
 * after the reset is still watched.
 */
import type { Request } from 'playwright-core'
import { expect, test } from 'vitest'
import {
  baseURL,
  navigateTo,
  POLL,
  randomNumber,
  startVerification,
  useBrowser,
  waitForStatus,
} from './support'

const app = useBrowser()

/** The ids each sandbox search of the page asked for, in order. */
function searchedIds(requests: Request[]): string[][] {
  return requests
    .map((r) => new URL(r.url()))
    .filter((url) => url.pathname === '/api/sandbox/verify/search/json')
    .map((url) => [
      ...url.searchParams.getAll('request_id'),
      ...url.searchParams.getAll('request_ids'),
    ])
}

test('a reset with History open: the removed requests are settled at once and no longer searched', async () => {
  const { page } = app
  const sent: Request[] = []
  page.on('request', (request) => void sent.push(request))
  const gone = await startVerification(page, randomNumber().typed)
  await waitForStatus(page, 'IN PROGRESS')
  await navigateTo(page, 'History')
  await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
  const status = page.locator(`[role="row"]:has-text("${gone}") .status`)
  await expect.poll(() => status.getAttribute('data-status'), POLL).toBe('IN PROGRESS')

  // As Sandbox controls (or a tester's script) does.
  const reset = await fetch(`${baseURL()}/api/sandbox/__admin/reset`, { method: 'POST' })
  expect(reset.status).toBe(200)
  await page.waitForFunction(
    (id) =>
      [...document.querySelectorAll('[role="row"]')]
        .find((row) => row.textContent?.includes(id))
        ?.querySelector('.status')
        ?.getAttribute('data-status') === 'UNKNOWN',
    gone,
    POLL,
  )
  expect(await status.getAttribute('title')).toBe(
    'The sandbox was reset: this request no longer exists.',
  )

  // A request started after the reset is watched; the removed one is searched no more.
  const fresh = await startVerification(page, randomNumber().typed)
  await waitForStatus(page, 'IN PROGRESS')
  await navigateTo(page, 'History')
  await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
  const settledAt = sent.length
  await expect
    .poll(
      () => searchedIds(sent.slice(settledAt)).filter((ids) => ids.includes(fresh)).length,
      POLL,
    )
    .toBeGreaterThanOrEqual(2)
  expect(searchedIds(sent.slice(settledAt)).flat()).not.toContain(gone)
  expect(await status.getAttribute('data-status')).toBe('UNKNOWN')
  expect(app.pageErrors).toEqual([])
})
