/**
 * The "Calls made" rows open and close: in real Chromium each row's summary shows a visible
 * affordance that changes when the row is opened.
 */
import type { Locator } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { randomNumber, startVerification, useBrowser, waitForStatus } from './support'

const app = useBrowser()

/** How the summary's disclosure sign is drawn: its marker or ::before chevron, size and angle. */
function sign(summary: Locator) {
  return summary.evaluate((el) => {
    const own = getComputedStyle(el)
    const marker = own.display === 'list-item' && own.listStyleType !== 'none'
    const before = getComputedStyle(el, '::before')
    const drawn =
      before.content !== 'none' &&
      before.content !== 'normal' &&
      parseFloat(before.width) * parseFloat(before.height) > 0 &&
      (before.borderRightStyle !== 'none' || before.content !== '""')
    return {
      shown: marker || drawn,
      look: marker ? `marker ${own.listStyleType}` : `${before.content} ${before.transform}`,
    }
  })
}

describe('calls made', () => {
  test('each call row shows it can be opened, and shows when it is open', async () => {
    const { page } = app
    const id = await startVerification(page, randomNumber().typed)
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    await waitForStatus(page, 'IN PROGRESS')
    // The start's own row: searches made meanwhile are listed above it, newest first.
    const summary = page
      .locator('main details > summary')
      .filter({ hasText: /verify\/json/ })
      .first()
    await summary.waitFor()

    const closed = await sign(summary)
    expect(closed.shown).toBe(true)
    await summary.click()
    expect(await summary.evaluate((el) => (el.parentElement as HTMLDetailsElement).open)).toBe(true)
    // Wait out a short turning animation, if any.
    await page.waitForFunction(
      (el) => el.getAnimations({ subtree: true }).length === 0,
      await summary.elementHandle(),
    )
    const open = await sign(summary)
    expect(open.shown).toBe(true)
    expect(open.look).not.toBe(closed.look)
  })
})
