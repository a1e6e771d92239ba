/**
 * The request page left and re-created while a check is on its way (History, then Back), in real
 * Chromium against the real server: the re-created page waits for the first check, says so, and
 * never sends the PIN again; the sandbox gets exactly one check.
 */
import type { AdminRequest } from '@contract/admin'
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import {
  baseURL,
  navigateTo,
  PIN_LABEL,
  POLL,
  randomNumber,
  REQUEST_URL,
  startVerification,
  useBrowser,
  waitForStatus,
  holdRequests,
} from './support'

const app = useBrowser()

/** What the sandbox holds of a request, checks included (its admin API). */
async function sandboxRequest(id: string): Promise<AdminRequest> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/requests/${id}`)
  expect(response.status).toBe(200)
  return (await response.json()) as AdminRequest
}

/** Counts the check calls the page sends. */
function countChecks(page: Page): { count: number } {
  const seen = { count: 0 }
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/verify/check/json')) seen.count++
  })
  return seen
}

describe('a check on its way when the request page is left and re-created', () => {
  test('History, then Back: the new page waits for it, and the PIN is sent once', async () => {
    const { page } = app
    const id = await startVerification(page, randomNumber().typed)
    await waitForStatus(page, 'IN PROGRESS')
    const { pin } = await sandboxRequest(id)
    const wrong = pin === '1111' ? '2222' : '1111'
    const checks = countChecks(page)
    // The check stays on its way (a slow network) until the re-created page has been tried: a
    // real delay would have to outlast the page's leave and return on a busy machine.
    const releaseCheck = await holdRequests(page, '/verify/check/json')

    await page.getByLabel(PIN_LABEL).fill(wrong)
    await page.getByRole('button', { name: 'Check code' }).click()
    await navigateTo(page, 'History')
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    await page.goBack()
    await page.waitForURL(REQUEST_URL)

    // The re-created page knows the check is out: the other actions wait for it, and the check
    // button is busy (focusable, but a click or Enter sends nothing).
    await expect
      .poll(() => page.locator('#next-event-reason').textContent(), POLL)
      .toBe('waiting for the code check to finish')
    const button = page.getByRole('button', { name: 'Check code' })
    expect(await button.getAttribute('aria-busy')).toBe('true')
    expect(await button.getAttribute('aria-disabled')).toBe('true')
    await page.getByLabel(PIN_LABEL).fill(wrong)
    // Forced: Playwright would otherwise wait for the button to be on again (the first answer).
    await button.click({ force: true })
    await page.getByLabel(PIN_LABEL).press('Enter')
    expect(checks.count).toBe(1)

    // The first check's answer reaches the new page.
    releaseCheck()
    const outcome = page.locator('[data-test="action-outcome"]')
    await expect.poll(() => outcome.textContent(), POLL).toContain('Status 16')
    const held = await sandboxRequest(id)
    expect(held.checks.map((c) => `${c.code}:${c.status}`)).toEqual([`${wrong}:INVALID`])
    expect(held.attempts_left).toBe(2)
    expect(checks.count).toBe(1)
    // The other actions are free again once the page has taken the answer in (a render after it).
    await expect.poll(() => page.locator('#next-event-reason').count(), POLL).toBe(0)
    expect(app.pageErrors).toEqual([])
  })
})
