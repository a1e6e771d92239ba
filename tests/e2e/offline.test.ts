/**
 * A browser that is offline (`context.setOffline`: `navigator.onLine` is false and fetch fails
 * before anything is sent), in real Chromium against the real server: a check or a start that
 * fails so says it was not sent, never that it may have gone out. The typed code stays in its
 * field (also after a reload), the sandbox gets no check, and no start is listed as without an answer; back online, the
 * same click goes through.
 */
import type { AdminRequest } from '@contract/admin'
import type { Locator } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import {
  adminRequest,
  baseURL,
  checkCode,
  PIN_LABEL,
  POLL,
  randomNumber,
  startVerification,
  useBrowser,
  waitForStatus,
} from './support'

const app = useBrowser()

/** What the sandbox holds of a request, checks included (its admin API). */
async function sandboxRequest(id: string): Promise<AdminRequest> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/requests/${id}`)
  expect(response.status).toBe(200)
  return (await response.json()) as AdminRequest
}

/** The requests the sandbox holds for a number. */
async function sandboxRequestsFor(digits: string): Promise<unknown[]> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/requests?number=${digits}`)
  expect(response.status).toBe(200)
  return ((await response.json()) as { requests: unknown[] }).requests
}

/**
 * Starts a verification, then, with the browser offline, enters its PIN and presses "Check code";
 * returns once the request page shows the outcome of that check.
 */
async function checkWhileOffline(): Promise<{ id: string; pin: string; outcome: Locator }> {
  const { page } = app
  const id = await startVerification(page, randomNumber().typed)
  await waitForStatus(page, 'IN PROGRESS')
  const { pin } = await adminRequest(id)

  await page.context().setOffline(true)
  await checkCode(page, pin)
  const outcome = page.locator('[data-test="action-outcome"]')
  await outcome.waitFor(POLL)
  return { id, pin, outcome }
}

describe('an offline browser', () => {
  test('a check is not sent: the code stays, the sandbox got no check, and it goes through once online', async () => {
    const { page } = app
    const context = page.context()
    const { id, pin, outcome } = await checkWhileOffline()
    expect((await outcome.textContent())?.trim()).toBe(
      'This browser is offline: nothing was sent. Next: Check the connection, then try again.',
    )
    expect(await page.getByLabel(PIN_LABEL).inputValue()).toBe(pin)
    const held = await sandboxRequest(id)
    expect(held.checks).toEqual([])
    expect(held.status).toBe('IN PROGRESS')

    await context.setOffline(false)
    await page.getByRole('button', { name: 'Check code' }).click()
    await waitForStatus(page, 'SUCCESS')
    expect((await sandboxRequest(id)).checks).toHaveLength(1)
    expect(app.pageErrors).toEqual([])
  })

  test('a code not sent is still in its field after a reload, and checks once online', async () => {
    const { page } = app
    const context = page.context()
    const { pin } = await checkWhileOffline()
    await context.setOffline(false)
    await page.reload()
    await waitForStatus(page, 'IN PROGRESS')
    await expect.poll(() => page.getByLabel(PIN_LABEL).inputValue(), POLL).toBe(pin)
    await page.getByRole('button', { name: 'Check code' }).click()
    await waitForStatus(page, 'SUCCESS')
    expect(app.pageErrors).toEqual([])
  })

  test('a start is not sent and is no start without an answer, here or after a reload', async () => {
    const { page } = app
    const context = page.context()
    const number = randomNumber()
    await page.goto('/')
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    await page.getByLabel('Phone number (number)').fill(number.typed)
    await page.getByLabel('Brand (brand)').fill('E2E Shop')

    await context.setOffline(true)
    await page.getByRole('button', { name: 'Start verification' }).click()
    const alert = page.getByRole('alert').filter({ hasText: 'was not sent' })
    await alert.getByRole('heading', { name: 'The start was not sent' }).waitFor(POLL)
    const text = await alert.textContent()
    expect(text).toContain('This browser is offline: nothing was sent.')
    expect(text).toContain('Next: Check the connection, then try again.')
    expect(text).not.toContain('may have gone out')
    expect(await page.getByLabel('Phone number (number)').inputValue()).toBe(number.typed)
    expect(await page.getByRole('region', { name: 'Starts without an answer' }).count()).toBe(0)
    expect(await sandboxRequestsFor(number.digits)).toEqual([])

    await context.setOffline(false)
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    expect(await page.getByRole('region', { name: 'Starts without an answer' }).count()).toBe(0)
    expect(app.pageErrors).toEqual([])
  })
})
