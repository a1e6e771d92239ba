/**
 * The request page in real Chromium against the real server: when something outside the page
 * turns off the control that has the keyboard focus (the request expires, another client verifies
 * it, its next event goes out), the focus goes to the reason now said next to that control, never
 * to the page's body.
 */
import type { Page } from 'playwright-core'
import { afterAll, expect, test } from 'vitest'
import {
  adminRequest,
  advanceClock,
  axeViolations,
  baseURL,
  PIN_LABEL,
  POLL,
  randomNumber,
  startVerification,
  useBrowser,
  waitForStatus,
} from './support'

// One page for the file, reset before each test (see useBrowser): each test loads its pages.
const app = useBrowser({ pagePerFile: true })

// The sandbox clock moved here (731 s in all) is put back with a reset: the files after this one
// find the sandbox as it was (its clock included).
afterAll(async () => {
  const reset = await fetch(`${baseURL()}/api/sandbox/__admin/reset`, { method: 'POST' })
  if (!reset.ok) throw new Error(`the sandbox reset answered ${reset.status}`)
})

/** The focused element as `tag#id "text"`, or `(body)`. */
function focusIs(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return '(body)'
    const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ')
    return `${el.localName}${el.id ? `#${el.id}` : ''} "${text.trim().slice(0, 80)}"`
  })
}

/** Another client of the sandbox (the tester's own application) acting on the request. */
async function ownApp(path: string, params: Record<string, string>): Promise<void> {
  const query = new URLSearchParams({ api_key: 'sandbox', api_secret: 'sandbox-secret', ...params })
  const response = await fetch(`${baseURL()}/sandbox/verify/${path}/json?${query.toString()}`)
  expect(((await response.json()) as { status: string }).status).toBe('0')
}

test('the request expires while the code field has the focus: the focus goes to the reason', async () => {
  const { page } = app
  await startVerification(page, randomNumber().typed)
  await waitForStatus(page, 'IN PROGRESS')
  await page.getByLabel(PIN_LABEL).focus()
  await page.keyboard.type('12')
  await advanceClock(700)
  await waitForStatus(page, 'EXPIRED')
  await expect
    .poll(() => focusIs(page), POLL)
    .toBe('p#pin-reason "Check not possible: request expired"')
})

test('another client verifies the request while Check code has the focus: the focus goes to the reason', async () => {
  const { page } = app
  const id = await startVerification(page, randomNumber().typed)
  await waitForStatus(page, 'IN PROGRESS')
  await page.getByRole('button', { name: 'Check code' }).focus()
  await ownApp('check', { request_id: id, code: (await adminRequest(id)).pin })
  await waitForStatus(page, 'SUCCESS')
  await expect
    .poll(() => focusIs(page), POLL)
    .toBe('p#pin-reason "Check not possible: request already verified"')
})

test('the next event goes out while Cancel request has the focus: the focus goes to its reason', async () => {
  const { page } = app
  const id = await startVerification(page, randomNumber().typed)
  await waitForStatus(page, 'IN PROGRESS')
  await advanceClock(31)
  const cancel = page.getByRole('button', { name: 'Cancel request' })
  await expect.poll(() => cancel.isEnabled(), POLL).toBe(true)
  await cancel.focus()
  await ownApp('control', { request_id: id, cmd: 'trigger_next_event' })
  await expect.poll(() => cancel.isDisabled(), POLL).toBe(true)
  await expect
    .poll(() => focusIs(page), POLL)
    .toBe('span#cancel-reason "cancel no longer possible: a second message or call has gone out"')
  expect(await axeViolations(page)).toEqual([])
})

test('"Also list the sandbox admin calls" toggled with Space stays where it was, in view', async () => {
  const { page } = app
  await page.setViewportSize({ width: 1280, height: 900 })
  await startVerification(page, randomNumber().typed)
  await waitForStatus(page, 'IN PROGRESS')
  const toggle = page.getByLabel('Also list the sandbox admin calls this page made')
  // Brought to the bottom of the window, as a keyboard user reaching it by Tab has it.
  await toggle.evaluate((el) => el.scrollIntoView({ block: 'end' }))
  await toggle.focus()
  const before = (await toggle.boundingBox())!
  // The page's own reads of the sandbox (admin calls, `/__admin/` in the path each row names):
  // hidden until the toggle is on, whatever the page's polls add to the list meanwhile.
  const adminCalls = page.locator('ul.calls > li > details > summary > code', {
    hasText: '/__admin/',
  })
  expect(await adminCalls.count()).toBe(0)
  await page.keyboard.press('Space')
  expect(await toggle.isChecked()).toBe(true)
  await expect.poll(() => adminCalls.count(), POLL).toBeGreaterThan(0)
  const after = (await toggle.boundingBox())!
  expect(after.y).toBe(before.y)
  // In view: the window scrolls by whole device pixels, so a toggle whose layout position has a
  // fraction of a pixel is brought to within half a pixel of the bottom edge, not exactly onto it.
  expect(after.y + after.height).toBeLessThanOrEqual(900.5)
  expect(await focusIs(page)).toMatch(/^input /)
})
