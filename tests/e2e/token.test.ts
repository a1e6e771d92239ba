/**
 * A server started with VERIFY_DESK_TOKEN (reachable from other machines): the dashboard asks for
 * the token once, says when it is refused, and works once it has the right one.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  axeViolations,
  POLL,
  randomNumber,
  startServer,
  useBrowser,
  type RunningServer,
} from './support'

const TOKEN = 'e2e-token-0123456789abcdef0123456789abcdef'

describe('a server protected by an access token', () => {
  let server: RunningServer | undefined
  const app = useBrowser({ baseURL: () => server?.url ?? '' })

  beforeAll(async () => {
    server = await startServer({ mode: 'dev', env: { VERIFY_DESK_TOKEN: TOKEN } })
  })
  afterAll(async () => {
    await server?.close()
  })

  test('asks for the token, says when it is refused, and works with the right one', async () => {
    const { page } = app
    await page.goto('/')
    const prompt = page.getByRole('form', { name: 'This server needs an access token' })
    await prompt.waitFor()
    const field = prompt.getByLabel('Access token')
    // The field has the focus: the token can be typed straight away.
    await expect.poll(() => field.evaluate((el) => el === document.activeElement), POLL).toBe(true)
    expect(await axeViolations(page)).toEqual([])
    // The prompt is the page meanwhile: one h1, the page's own hidden under it.
    expect(await page.getByRole('heading', { level: 1 }).allTextContents()).toEqual([
      'This server needs an access token',
    ])

    await page.keyboard.type('not-the-token')
    await page.keyboard.press('Enter')
    await prompt.getByText('That token was refused: check it and enter it again.').waitFor()

    await field.fill(TOKEN)
    await field.press('Enter')
    await page.waitForLoadState('load')
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    await page.getByText('Environment: Sandbox').waitFor()
    expect(await prompt.count()).toBe(0)

    // The dashboard works: a verification starts and opens its page.
    await page.getByLabel('Phone number (number)').fill(randomNumber().typed)
    await page.getByLabel('Brand (brand)').fill('Token Shop')
    await page.getByRole('button', { name: 'Start verification' }).click()
    await page.waitForURL(/\/requests\/[0-9a-f]{32}$/)
    expect(await prompt.count()).toBe(0)

    // Asked once: a new visit in the same browser sends the stored token without asking again
    // (the environments list only loads when the server accepted it).
    const again = await page.context().newPage()
    try {
      await again.goto(server?.url ?? '')
      await again.getByText('Environment: Sandbox').waitFor()
      expect(
        await again.getByRole('form', { name: 'This server needs an access token' }).count(),
      ).toBe(0)
    } finally {
      await again.close()
    }
  })
})
