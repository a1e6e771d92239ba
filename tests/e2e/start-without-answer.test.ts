/**
 * A start that gets no answer, in real Chromium against the real server: the proxy's 502 after a
 * dropped connection and its 504 when the upstream hangs (the sandbox's faults stand in for a
 * flaky Vonage). The page says the start may have gone out, keeps it in "Starts without an answer"
 * across a reload, and a status 10 for the same number afterwards is shown as probably that start.
 */
import type { Page } from 'playwright-core'
import { afterEach, describe, expect, test } from 'vitest'
import { baseURL, POLL, randomNumber, REQUEST_URL, useBrowser, waitForStatus } from './support'

const app = useBrowser()

/** Makes the sandbox's next start fail (its admin API, as a tester's script would). */
async function nextStartFails(fault: { drop?: boolean; delay_ms?: number }): Promise<void> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint: 'request', count: 1, ...fault }),
  })
  expect(response.status).toBe(201)
}

/** The requests the sandbox holds for a number. */
async function sandboxRequestsFor(digits: string): Promise<{ request_id: string }[]> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/requests?number=${digits}`)
  expect(response.status).toBe(200)
  return ((await response.json()) as { requests: { request_id: string }[] }).requests
}

async function fillAndStart(page: Page, typed: string): Promise<void> {
  await page.getByLabel('Phone number (number)').fill(typed)
  await page.getByLabel('Brand (brand)').fill('E2E Shop')
  await page.getByRole('button', { name: 'Start verification' }).click()
}

afterEach(async () => {
  // A fault left by a failed test must not hit the next file's start.
  await fetch(`${baseURL()}/api/sandbox/__admin/faults`, { method: 'DELETE' })
})

describe('a start without an answer', () => {
  test('a dropped connection: "may have gone out", kept across a reload, sent again from the list', async () => {
    const { page } = app
    const number = randomNumber()
    await nextStartFails({ drop: true })
    await page.goto('/')
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    await fillAndStart(page, number.typed)

    const alert = page.getByRole('alert').filter({ hasText: 'may have gone out' })
    await alert.getByRole('heading', { name: 'The start may have gone out' }).waitFor()
    expect(await alert.textContent()).toContain(
      'Next: Send it again with the same number: if the first one went through, the sandbox answers status 10 and names that request — no second code is sent.',
    )

    await page.reload()
    const list = page.getByRole('region', { name: 'Starts without an answer' })
    const item = list.getByRole('listitem').filter({ hasText: `+${number.digits}` })
    await item.waitFor()
    expect(await item.textContent()).toContain('upstream_unreachable (HTTP 502)')
    expect(await item.textContent()).toContain('E2E Shop')

    await item.getByRole('button', { name: `Send again to +${number.digits}` }).click()
    await expect
      .poll(() => page.getByLabel('Phone number (number)').inputValue(), POLL)
      .toBe(`+${number.digits}`)
    // The sandbox dropped the first start before it ran: this one starts the verification.
    await page.getByRole('button', { name: 'Start verification' }).click()
    await page.waitForURL(REQUEST_URL)
    await waitForStatus(page, 'IN PROGRESS')
    expect(await sandboxRequestsFor(number.digits)).toHaveLength(1)
  })

  test('no answer in time (504), then status 10: the card offers the earlier start, not a cancel', async () => {
    const { page } = app
    const number = randomNumber()
    // The sandbox answers after the server's 15 s limit, so the start runs but its answer is lost.
    await nextStartFails({ delay_ms: 16_000 })
    await page.goto('/')
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    await fillAndStart(page, number.typed)
    await page
      .getByRole('heading', { name: 'The start may have gone out' })
      .waitFor({ timeout: 30_000 })
    expect(await page.getByRole('alert').first().textContent()).toContain('upstream_timeout')

    // Wait until the late start has run in the sandbox (as it may have on Vonage's side).
    await expect.poll(() => sandboxRequestsFor(number.digits), POLL).toHaveLength(1)
    const [earlier] = await sandboxRequestsFor(number.digits)

    await page.getByRole('button', { name: 'Start verification' }).click()
    const alert = page.getByRole('alert').filter({ hasText: 'Status 10' })
    await alert.getByText('This is probably your earlier start to this number').waitFor()
    expect(await alert.getByRole('button', { name: 'Cancel the blocking request' }).count()).toBe(0)
    await alert.getByRole('link', { name: 'Open the earlier start' }).click()
    await page.waitForURL((url) => url.pathname === `/requests/${earlier!.request_id}`)
    await waitForStatus(page, 'IN PROGRESS')
    expect(await sandboxRequestsFor(number.digits)).toHaveLength(1)
  })
})
