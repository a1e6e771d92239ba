/**
 * A page whose code cannot be loaded, even after the full page load that follows, in real Chromium
 * against the real server: the page says so with a Reload button, never a blank page, and names a
 * verification started just before.
 */
import { describe, expect, test } from 'vitest'
import { randomNumber, REQUEST_URL, useBrowser } from './support'

const app = useBrowser()

describe('a page whose code never arrives', () => {
  test('after a start: one full load, then the page says so and names the started request', async () => {
    const { page } = app
    let aborted = 0
    let loads = 0
    page.on('load', () => loads++)
    // The request page's code cannot be fetched at all (the server lost it).
    await page.route(/\/src\/views\/RequestView\.vue/, async (route) => {
      aborted++
      await route.abort('connectionrefused')
    })
    await page.goto('/')
    const number = randomNumber()
    await page.getByLabel('Phone number (number)').fill(number.typed)
    await page.getByLabel('Brand (brand)').fill('E2E Shop')
    await page.getByRole('button', { name: 'Start verification' }).click()
    await page.waitForURL(REQUEST_URL)
    const main = page.getByRole('main')
    const alert = main.getByRole('alert').filter({ hasText: 'could not be loaded' })
    await alert.waitFor()
    expect(await main.getByRole('heading', { level: 1 }).innerText()).toBe(
      'The Request page could not be loaded',
    )
    const id = new URL(page.url()).pathname.split('/').pop()!
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(await alert.innerText()).toContain(`Your verification was started: request_id ${id}`)
    expect(await alert.getByRole('link', { name: `/requests/${id}` }).getAttribute('href')).toBe(
      `/requests/${id}`,
    )
    // One full load of the request page, no loop.
    expect(aborted).toBe(2)
    expect(loads).toBe(2)
    // Reload tries again, and says the same while the code is still missing.
    // Waited for from before the click: the reload's load may fire before a wait set up after it.
    const reloaded = page.waitForEvent('load')
    await alert.getByRole('button', { name: 'Reload' }).click()
    await reloaded
    await main.getByRole('alert').filter({ hasText: 'could not be loaded' }).waitFor()
    expect(aborted).toBe(3)
  })

  test('History: the page says it could not be loaded instead of staying blank', async () => {
    const { page } = app
    await page.route(/\/src\/views\/HistoryView\.vue/, (route) => route.abort('connectionrefused'))
    await page.goto('/')
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'History' })
      .click()
    await page.waitForURL(/\/history$/)
    const alert = page
      .getByRole('main')
      .getByRole('alert')
      .filter({ hasText: 'could not be loaded' })
    await alert.waitFor()
    expect(await alert.getByRole('heading').innerText()).toBe(
      'The History page could not be loaded',
    )
    expect(await alert.getByRole('button', { name: 'Reload' }).isVisible()).toBe(true)
    expect(await alert.innerText()).not.toContain('Your verification was started')
  })
})
