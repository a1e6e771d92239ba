/**
 * The Look up field in real Chromium: typing an id key by key says nothing in its live region until
 * the typing stops or the field is left, and a long paste that is not an id never widens the page.
 */
import { describe, expect, test } from 'vitest'
import { horizontalOverflow, useBrowser } from './support'

const app = useBrowser()

describe('look up field', () => {
  test('the live region stays quiet while an id is typed, then says once what was read', async () => {
    const { page } = app
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.goto('/lookup')
    const field = page.getByRole('textbox', { name: 'Request IDs' })
    await field.fill('')
    await page.evaluate(() => {
      const region = document.getElementById('lookup-ids-announce')!
      const w = window as unknown as { said: string[] }
      w.said = []
      new MutationObserver(() => w.said.push(region.textContent?.trim() ?? '')).observe(region, {
        subtree: true,
        childList: true,
        characterData: true,
      })
    })
    await field.click()
    await page.keyboard.type('2cd0a1b2c3d4e5f60718293a4b5c6d7e', { delay: 20 })
    const whileTyping = await page.evaluate(
      () => (window as unknown as { said: string[] }).said.filter(Boolean).length,
    )
    expect(whileTyping).toBe(0)

    await page.keyboard.press('Tab')
    await page.waitForFunction(
      () => document.getElementById('lookup-ids-announce')?.textContent?.trim() === '1 request_id',
    )
    expect(await page.getByTestId('lookup-summary').innerText()).toBe('1 request_id')
    expect(await page.getByTestId('lookup-invalid').count()).toBe(0)
  })

  test('a long paste that is not an id wraps instead of scrolling the page sideways', async () => {
    const { page } = app
    for (const width of [390, 320]) {
      await page.setViewportSize({ width, height: 800 })
      await page.goto('/lookup')
      const field = page.getByRole('textbox', { name: 'Request IDs' })
      await field.fill('0123456789abcdef'.repeat(4))
      await field.blur()
      await page.getByTestId('lookup-invalid').waitFor()
      expect(await horizontalOverflow(page), `${width} px`).toEqual({ px: 0, culprits: [] })
    }
  })
})
