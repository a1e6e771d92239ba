/**
 * The dashboard end to end, in real Chromium against the real dev server and its sandbox: start a
 * verification, read the PIN on the handset, check it, cancel, the status-10 path, history across
 * reloads and across tabs. Every number is random so runs never meet each other's requests.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { baseURL, useBrowser } from './support'

const app = useBrowser()

/** A random, valid UK mobile number: `+447712xxxxxx` as typed, and its E.164 digits. */
function randomNumber(): { typed: string; digits: string } {
  const tail = String(Math.floor(Math.random() * 1e6)).padStart(6, '0')
  return { typed: `+44 7712 ${tail}`, digits: `447712${tail}` }
}

/** What the sandbox knows about a request (its admin API, as a tester's script would read it). */
async function adminRequest(id: string): Promise<{ pin: string; status: string }> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/requests/${id}`)
  expect(response.status).toBe(200)
  return (await response.json()) as { pin: string; status: string }
}

async function advanceClock(seconds: number): Promise<void> {
  const response = await fetch(`${baseURL()}/api/sandbox/__admin/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_seconds: seconds }),
  })
  expect(response.status).toBe(200)
}

/** Live updates arrive within a few polling intervals; the limit only bounds a broken run. */
const POLL = { timeout: 20_000 }

/** Starts a verification as the tester's own application would: straight at the sandbox. */
async function startFromOwnApp(digits: string, brand: string): Promise<string> {
  const started = await fetch(
    `${baseURL()}/sandbox/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=${digits}&brand=${brand}`,
  )
  const answer = (await started.json()) as { request_id: string; status: string }
  expect(answer.status).toBe('0')
  return answer.request_id
}

const REQUEST_URL = /\/requests\/([0-9a-f]{32})/

/** Fills the New verification form and starts; returns the request_id the page opened. */
async function startVerification(page: Page, typed: string): Promise<string> {
  await page.goto('/')
  await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
  await page.getByLabel('Phone number (number)').fill(typed)
  await page.getByLabel('Brand (brand)').fill('E2E Shop')
  await page.getByRole('button', { name: 'Start verification' }).click()
  await page.waitForURL(REQUEST_URL)
  return REQUEST_URL.exec(page.url())![1]!
}

/** Opens the handset through the navigation and reads the PIN sent for `requestId`. */
async function pinOnHandset(page: Page, digits: string, requestId: string): Promise<string> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Handset' })
    .click()
  await page.getByRole('heading', { level: 1, name: 'Handset' }).waitFor()
  await page.getByRole('button', { name: new RegExp(`^\\+${digits},`) }).click()
  const message = page.getByRole('article').filter({ hasText: requestId }).first()
  const enter = message.getByRole('link', { name: /^Enter PIN \d+ on its request$/ })
  const label = (await enter.getAttribute('aria-label')) ?? ''
  return /Enter PIN (\d+)/.exec(label)![1]!
}

/** The search status the request page shows (IN PROGRESS, SUCCESS, …). */
function requestStatus(page: Page): Promise<string | null> {
  return page.locator('main .status[data-status]').first().getAttribute('data-status')
}

/** Waits for the request page to show `status`, live (the test never reloads). */
async function waitForStatus(page: Page, status: string): Promise<void> {
  await expect.poll(() => requestStatus(page), POLL).toBe(status)
}

const PIN_LABEL = 'Code from the message or call'

async function checkCode(page: Page, code: string): Promise<void> {
  await page.getByLabel(PIN_LABEL).fill(code)
  await page.getByRole('button', { name: 'Check code' }).click()
}

