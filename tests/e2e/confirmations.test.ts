/**
 * The inline confirmations (History "Clear all…", Sandbox controls "Reset the sandbox…") in real
 * Chromium: a named group, not a dialog; Escape closes them from anywhere on the page and gives the
 * focus back to the button that opened them; after confirming, the focus is never lost to the page.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { POLL, randomNumber, startVerification, useBrowser } from './support'

// One page for the file, reset before each test (see useBrowser): each test loads its pages.
const app = useBrowser({ pagePerFile: true })

function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return '(body)'
    return `${el.localName} ${(el.textContent ?? '').replace(/\s+/g, ' ').trim()}`
  })
}

describe('inline confirmations', () => {
  test('History clear all: it opens on Cancel; Escape from elsewhere closes it; Delete all leaves the focus on what it did', async () => {
    const { page } = app
    await startVerification(page, randomNumber().typed)
    await page.goto('/history')
    const clearAll = page.getByRole('button', { name: 'Clear all…' })
    await clearAll.click()
    const group = page.getByRole('group', { name: /Delete (all \d+ entries|the 1 entry)\?/ })
    await group.waitFor()
    expect(await page.getByRole('alertdialog').count()).toBe(0)
    // It opens on the safe choice: a held Enter never deletes.
    await expect.poll(() => focusedName(page), POLL).toBe('button Cancel')

    // The focus moves on out of it; Escape there still closes it.
    await page.getByRole('searchbox', { name: 'Search' }).focus()
    await page.keyboard.press('Escape')
    await group.waitFor({ state: 'detached' })
    await expect.poll(() => focusedName(page), POLL).toBe('button Clear all…')

    await clearAll.click()
    await group.getByRole('button', { name: 'Delete all' }).click()
    await page.getByTestId('history-empty').waitFor()
    await expect
      .poll(() => focusedName(page), POLL)
      .toMatch(/^p Deleted all \d+ entr(y|ies) from history\.$/)
  })

  test('Sandbox reset: it opens on Keep it; Escape from elsewhere closes it; after the reset the focus stays on its button', async () => {
    const { page } = app
    await page.goto('/controls')
    const reset = page.getByRole('button', { name: 'Reset the sandbox…' })
    await reset.click()
    const group = page.getByRole('group', { name: 'Reset the sandbox?' })
    await group.waitFor()
    await expect.poll(() => focusedName(page), POLL).toBe('button Keep it')
    await page.getByRole('button', { name: '+30 s' }).focus()
    await page.keyboard.press('Escape')
    await group.waitFor({ state: 'detached' })
    await expect.poll(() => focusedName(page), POLL).toBe('button Reset the sandbox…')

    await reset.click()
    await page.getByRole('button', { name: 'Yes, reset everything' }).click()
    await group.waitFor({ state: 'detached' })
    await expect.poll(() => focusedName(page), POLL).toBe('button Reset the sandbox…')
    // Once the reset is done, the focus is still there.
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'))
    await expect.poll(() => focusedName(page), POLL).toBe('button Reset the sandbox…')
  })
})
