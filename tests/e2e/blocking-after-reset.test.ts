/**
 * The status-10 panel (a start refused because another request to the number is in progress) in
 * real Chromium against the real server, while its "Cancel the blocking request" has the focus:
 * a sandbox reset makes it say the request no longer exists (never a cancel of a request that is
 * gone), and a check by another client makes it say the request has ended; either is said once
 * and the focus goes to the sentence that says it, never to the page's body.
 */
import type { Page } from 'playwright-core'
import { afterEach, expect, test } from 'vitest'
import {
  adminRequest,
  advanceClock,
  axeViolations,
  baseURL,
  POLL,
  randomNumber,
  startFromOwnApp,
  useBrowser,
} from './support'

const app = useBrowser()

/** The focused element as `tag#id[data-test] "text"`, or `(body)`. */
function focusIs(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return '(body)'
    const test = el.getAttribute('data-test')
    const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ')
    return `${el.localName}${el.id ? `#${el.id}` : ''}${test ? `[${test}]` : ''} "${text.trim().slice(0, 60)}"`
  })
}

/** Starts a request from the tester's own app, then the same number here: refused with status 10. */
async function refusedWithStatus10(page: Page): Promise<string> {
  const number = randomNumber()
  const id = await startFromOwnApp(number.digits, 'Blocker')
  await page.goto('/')
  await page.getByLabel('Phone number (number)').fill(number.typed)
  await page.getByLabel('Brand (brand)').fill('E2E Shop')
  await page.getByRole('button', { name: 'Start verification' }).click()
  await page.getByRole('heading', { name: /^Status 10: / }).waitFor(POLL)
  // Cancel opens 30 s after the start.
  await advanceClock(31)
  const cancel = page.getByRole('button', { name: 'Cancel the blocking request' })
  await expect.poll(() => cancel.isEnabled(), POLL).toBe(true)
  await cancel.focus()
  // Each text the panel's announcement region takes, as a screen reader would hear it.
  await page.evaluate(() => {
    const w = window as unknown as { __ended: string[] }
    w.__ended = []
    const region = document.querySelector('[data-test="blocking-end-announcement"]')
    if (!region) return
    new MutationObserver(() => {
      const text = region.textContent?.trim() ?? ''
      if (text) w.__ended.push(text)
    }).observe(region, { childList: true, characterData: true, subtree: true })
  })
  return id
}

/** What the panel's announcement region said so far, in order. */
const announced = (page: Page) =>
  page.evaluate(() => (window as unknown as { __ended: string[] }).__ended)

afterEach(async () => {
  // Other files share the sandbox: the clock moved here is put back.
  await fetch(`${baseURL()}/api/sandbox/__admin/reset`, { method: 'POST' })
})

test('a sandbox reset: the panel says the request no longer exists, and the focus goes there', async () => {
  const { page } = app
  await refusedWithStatus10(page)
  const reset = await fetch(`${baseURL()}/api/sandbox/__admin/reset`, { method: 'POST' })
  expect(reset.status).toBe(200)

  const gone = page.locator('[data-test="blocking-not-found"]')
  await gone.waitFor(POLL)
  expect((await gone.textContent())?.replace(/\s+/g, ' ').trim()).toBe(
    'This request no longer exists: the sandbox was reset, and its requests went with it. It no longer blocks this number, and there is nothing left to cancel. Next: start again: the start goes through now.',
  )
  await expect
    .poll(() => focusIs(page), POLL)
    .toMatch(/^div\[blocking-not-found\] "This request no longer exists/)
  // Later reads (history's poll marks it UNKNOWN) bring no cancel back, nor say it again.
  await page.waitForTimeout(2_000)
  expect(await announced(page)).toEqual([
    'The request that blocked this number no longer exists (the sandbox was reset): you can start again now.',
  ])
  const panel = page.locator('[data-test="blocking-request"]')
  expect(await panel.getByRole('button', { name: 'Cancel the blocking request' }).count()).toBe(0)
  expect(await panel.textContent()).not.toMatch(/cancel possible|UNKNOWN/)
  expect(await gone.isVisible()).toBe(true)
  expect(await axeViolations(page)).toEqual([])

  // As it says: the start goes through now.
  await page.getByRole('button', { name: 'Start verification' }).click()
  await page.waitForURL(/\/requests\/[0-9a-f]{32}/, POLL)
})

test('verified by another client: the panel says it has ended, once, and the focus goes there', async () => {
  const { page } = app
  const id = await refusedWithStatus10(page)
  const query = new URLSearchParams({
    api_key: 'sandbox',
    api_secret: 'sandbox-secret',
    request_id: id,
    code: (await adminRequest(id)).pin,
  })
  const checked = await fetch(`${baseURL()}/sandbox/verify/check/json?${query.toString()}`)
  expect(((await checked.json()) as { status: string }).status).toBe('0')

  await expect
    .poll(() => focusIs(page), POLL)
    .toBe('p "It has ended (SUCCESS): you can start again now."')
  // One polling round and the event stream have had their say: still said once.
  await page.waitForTimeout(2_000)
  expect(await announced(page)).toEqual([
    'The request that blocked this number has ended (SUCCESS): you can start again now.',
  ])
})
