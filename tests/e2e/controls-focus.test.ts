/**
 * Sandbox controls in real Chromium: a control taken away from under the keyboard focus by your
 * own application (the only request in progress verified, the last fault used up) hands the focus
 * to the sentence saying why, with a visible ring, never to the page's body.
 */
import { beforeEach, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { adminRequest, baseURL, POLL, randomNumber, startFromOwnApp, useBrowser } from './support'

const app = useBrowser()
const KEYS = 'api_key=sandbox&api_secret=sandbox-secret'

/** The focused element as `tag#id "text"` (BODY when the focus was lost). */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return 'BODY'
    return `${el.tagName.toLowerCase()}#${el.id} "${el.textContent?.replace(/\s+/g, ' ').trim()}"`
  })
}

/** Whether the focused element shows a focus ring. */
function ringShown(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return false
    const style = getComputedStyle(el)
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
  })
}

beforeEach(async () => {
  const reset = await fetch(`${baseURL()}/api/sandbox/__admin/reset`, { method: 'POST' })
  if (!reset.ok) throw new Error(`the sandbox reset answered ${reset.status}`)
})

test('"To expiry": the only request in progress verified through the API → the focus is on why', async () => {
  const { page } = app
  const id = await startFromOwnApp(randomNumber().digits, 'FocusShop')
  await page.goto('/controls')
  await page.getByRole('heading', { level: 1, name: 'Sandbox controls' }).waitFor()
  const expiry = page.getByRole('button', { name: /^To expiry \(\+\d+ s\)$/ })
  await expiry.waitFor(POLL)
  await expiry.focus()
  expect(await focused(page)).toMatch(/^button# "To expiry \(\+\d+ s\)"$/)

  const { pin } = await adminRequest(id)
  const checked = await fetch(
    `${baseURL()}/sandbox/verify/check/json?${KEYS}&request_id=${id}&code=${pin}`,
  )
  expect(((await checked.json()) as { status: string }).status).toBe('0')

  await page.getByRole('button', { name: 'To expiry' }).and(page.locator(':disabled')).waitFor(POLL)
  await expect
    .poll(() => focused(page), POLL)
    .toBe(
      'p#clock-next-why "No request is in progress: start a verification to have events to move to."',
    )
  expect(await ringShown(page)).toBe(true)
  expect(app.pageErrors).toEqual([])
})

test('"Clear all faults": the fault used up by an application call → the focus is on "No fault is active"', async () => {
  const { page } = app
  const injected = await fetch(`${baseURL()}/api/sandbox/__admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint: 'search', count: 1, status: '5' }),
  })
  expect(injected.ok).toBe(true)
  await page.goto('/controls')
  await page.getByRole('heading', { level: 1, name: 'Sandbox controls' }).waitFor()
  await page.getByText('Next 1 call to search').waitFor(POLL)
  const clear = page.getByRole('button', { name: 'Clear all faults' })
  await clear.focus()
  expect(await focused(page)).toBe('button# "Clear all faults"')

  // The tester's application makes the call the fault was waiting for.
  const searched = await fetch(
    `${baseURL()}/sandbox/verify/search/json?${KEYS}&request_id=${'a'.repeat(32)}`,
  )
  expect(((await searched.json()) as { status: string }).status).toBe('5')

  await page.getByText('No fault is active').waitFor(POLL)
  await expect
    .poll(() => focused(page), POLL)
    .toBe('p#faults-none "No fault is active: every call is answered normally."')
  expect(await clear.isDisabled()).toBe(true)
  expect(await ringShown(page)).toBe(true)
  expect(app.pageErrors).toEqual([])
})
