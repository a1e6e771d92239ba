/**
 * The request page open while the production server (`npm run serve`) restarts, in real Chromium:
 * what changed meanwhile was not pushed, so once the shared event stream is back the page reads
 * the request again and never keeps showing it in progress for good. The test server's sandbox
 * keeps its state in memory, so the restarted one no longer holds the request: the page says so.
 * (The dev server is not used: its client reloads the page when the server comes back.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  POLL,
  randomNumber,
  sharedBuild,
  startServer,
  startVerification,
  useBrowser,
  waitForStatus,
  type RunningServer,
} from './support'

let outDir: string | undefined
let server: RunningServer | undefined
const app = useBrowser({ baseURL: () => server?.url ?? '' })

/**
 * The production server over the build, on a port it can be restarted on, or at `port` (a restart
 * at the same address).
 */
function serve(port?: number): Promise<RunningServer> {
  return startServer({
    mode: 'preview',
    outDir: outDir!,
    ...(port === undefined ? { restartable: true } : { port }),
  })
}

beforeAll(async () => {
  outDir = await sharedBuild()
  server = await serve()
}, 240_000)
afterAll(async () => {
  await server?.close()
})

describe('the request page while the server restarts', () => {
  test('reads the request again once the event stream is back, and says the sandbox lost it', async () => {
    const { page } = app
    let loads = 0
    page.on('load', () => loads++)
    const streams: string[] = []
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/sandbox/__admin/events') streams.push('open')
    })
    await startVerification(page, randomNumber().typed)
    await waitForStatus(page, 'IN PROGRESS')
    await expect.poll(() => streams.length, POLL).toBeGreaterThan(0)

    // Same address; the new sandbox starts empty.
    const port = Number(new URL(server!.url).port)
    await server!.close()
    server = await serve(port)

    // The stream reconnects by itself, waiting a little longer after each failed try.
    const gone = page.locator('[data-test="request-gone"]')
    await gone.waitFor({ timeout: 60_000 })
    expect(await gone.textContent()).toContain('The sandbox does not know this request any more')
    expect(
      await page.getByRole('button', { name: 'Check code' }).isDisabled(),
      'no check can be sent for a request the sandbox lost',
    ).toBe(true)
    // Read again by the page as it was, never by reloading it.
    expect(loads).toBe(1)
    expect(app.pageErrors).toEqual([])
  }, 150_000)
})
