/**
 * A server started with VERIFY_DESK_TOKEN and live credentials (a local double of the Vonage API):
 * when the server refuses the token in use (it was changed) as a live code is checked, the agent
 * enters the current token and finds the code still in the field, ready to check. A live code is
 * kept in memory only: the token prompt must not reload the tab to take the token.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createSandbox, type Sandbox } from '../../server/sandbox/index'
import {
  PIN_LABEL,
  POLL,
  REQUEST_URL,
  startServer,
  useBrowser,
  type RunningServer,
} from './support'

const TOKEN = 'e2e-token-live-code-0123456789abcdef'
const LIVE_KEY = 'e2e-live-key'
const LIVE_SECRET = 'e2e-live-secret-0123456789'
// A number of its own: the double is this file's alone.
const NUMBER = '+44 7700 900951'

describe('a token refused while a live code is typed', () => {
  let upstream: Sandbox | undefined
  let upstreamServer: http.Server | undefined
  let server: RunningServer | undefined
  /** The Verify calls the double received, by path. */
  const received: string[] = []
  const app = useBrowser({ baseURL: () => server?.url ?? '' })

  beforeAll(async () => {
    upstream = createSandbox({
      accounts: `${LIVE_KEY}:${LIVE_SECRET}`,
      stateFile: false,
      logger: { info: () => undefined, warn: () => undefined },
    })
    const double = http.createServer((req, res) => {
      received.push((req.url ?? '').split('?')[0] ?? '')
      upstream!.middleware(req, res)
    })
    upstreamServer = double
    await new Promise<void>((resolve) => double.listen(0, '127.0.0.1', resolve))
    const { port } = double.address() as AddressInfo
    server = await startServer({
      mode: 'dev',
      env: {
        VERIFY_DESK_TOKEN: TOKEN,
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

  test('keeps the code in the field once the current token is entered', async () => {
    const { page } = app
    const prompt = page.getByRole('form', { name: 'This server needs an access token' })
    await page.goto('/')
    await prompt.getByLabel('Access token').fill(TOKEN)
    await prompt.getByLabel('Access token').press('Enter')
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()

    // A live start, from the dashboard.
    await page.getByRole('radio', { name: /^Live/ }).check()
    await page.getByLabel('Phone number (number)').fill(NUMBER)
    await page.getByLabel('Brand (brand)').fill('Token Shop')
    await page.getByRole('button', { name: 'Start verification' }).click()
    await page.waitForURL(REQUEST_URL)
    const field = page.getByLabel(PIN_LABEL)
    await field.fill('4821')

    // The server was restarted with another token: it refuses the check with the one in use.
    await page.route('**/api/live/verify/check/json', (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({
          error: {
            code: 'unauthorized',
            message: 'This Verify Desk server needs its access token.',
          },
        }),
      }),
    )
    await page.getByRole('button', { name: 'Check code' }).click()
    await prompt.getByText('The token in use was refused: enter the current one.').waitFor()
    await page.unroute('**/api/live/verify/check/json')

    // The agent enters the current token: the request page is back with the code, unsent.
    await prompt.getByLabel('Access token').fill(TOKEN)
    await prompt.getByLabel('Access token').press('Enter')
    await page.getByRole('button', { name: 'Check code' }).waitFor()
    await expect.poll(() => field.inputValue(), POLL).toBe('4821')
    expect(await prompt.count()).toBe(0)
    expect(received.filter((path) => path.startsWith('/verify/check'))).toEqual([])
    expect(app.pageErrors).toEqual([])
  })
})
