/**
 * Faults injected from Sandbox controls, in real Chromium against the real server: the dashboard's
 * own status polling never uses one up (the tester's application gets it), and the Active faults
 * and Test numbers lists follow every change, made here, by the tester's application or by
 * another client, without a reload.
 */
import type { Page } from 'playwright-core'
import { afterEach, describe, expect, test } from 'vitest'
import {
  baseURL,
  POLL,
  randomNumber,
  startVerification,
  useBrowser,
  waitForStatus,
} from './support'

const app = useBrowser()

afterEach(async () => {
  // A fault left by a failed test must not hit the next file's calls.
  await fetch(`${baseURL()}/api/sandbox/__admin/faults`, { method: 'DELETE' })
})

/** The sandbox's faults (its admin API, as a tester's script reads them). */
async function faults(): Promise<Array<{ endpoint: string; remaining: number }>> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/faults`)
  expect(response.status).toBe(200)
  return ((await response.json()) as { faults: Array<{ endpoint: string; remaining: number }> })
    .faults
}

/** A call of another client to the sandbox admin API. */
async function adminCall(method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${baseURL()}/sandbox/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  expect(response.status).toBeLessThan(300)
}

function activeFaults(page: Page) {
  return page.locator('.controls-fault-list')
}

/** The search calls the page sends, with whether each was marked as a background call. */
function recordSearches(page: Page): Array<{ background: boolean }> {
  const searches: Array<{ background: boolean }> = []
  page.on('request', (request) => {
    if (!request.url().includes('/api/sandbox/verify/search/json')) return
    searches.push({ background: request.headers()['x-verify-desk-background'] === '1' })
  })
  return searches
}

describe('a fault injected from Sandbox controls', () => {
  test('is left for the tester while the dashboard polls a request in progress', async () => {
    const { page } = app
    const id = await startVerification(page, randomNumber().typed)
    await waitForStatus(page, 'IN PROGRESS')
    await page.goto('/controls')
    await page.getByRole('heading', { level: 1 }).waitFor()
    const searches = recordSearches(page)

    await page.getByLabel('Endpoint').selectOption('search')
    await page.getByLabel('Status', { exact: true }).selectOption('5')
    await page.getByRole('button', { name: 'Inject fault' }).click()
    await activeFaults(page).getByText('Next 1 call to search: answer status 5').waitFor()

    // The page keeps polling the request in progress (History's live status): three more polls.
    const before = searches.length
    await expect.poll(() => searches.length - before, POLL).toBeGreaterThanOrEqual(3)
    expect(searches.every((s) => s.background)).toBe(true)
    expect(await faults()).toMatchObject([{ endpoint: 'search', remaining: 1 }])
    await activeFaults(page).getByText('Next 1 call to search: answer status 5').waitFor()

    // The tester's own application gets the fault; the list says so without a reload.
    const own = await fetch(
      `${baseURL()}/sandbox/verify/search/json?api_key=sandbox&api_secret=sandbox-secret&request_id=${id}`,
    )
    expect(await own.json()).toMatchObject({ status: '5' })
    await activeFaults(page).getByText('No fault is active').waitFor(POLL)
    expect(app.pageErrors).toEqual([])
  })

  test('offers status 6 on request, and the list follows faults and test numbers of other clients', async () => {
    const { page } = app
    await adminCall('DELETE', '/test-numbers/447700900919').catch(() => undefined)
    await page.goto('/controls')
    await page.getByRole('heading', { level: 1 }).waitFor()
    await page.getByLabel('Endpoint').selectOption('request')
    const statuses = await page
      .getByLabel('Status', { exact: true })
      .locator('option')
      .allTextContents()
    expect(statuses.map((s) => s.split(' ')[0])).toContain('6')

    await adminCall('POST', '/faults', { endpoint: 'check', count: 2, drop: true })
    await activeFaults(page).getByText('Next 2 calls to check: drop the connection').waitFor(POLL)
    await adminCall('DELETE', '/faults')
    await activeFaults(page).getByText('No fault is active').waitFor(POLL)

    const numbers = page.getByRole('region', { name: 'Test numbers' })
    await adminCall('PUT', '/test-numbers', { number: '447700900919', pin: '4242' })
    await numbers.getByText('447700900919').waitFor(POLL)
    await adminCall('DELETE', '/test-numbers/447700900919')
    await numbers.getByText('447700900919').waitFor({ state: 'detached', ...POLL })
    expect(app.pageErrors).toEqual([])
  })
})
