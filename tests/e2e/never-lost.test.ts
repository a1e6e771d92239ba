/**
 * Nothing a user started is lost, and a storage failure is never silent, in real Chromium against
 * the real server: a tab closed while its start is on its way, history that cannot be written, and
 * a request page whose code fails to load after the start.
 */
import { describe, expect, test } from 'vitest'
import {
  baseURL,
  PIN_LABEL,
  POLL,
  randomNumber,
  REQUEST_URL,
  startVerification,
  useBrowser,
  waitForStatus,
} from './support'

const app = useBrowser()

async function sandboxRequestsFor(digits: string): Promise<{ request_id: string }[]> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/requests?number=${digits}`)
  expect(response.status).toBe(200)
  return ((await response.json()) as { requests: { request_id: string }[] }).requests
}

describe('nothing started is lost', () => {
  test('a tab closed while its start is on its way: the next tab lists it as may have gone out', async () => {
    const { page } = app
    const number = randomNumber()
    // The start reaches the sandbox, but its answer is held from the tab (a slow network), which is
    // closed before it arrives: however busy the machine, the answer cannot come first.
    let reached!: (status: number) => void
    const startReached = new Promise<number>((resolve) => (reached = resolve))
    await page.route(
      (url) => url.pathname === '/api/sandbox/verify/json',
      async (route) => reached((await route.fetch()).status()),
    )
    await page.goto('/')
    await page.getByLabel('Phone number (number)').fill(number.typed)
    await page.getByLabel('Brand (brand)').fill('Closed Tab Shop')
    await page.getByRole('button', { name: 'Start verification' }).click()
    // The start is on its way (stored before it was sent): close the tab, not a reload.
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('verify-desk:unanswered-starts')), POLL)
      .toContain(number.digits)
    expect(await startReached).toBe(200)
    const context = page.context()
    await page.close()

    // The start went out upstream all the same.
    expect(await sandboxRequestsFor(number.digits)).toHaveLength(1)
    const [earlier] = await sandboxRequestsFor(number.digits)

    const next = await context.newPage()
    await next.goto('/')
    const list = next.getByRole('region', { name: 'Starts without an answer' })
    const item = list.getByRole('listitem').filter({ hasText: `+${number.digits}` })
    await item.waitFor()
    expect(await item.textContent()).toContain('Closed Tab Shop')
    expect(await item.textContent()).toContain('may have gone out')

    // Sent again: Vonage (the sandbox) names the earlier start with status 10.
    await item.getByRole('button', { name: `Send again to +${number.digits}` }).click()
    await next.getByRole('button', { name: 'Start verification' }).click()
    const alert = next.getByRole('alert').filter({ hasText: 'Status 10' })
    await alert.getByText('This is probably your earlier start to this number').waitFor()
    await alert.getByRole('link', { name: 'Open the earlier start' }).click()
    await next.waitForURL((url) => url.pathname === `/requests/${earlier!.request_id}`)
    await waitForStatus(next, 'IN PROGRESS')
  })

  test('history that cannot be written: every page says which request was not saved', async () => {
    const { page } = app
    // A full disk: every IndexedDB write of history fails as Chromium's quota error does.
    await page.addInitScript(() => {
      IDBObjectStore.prototype.put = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      }
    })
    const id = await startVerification(page, randomNumber().typed)
    const notice = page.getByRole('alert').filter({ hasText: 'Not saved in this browser' })
    await notice.getByText('This request is not saved in history yet.').waitFor()
    expect(await notice.textContent()).toMatch(
      new RegExp(
        `The request …${id.slice(-6)} (and \\d+ recorded calls? )?could not be saved in this ` +
          "browser's history: the browser's storage is full",
      ),
    )
    // Still said on another page (a background refresh must not clear it).
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'History' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    expect(await notice.textContent()).toMatch(
      new RegExp(`The request …${id.slice(-6)}( and \\d+ recorded calls?)? could not be saved`),
    )
  })

  test('a typed PIN survives History and Back', async () => {
    const { page } = app
    await startVerification(page, randomNumber().typed)
    await page.getByLabel(PIN_LABEL).fill('1234')
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'History' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    await page.goBack()
    await page.waitForURL(REQUEST_URL)
    await expect.poll(() => page.getByLabel(PIN_LABEL).inputValue(), POLL).toBe('1234')
    // A reload in the sandbox keeps it too (this tab's session storage).
    await page.reload()
    await expect.poll(() => page.getByLabel(PIN_LABEL).inputValue(), POLL).toBe('1234')
    // Even a reload right after typing, before typing pauses.
    await page.getByLabel(PIN_LABEL).fill('5678')
    await page.reload()
    await expect.poll(() => page.getByLabel(PIN_LABEL).inputValue(), POLL).toBe('5678')
  })

  test('a request page whose code fails to load after the start opens as a full page', async () => {
    const { page } = app
    let failed = 0
    // The server restarted under the tab: the request page's code cannot be fetched once.
    await page.route(/\/src\/views\/RequestView\.vue/, async (route) => {
      if (failed++ === 0) await route.abort('connectionrefused')
      else await route.continue()
    })
    const number = randomNumber()
    await page.goto('/')
    await page.getByLabel('Phone number (number)').fill(number.typed)
    await page.getByLabel('Brand (brand)').fill('E2E Shop')
    await page.getByRole('button', { name: 'Start verification' }).click()
    await page.waitForURL(REQUEST_URL)
    await waitForStatus(page, 'IN PROGRESS')
    expect(failed).toBeGreaterThanOrEqual(2)
  })
})
