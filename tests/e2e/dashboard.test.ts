/**
 * The dashboard end to end, in real Chromium against the real dev server and its sandbox: start a
 * verification, read the PIN on the handset, check it, cancel, the status-10 path, history across
 * reloads and across tabs. Every number is random so runs never meet each other's requests.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import {
  adminRequest,
  advanceClock,
  checkCode,
  navigateTo,
  PIN_LABEL,
  POLL,
  randomNumber,
  REQUEST_URL,
  startFromOwnApp,
  startVerification,
  useBrowser,
  waitForStatus,
} from './support'

// One page for the file, reset before each test (see useBrowser): each test loads its pages.
const app = useBrowser({ pagePerFile: true })

/** Opens the handset through the navigation and reads the PIN sent for `requestId`. */
async function pinOnHandset(page: Page, digits: string, requestId: string): Promise<string> {
  await navigateTo(page, 'Handset')
  await page.getByRole('heading', { level: 1, name: 'Handset' }).waitFor()
  await page.getByRole('button', { name: new RegExp(`^\\+${digits},`) }).click()
  const message = page.getByRole('article').filter({ hasText: requestId }).first()
  const enter = message.getByRole('link', { name: /^Enter PIN \d+ on its request$/ })
  const label = (await enter.getAttribute('aria-label')) ?? ''
  return /Enter PIN (\d+)/.exec(label)![1]!
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

    await navigateTo(page, 'Sandbox controls')
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
    expect(page.url()).not.toMatch(REQUEST_URL)
    // It links to the blocking request, whose cancel waits out the first 30 s and says so.
    const blocker = error.getByRole('link', { name: first })
    expect(await blocker.getAttribute('href')).toBe(`/requests/${first}`)
    const cancel = error.getByRole('button', { name: 'Cancel the blocking request' })
    await expect.poll(() => cancel.isDisabled(), POLL).toBe(true)
    await expect
      .poll(() => page.locator('#blocking-cancel-reason').innerText(), POLL)
      .toMatch(/^cancel possible in \d+ s$/)
    expect((await adminRequest(first)).status).toBe('IN PROGRESS')

    await advanceClock(30)
    await expect.poll(() => cancel.isEnabled(), POLL).toBe(true)
    await cancel.click()
    // The refusal gives way to a note that the number is free again.
    await page
      .getByRole('status')
      .filter({ hasText: 'The blocking request was cancelled: send the verification again.' })
      .waitFor()
    expect(await error.count()).toBe(0)
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
    await navigateTo(page, 'History')
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
    await navigateTo(page, 'History')
    const row = page.getByRole('row').filter({ hasText: id })
    await row.waitFor()
    await expect.poll(() => row.innerText(), POLL).toMatch(/In progress/)

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
        .getByRole('button', { name: `Add to history: request to +${number.digits}` })
        .click()
      await other
        .getByRole('button', { name: `Add to history: request to +${number.digits}` })
        .waitFor({ state: 'detached' })
    } finally {
      await other.close()
    }
    await row.waitFor()
    expect(await row.innerText()).toContain('TheirApp')
  })

  test('two tabs keep one history: each sees what the other adds and deletes, and nothing else is lost', async () => {
    const { page } = app
    const mine = randomNumber()
    const mineId = await startVerification(page, mine.typed)
    await navigateTo(page, 'History')
    const row = (tab: typeof page, id: string) => tab.getByRole('row').filter({ hasText: id })
    await row(page, mineId).waitFor()

    const other = await page.context().newPage()
    try {
      const theirs = randomNumber()
      const theirsId = await startVerification(other, theirs.typed)
      // Added in the other tab: it appears here without a reload, next to this tab's own entry.
      await row(page, theirsId).waitFor()
      expect(await row(page, mineId).count()).toBe(1)

      // Deleted here: it disappears from the other tab, which keeps this tab's entry.
      await row(page, theirsId)
        .getByRole('button', { name: `Delete +${theirs.digits} (${theirsId}) from history` })
        .click()
      await row(page, theirsId).waitFor({ state: 'detached' })
      await navigateTo(other, 'History')
      await row(other, mineId).waitFor()
      expect(await row(other, theirsId).count()).toBe(0)
      await other.reload()
      await row(other, mineId).waitFor()
      expect(await row(other, theirsId).count()).toBe(0)
    } finally {
      await other.close()
    }
  })
})
