/**
 * New verification in real Chromium: a field left by a press shows its message once the click is
 * done, so the message never pushes what was pressed from under the pointer. A 19-character brand,
 * then "More parameters": the section opens (and the brand's message shows); the same for every
 * field whose message would move what is below it.
 */
import { afterEach, describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { newPage, useBrowser, type OpenPage } from './support'

// One page for the file: every test opens the form anew (its draft emptied before, see useBrowser).
const app = useBrowser({ pagePerFile: true })

let touchPage: OpenPage | null = null
afterEach(async () => {
  await touchPage?.close()
  touchPage = null
})

const moreParameters = (page: Page) => page.locator('details.advanced')
const isOpen = (page: Page) => moreParameters(page).evaluate((d) => (d as HTMLDetailsElement).open)
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '')

/** Opens the form, chooses `kind` and types `value` into `#id`, the focus left in it. */
async function typeInto(page: Page, id: string, value: string, kind: 'request' | 'psd2') {
  await page.goto('/')
  await page.getByLabel('Brand (brand)').waitFor()
  if (kind === 'psd2') await page.getByLabel('PSD2 payment confirmation').check()
  await page.locator(`#${id}`).fill(value)
}

describe('a field left by a press: the click lands where it was pressed', () => {
  test.each([
    ['brand', 'A nineteen-char brd', 'request'],
    ['number', 'abc', 'request'],
    ['amount', 'x', 'psd2'],
    ['pin_expiry', '10', 'request'],
    ['next_event_wait', '10', 'request'],
  ] as const)(
    '%s with a wrong value, then "More parameters": it opens',
    async (id, value, kind) => {
      const { page } = app
      await typeInto(page, id, value, kind)
      await page.locator('summary', { hasText: 'More parameters' }).click()
      expect(await isOpen(page), 'More parameters opened by the click').toBe(true)
      await page.locator(`#${id}-error`).waitFor()
    },
  )

  test.each([
    ['number', 'Language (lg)', 'lg', 'abc'],
    ['brand', 'Workflow (workflow_id)', 'workflow_id', 'A nineteen-char brd'],
    [
      'payee',
      'Wait between events in seconds (next_event_wait)',
      'next_event_wait',
      'A nineteen-char pay',
    ],
  ] as const)(
    '%s with a wrong value, then the label "%s": its field has the focus',
    async (id, label, target, value) => {
      const { page } = app
      await typeInto(page, id, value, id === 'payee' ? 'psd2' : 'request')
      await page.locator('label', { hasText: label }).click()
      expect(await focusedId(page)).toBe(target)
      await page.locator(`#${id}-error`).waitFor()
    },
  )

  test('a touch: a 19-character brand, then a tap on "More parameters": it opens', async () => {
    touchPage = await newPage(app.browser, undefined, { hasTouch: true })
    const { page } = touchPage
    await typeInto(page, 'brand', 'A nineteen-char brd', 'request')
    await page.locator('summary', { hasText: 'More parameters' }).tap()
    expect(await isOpen(page), 'More parameters opened by the tap').toBe(true)
    await page.locator('#brand-error').waitFor()
  })
})
