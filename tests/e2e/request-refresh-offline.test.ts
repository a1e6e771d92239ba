/**
 * A refresh of a finished request that fails (the browser is offline), in real Chromium against the
 * real server: the page says the request could not be refreshed and which copy it shows, and the
 * notice goes once the browser is back online (a finished request is not polled, so nothing else
 * would read it again).
 */
import { describe, expect, test } from 'vitest'
import {
  adminRequest,
  checkCode,
  POLL,
  randomNumber,
  startVerification,
  useBrowser,
  waitForStatus,
} from './support'

const app = useBrowser()

describe('a failed refresh of a finished request', () => {
  test('says it could not be refreshed, and goes away once the browser is back online', async () => {
    const { page } = app
    const context = page.context()
    const id = await startVerification(page, randomNumber().typed)
    await waitForStatus(page, 'IN PROGRESS')
    await checkCode(page, (await adminRequest(id)).pin)
    await waitForStatus(page, 'SUCCESS')

    await context.setOffline(true)
    await page.getByRole('button', { name: 'Refresh' }).click()
    const failed = page.locator('[data-test="load-failure"]')
    await failed.waitFor(POLL)
    const text = await failed.innerText()
    expect(text).toContain('The request could not be refreshed (showing what was last read at')
    expect(text).not.toContain('could not be loaded')
    expect(await failed.locator('time').count()).toBe(1)
    await waitForStatus(page, 'SUCCESS')

    await context.setOffline(false)
    await failed.waitFor({ state: 'detached', ...POLL })
    await waitForStatus(page, 'SUCCESS')
    expect(app.pageErrors).toEqual([])
  })
})
