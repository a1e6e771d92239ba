/**
 * The handset offers only what can still be done, in real Chromium against the real dev server and
 * its sandbox: a PIN a newer event replaced is marked and has no "Enter PIN" (it would answer status
 * 16 and waste an attempt), a request of another sandbox account is shown read-only naming the
 * account (every check or cancel from the dashboard would answer status 6), and the first message
 * on an empty handset is read out like every later one.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import {
  adminRequest,
  advanceClock,
  axeViolations,
  baseURL,
  POLL,
  randomNumber,
  useBrowser,
} from './support'

// One page for the file, reset before each test (see useBrowser): each test loads its pages.
const app = useBrowser({ pagePerFile: true })

/** Starts a verification as a client of the sandbox would, with this account and parameters. */
async function startAt(
  digits: string,
  params: Record<string, string>,
  account = { key: 'sandbox', secret: 'sandbox-secret' },
): Promise<string> {
  const query = new URLSearchParams({
    api_key: account.key,
    api_secret: account.secret,
    number: digits,
    brand: 'HandsetE2E',
    ...params,
  })
  const started = await fetch(`${baseURL()}/sandbox/verify/json?${query}`)
  const answer = (await started.json()) as { request_id: string; status: string }
  expect(answer.status).toBe('0')
  return answer.request_id
}

/** Opens the handset on `digits` and waits until it is live. */
async function openHandset(page: Page, digits: string): Promise<void> {
  await page.goto(`/handset?number=${digits}`)
  await page.getByRole('heading', { level: 1, name: 'Handset' }).waitFor()
  await page.getByText('Live: new messages appear as they are sent.').waitFor()
}

describe('handset: PINs that can no longer be checked', () => {
  test('a PIN replaced by the next event is marked, and only the current one has "Enter PIN"', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startAt(number.digits, {
      workflow_id: '1',
      pin_expiry: '120',
      next_event_wait: '120',
    })
    const first = (await adminRequest(id)).pin
    await openHandset(page, number.digits)
    await page.getByRole('link', { name: `Enter PIN ${first} on its request` }).waitFor()

    // The PIN has expired when the next event goes out: the call carries a new one.
    await advanceClock(120)
    const current = (await adminRequest(id)).pin
    expect(current).not.toBe(first)
    const messages = page.getByRole('article').filter({ hasText: id })
    await expect.poll(() => messages.count(), POLL).toBe(2)
    const older = messages.nth(1)
    await older.getByText('replaced by a newer PIN: this one can no longer be checked.').waitFor()
    expect(await older.getByRole('link', { name: /^Enter PIN/ }).count()).toBe(0)
    expect(await older.getByTestId('pin').innerText()).toBe(first)
    await messages
      .nth(0)
      .getByRole('link', { name: `Enter PIN ${current} on its request` })
      .waitFor()
    expect(await page.getByRole('link', { name: /^Enter PIN/ }).count()).toBe(1)
    // The spent PIN, muted and struck through, stays readable in either colour scheme.
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      expect(await axeViolations(page), `axe, ${colorScheme}`).toEqual([])
    }

    // The link left leads to a check that works.
    await page.getByRole('link', { name: `Enter PIN ${current} on its request` }).click()
    await page.waitForURL((url) => url.pathname === `/requests/${id}`)
  })

  test("another account's request is shown read-only, naming the account", async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startAt(
      number.digits,
      {},
      { key: 'sandbox-pin', secret: 'sandbox-pin-secret' },
    )
    const { pin } = await adminRequest(id)
    await openHandset(page, number.digits)
    const note =
      /sent for account sandbox-pin: the dashboard acts as account sandbox, so it cannot check or cancel it\./i

    const message = page.getByRole('article').filter({ hasText: id })
    await message.getByText(note).waitFor()
    expect(await message.getByTestId('pin').innerText()).toBe(pin)
    expect(await message.getByRole('link').count()).toBe(0)

    const others = page.getByRole('region', { name: 'Requests from other clients' })
    const row = others.getByRole('listitem').filter({ hasText: id })
    await row.getByText(note).waitFor()
    expect(await row.getByRole('button').count()).toBe(0)
    expect(await axeViolations(page)).toEqual([])
    expect(
      await others
        .getByRole('button', { name: `Add to history: request to +${number.digits}` })
        .count(),
    ).toBe(0)
  })
})

describe('handset: what a screen reader hears', () => {
  test('the first message on an empty handset is read out, as "New SMS"', async () => {
    const { page } = app
    const reset = await fetch(`${baseURL()}/api/sandbox/__admin/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(reset.status).toBe(200)
    await page.goto('/handset')
    await page.getByRole('heading', { level: 1, name: 'Handset' }).waitFor()
    await page.getByText('Live: new messages appear as they are sent.').waitFor()
    await page.getByText('No messages yet.').waitFor()
    // The live region is in the page, empty, before anything arrives (a region inserted with its
    // text is often not read out).
    const live = page.locator('main [aria-live="polite"]')
    expect(await live.count()).toBe(1)
    expect(await live.evaluate((el) => el.textContent ?? '')).toBe('')
    await live.evaluate((el) => ((el as HTMLElement & { __before?: true }).__before = true))

    const number = randomNumber()
    const id = await startAt(number.digits, {})
    const { pin } = await adminRequest(id)
    await expect
      .poll(() => live.evaluate((el) => el.textContent ?? ''), POLL)
      .toBe(`New SMS to +${number.digits}, PIN ${pin}.`)
    // The same element that was there before: it was not inserted with its text.
    expect(await live.evaluate((el) => (el as HTMLElement & { __before?: true }).__before)).toBe(
      true,
    )
  })
})
