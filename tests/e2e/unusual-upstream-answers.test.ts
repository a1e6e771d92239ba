/**
 * Live, pointed at a scripted double of the Vonage API on a free port of 127.0.0.1 that answers
 * unusual things: how the dashboard reads them, in real Chromium through the real proxy.
 * - `"status": 0` as a number is a success: the request opens and goes into history;
 * - an answer without a status, or status 0 with a request_id that is not one, may have gone out:
 *   the start stays listed in "Starts without an answer", history gets no unreadable entry;
 * - a Verify answer with HTTP 500 is Vonage's answer (its status 5), not "the server" failing.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { REQUEST_URL, randomNumber, startServer, useBrowser, type RunningServer } from './support'

const ID = 'c5037cb8b47449158ed6611afde58990'

/** What the double answers to the next start: HTTP status and JSON body. */
let nextStart: { status: number; body: unknown } = { status: 200, body: {} }

function searchAnswer(id: string) {
  return {
    request_id: id,
    account_id: 'e2e',
    number: '447712000000',
    sender_id: 'verify',
    date_submitted: '2026-01-01 12:00:00',
    date_finalized: '',
    checks: [],
    first_event_date: '2026-01-01 12:00:00',
    last_event_date: '2026-01-01 12:00:00',
    price: '0.10000000',
    currency: 'EUR',
    status: 'IN PROGRESS',
    estimated_price_messages_sent: '0.03330000',
    events: [{ type: 'sms', id: 'e1' }],
  }
}

describe('live answers out of the ordinary', () => {
  let double: http.Server | undefined
  let server: RunningServer | undefined
  const app = useBrowser({ baseURL: () => server?.url ?? '' })

  beforeAll(async () => {
    const upstream = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://double')
        const answer = url.pathname.startsWith('/verify/search/')
          ? { status: 200, body: searchAnswer(url.searchParams.get('request_id') ?? ID) }
          : url.pathname === '/verify/json'
            ? nextStart
            : { status: 200, body: { status: '0', command: 'cancel' } }
        const text = JSON.stringify(answer.body)
        res.writeHead(answer.status, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text),
        })
        res.end(text)
      })
    })
    double = upstream
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    const { port } = upstream.address() as AddressInfo
    server = await startServer({
      mode: 'dev',
      env: {
        VONAGE_API_KEY: 'e2e-live-key',
        VONAGE_API_SECRET: 'e2e-live-secret-0123456789',
        VONAGE_API_HOST: `http://127.0.0.1:${port}`,
      },
    })
  })
  afterAll(async () => {
    await server?.close()
    await new Promise<void>((resolve) => (double ? double.close(() => resolve()) : resolve()))
  })

  async function startLive(typed: string) {
    const { page } = app
    await page.goto('/')
    await page.getByRole('heading', { level: 1, name: 'New verification' }).waitFor()
    await page.getByRole('radio', { name: /^Live/ }).check()
    await page.getByLabel('Phone number (number)').fill(typed)
    await page.getByLabel('Brand (brand)').fill('Live Shop')
    await page.getByRole('button', { name: 'Start verification' }).click()
  }

  const alert = () => app.page.locator('[data-test="start-error"]')
  const unanswered = () => app.page.locator('[data-test="unanswered-start"]')

  test('a numeric status 0 opens the request; it is in history', async () => {
    nextStart = { status: 200, body: { request_id: ID, status: 0 } }
    await startLive(randomNumber().typed)
    await app.page.waitForURL(REQUEST_URL)
    expect(REQUEST_URL.exec(app.page.url())![1]).toBe(ID)
    await app.page.goto('/history')
    await app.page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    await app.page.locator(`[data-request-id="${ID}"]`).first().waitFor()
    expect(app.pageErrors).toEqual([])
  })

  test('no status, or a request_id that is not one: may have gone out, kept listed', async () => {
    const first = randomNumber()
    nextStart = { status: 200, body: { error: 'gateway' } }
    await startLive(first.typed)
    await alert().getByRole('heading', { name: 'The start may have gone out' }).waitFor()
    expect(await alert().innerText()).toContain('Vonage answered without a status')
    expect(await alert().innerText()).not.toMatch(/Status undefined/)
    await unanswered()
      .filter({ hasText: first.digits.slice(-6) })
      .waitFor()

    const second = randomNumber()
    nextStart = { status: 200, body: { request_id: 'REQ-123', status: '0' } }
    await startLive(second.typed)
    await alert().getByRole('heading', { name: 'The start may have gone out' }).waitFor()
    expect(await alert().innerText()).toContain('the request_id "REQ-123"')
    expect(new URL(app.page.url()).pathname).toBe('/')
    await unanswered().filter({ hasText: 'REQ-123' }).waitFor()
    expect(await unanswered().count()).toBe(2)

    await app.page.goto('/history')
    await app.page.getByRole('heading', { level: 1, name: 'History' }).waitFor()
    expect(await app.page.getByText('could not be read').count()).toBe(0)
    expect(app.pageErrors).toEqual([])
  })

  test("a Verify answer with HTTP 500 is Vonage's status 5, not the server's error", async () => {
    nextStart = { status: 500, body: { status: '5', error_text: 'Internal Error' } }
    await startLive(randomNumber().typed)
    await alert().getByRole('heading', { name: 'Status 5: Internal error' }).waitFor()
    const text = await alert().innerText()
    expect(text).toContain('Internal Error')
    expect(text).toContain('Vonage sent this answer with HTTP 500 instead of the usual 200')
    expect(text).not.toMatch(/The server answered an error|The server refused/)
    expect(app.pageErrors).toEqual([])
  })
})
