/**
 * Live, pointed at a local double of the Vonage API (a sandbox of its own on a free port of
 * 127.0.0.1): a live request's page says Live in its badge and tab title even while Sandbox is
 * chosen for new verifications, and its buttons call live, as the badge says.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createSandbox, type Sandbox } from '../../server/sandbox/index'
import {
  POLL,
  REQUEST_URL,
  randomNumber,
  startServer,
  useBrowser,
  type RunningServer,
} from './support'

const LIVE_KEY = 'e2e-live-key'
const LIVE_SECRET = 'e2e-live-secret-0123456789'

describe('a live request opened while Sandbox is chosen', () => {
  let upstream: Sandbox | undefined
  let upstreamServer: http.Server | undefined
  let server: RunningServer | undefined
  const app = useBrowser({ baseURL: () => server?.url ?? '' })

  beforeAll(async () => {
    upstream = createSandbox({
      accounts: `${LIVE_KEY}:${LIVE_SECRET}`,
      stateFile: false,
      logger: { info: () => undefined, warn: () => undefined },
    })
    const double = http.createServer((req, res) => upstream!.middleware(req, res))
    upstreamServer = double
    await new Promise<void>((resolve) => double.listen(0, '127.0.0.1', resolve))
    const { port } = double.address() as AddressInfo
    server = await startServer({
      mode: 'dev',
      env: {
        VONAGE_API_KEY: LIVE_KEY,
        VONAGE_API_SECRET: LIVE_SECRET,
        VONAGE_API_HOST: `http://127.0.0.1:${port}`,
      },
    })
  })
  afterAll(async () => {
    await server?.close()
    await new Promise<void>((resolve) =>
      upstreamServer ? upstreamServer.close(() => resolve()) : resolve(),
    )
    await upstream?.close()
  })

  test('says Live in the badge and the tab title, and its buttons call live', async () => {
    const { page } = app
    const badge = page.locator('.env-badge')

    // A live start, made from the dashboard.
    await page.goto('/')
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    await page.getByRole('radio', { name: /^Live/ }).check()
    await badge.and(page.locator('[data-env="live"]')).waitFor()
    await page.getByLabel('Phone number (number)').fill(randomNumber().typed)
    await page.getByLabel('Brand (brand)').fill('Live Shop')
    await page.getByRole('button', { name: 'Start verification' }).click()
    await page.waitForURL(REQUEST_URL)
    const id = REQUEST_URL.exec(page.url())![1]!

    // Sandbox is chosen for new verifications; then the live request is opened again.
    await page.goto('/')
    await page.getByRole('radio', { name: /^Sandbox/ }).check()
    await badge.and(page.locator('[data-env="sandbox"]')).waitFor()
    await page.goto(`/requests/${id}`)
    await page.getByRole('button', { name: 'Trigger next event' }).waitFor()

    // Nothing on screen says Sandbox while the actions go live.
    await expect.poll(() => badge.getAttribute('data-env'), POLL).toBe('live')
    const said = await badge.innerText()
    expect(said).toContain('Live')
    expect(said).not.toContain('Sandbox —')
    expect(await page.getByTestId('env-hint').textContent()).toContain(
      'This request is in Live: its buttons call the real Vonage API',
    )
    expect(await page.getByTestId('env-live-note').innerText()).toBe(
      'This request: real SMS and calls, charged',
    )
    expect(await page.getByText('no real SMS or calls are made').count()).toBe(0)
    await expect
      .poll(() => page.title(), POLL)
      .toMatch(new RegExp(`^Live · Request …${id.slice(-6)} `))

    // The buttons call live, as the badge says.
    const [control] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/verify/control/json') && r.method() === 'POST'),
      page.getByRole('button', { name: 'Trigger next event' }).click(),
    ])
    expect(new URL(control.url()).pathname).toBe('/api/live/verify/control/json')

    // Elsewhere, the badge shows the chosen environment again.
    await page.getByRole('link', { name: 'New verification' }).first().click()
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    await badge.and(page.locator('[data-env="sandbox"]')).waitFor()
    expect(await page.getByTestId('env-live-note').count()).toBe(0)
    expect(app.pageErrors).toEqual([])
  })
})