describe('dashboard flows', () => {
  test('a PIN read on the handset and entered on its request verifies it, without a reload', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    await waitForStatus(page, 'IN PROGRESS')

    const pin = await pinOnHandset(page, number.digits, id)
    expect(pin).toBe((await adminRequest(id)).pin)

    await page
      .getByRole('article')
      .filter({ hasText: id })
      .first()
      .getByRole('link', { name: `Enter PIN ${pin} on its request` })
      .click()
    await page.waitForURL((url) => url.pathname === `/requests/${id}`)
    await expect.poll(() => page.getByLabel(PIN_LABEL).inputValue(), POLL).toBe(pin)
    let documentLoads = 0
    page.on('domcontentloaded', () => documentLoads++)
    await page.getByRole('button', { name: 'Check code' }).click()
    await waitForStatus(page, 'SUCCESS')
    expect(documentLoads).toBe(0)
    expect((await adminRequest(id)).status).toBe('SUCCESS')
  })

  test('the handset shows a new SMS as soon as the sandbox sends it, on a phone-sized screen', async () => {
    const { page } = app
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto('/history')
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    // The narrow screen hides the links behind "Menu" (opened again if a dev-server reload closed it).
    const menu = page.getByRole('button', { name: 'Menu' })
    const handsetLink = page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Handset' })
    await expect
      .poll(async () => {
        if ((await menu.getAttribute('aria-expanded')) !== 'true') await menu.click()
        return handsetLink.isVisible()
      }, POLL)
      .toBe(true)
    await handsetLink.click()
    await page.getByRole('heading', { level: 1, name: 'Handset' }).waitFor()
    await page.getByText('Live: new messages appear as they are sent.').waitFor()
    let documentLoads = 0
    page.on('domcontentloaded', () => documentLoads++)

    const number = randomNumber()
    const id = await startFromOwnApp(number.digits, 'PhoneApp')
    await page.getByRole('button', { name: new RegExp(`^\\+${number.digits},`) }).click()
    const message = page.getByRole('article').filter({ hasText: id })
    const { pin } = await adminRequest(id)
    await message.getByRole('button', { name: `Copy PIN ${pin}` }).waitFor()
    await message.getByRole('link', { name: `Enter PIN ${pin} on its request` }).click()
    await page.waitForURL((url) => url.pathname === `/requests/${id}`)
    expect(documentLoads).toBe(0)
  })

  test('three wrong PINs fail the request', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    const { pin } = await adminRequest(id)
    const wrong = pin === '0000' ? '1111' : '0000'
    for (const left of [2, 1]) {
      await checkCode(page, wrong)
      await expect
        .poll(() => page.locator('main').innerText(), POLL)
        .toMatch(new RegExp(`${left} attempts? left`))
    }
    await checkCode(page, wrong)
    await waitForStatus(page, 'FAILED')
    expect((await adminRequest(id)).status).toBe('FAILED')
  })

  test('after moving the sandbox clock 30 s on the controls page, cancel gives CANCELLED', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    const cancel = page.getByRole('button', { name: /^Cancel/ })
    await expect.poll(() => cancel.isDisabled(), POLL).toBe(true)

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Sandbox controls' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'Sandbox controls' }).waitFor()
    await page.getByRole('button', { name: '+30 s' }).click()
    await page.getByRole('status').filter({ hasText: 'Clock moved 30 s ahead.' }).waitFor()

    await page.goBack()
    await page.waitForURL((url) => url.pathname === `/requests/${id}`)
    await expect.poll(() => cancel.isEnabled(), POLL).toBe(true)
    await cancel.click()
    await waitForStatus(page, 'CANCELLED')
    expect((await adminRequest(id)).status).toBe('CANCELLED')
  })

  test('a second start to the same number shows status 10, and cancelling the blocker lets a new one through', async () => {
    const { page } = app
    const number = randomNumber()
    const first = await startVerification(page, number.typed)

    await page.goto('/')
    await page.getByLabel('Phone number (number)').fill(number.typed)
    await page.getByLabel('Brand (brand)').fill('E2E Shop')
    await page.getByRole('button', { name: 'Start verification' }).click()
    const error = page.getByRole('alert').filter({ hasText: /10/ })
    await error.waitFor()
    await expect.poll(() => error.innerText(), POLL).toMatch(/same number|concurrent/i)
    await expect.poll(() => page.url(), POLL).not.toMatch(REQUEST_URL)

    await advanceClock(30)
    await error.getByRole('button', { name: /^Cancel/ }).click()
    expect((await adminRequest(first)).status).toBe('CANCELLED')

    await page.getByRole('button', { name: 'Start verification' }).click()
    await page.waitForURL(REQUEST_URL)
    const second = REQUEST_URL.exec(page.url())![1]!
    expect(second).not.toBe(first)
    expect((await adminRequest(second)).status).toBe('IN PROGRESS')
  })

  test('history survives a reload', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'History' })
      .click()
    const row = page.getByRole('row').filter({ hasText: id })
    await row.waitFor()
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    await row.waitFor()
    expect(await row.innerText()).toContain('E2E Shop')
  })

  test('a PIN checked in one tab turns the request Verified in another tab', async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startVerification(page, number.typed)
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'History' })
      .click()
    const row = page.getByRole('row').filter({ hasText: id })
    await row.waitFor()
    expect(await row.innerText()).toMatch(/In progress/)

    // A second tab of the same browser profile.
    const other = await page.context().newPage()
    try {
      await other.goto(`/requests/${id}`)
      const { pin } = await adminRequest(id)
      await checkCode(other, pin)
      await waitForStatus(other, 'SUCCESS')
    } finally {
      await other.close()
    }
    await expect.poll(() => row.innerText(), POLL).toMatch(/Verified/)
  })

  test("a request from another client, added to history on one tab's handset, appears in another tab's history", async () => {
    const { page } = app
    const number = randomNumber()
    const id = await startFromOwnApp(number.digits, 'TheirApp')

    await page.goto('/history')
    await page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    const row = page.getByRole('row').filter({ hasText: id })
    expect(await row.count()).toBe(0)

    const other = await page.context().newPage()
    try {
      await other.goto(`/handset?number=${number.digits}`)
      await other.getByRole('heading', { level: 1, name: 'Handset' }).waitFor()
      await other
        .getByRole('button', { name: `Add request to +${number.digits} to history` })
        .click()
      await other
        .getByRole('button', { name: `Add request to +${number.digits} to history` })
        .waitFor({ state: 'detached' })
    } finally {
      await other.close()
    }
    await row.waitFor()
    expect(await row.innerText()).toContain('TheirApp')
  })
})
