/**
 * The plugin's defaults as `npm run dev` runs them: a real Vite dev server from the project's own
 * vite.config.ts (which sets none of these options), the live environment pointed at a recording
 * double that holds each answer until the test lets it go. While an answer is held its call keeps
 * its slot under the rate limits, so a call that must wait cannot reach the double, however long
 * the test looks. The tests share the server's pacing and run in order: the 30/s test first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../../support/eventually'
import {
  LIVE,
  call,
  errorOf,
  startDevServer,
  startUpstream,
  verifyLikeHandler,
  type Arrival,
  type DevServer,
  type UpstreamDouble,
} from './support'

let upstream: UpstreamDouble
let dev: DevServer
/** Answers the double holds, in arrival order. */
const held: Array<() => void> = []

beforeAll(async () => {
  upstream = await startUpstream((arrival: Arrival, res: ServerResponse, req: IncomingMessage) => {
    held.push(() => void verifyLikeHandler(arrival, res, req))
  })
  dev = await startDevServer({
    VONAGE_API_KEY: LIVE.apiKey,
    VONAGE_API_SECRET: LIVE.apiSecret,
    VONAGE_API_HOST: upstream.url,
    VONAGE_AUTH: undefined,
    VERIFY_DESK_TOKEN: undefined,
    VERIFY_DESK_SEARCH_RATE: undefined,
    VERIFY_DESK_ALLOWED_HOSTS: undefined,
    VERIFY_DESK_ALLOWED_ORIGINS: undefined,
  })
}, 60_000)

afterAll(async () => {
  releaseHeld()
  await dev?.close()
  await upstream?.close()
})

function releaseHeld() {
  for (const release of held.splice(0)) release()
}

/** A short look for something that must not happen while the held answers keep their slots. */
const aMoment = () => new Promise((resolve) => setTimeout(resolve, 300))

const start = (number: string, body: object = {}) =>
  call(dev.port, '/api/live/verify/json', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number, brand: 'Acme', ...body }),
  })

describe('the dev server with the default options', () => {
  it('lets 30 live calls out at once and holds the 31st until a slot comes back', async () => {
    const calls = Array.from({ length: 31 }, (_, i) =>
      start(`4477009${String(i).padStart(5, '0')}`),
    )
    await eventually(() => expect(upstream.arrivals.length).toBeGreaterThanOrEqual(30))
    await aMoment()
    expect(upstream.arrivals).toHaveLength(30)
    // The answers come back; a second later their slots do, and the 31st goes out.
    releaseHeld()
    await eventually(() => expect(upstream.arrivals).toHaveLength(31))
    releaseHeld()
    const answers = await Promise.all(calls)
    expect(answers.map((res) => res.status)).toEqual(Array(31).fill(200))
    expect(new Set(upstream.arrivals.map((a) => JSON.parse(a.body).number)).size).toBe(31)
  })

  it('lets one live search out per second: a second search waits for the first one’s slot', async () => {
    const before = upstream.arrivals.length
    const ids = ['0123456789abcdef0123456789abcd01', '0123456789abcdef0123456789abcd02']
    const searches = ids.map((id) =>
      call(dev.port, `/api/live/verify/search/json?request_id=${id}`),
    )
    await eventually(() => expect(upstream.arrivals.length).toBeGreaterThan(before))
    await aMoment()
    expect(upstream.arrivals).toHaveLength(before + 1)
    releaseHeld()
    await eventually(() => expect(upstream.arrivals).toHaveLength(before + 2))
    releaseHeld()
    const answers = await Promise.all(searches)
    expect(answers.map((res) => res.status)).toEqual([200, 200])
    const asked = upstream.arrivals.slice(before).map((a) => new URL(a.url, 'http://x').search)
    expect(asked.sort()).toEqual(ids.map((id) => `?request_id=${id}`))
  })

  it('tells the dashboard the search rates it keeps to: 1/s for live, 10/s for the sandbox', async () => {
    const res = await call(dev.port, '/api/environments')
    expect(res.status).toBe(200)
    const rates = (
      res.json() as { environments: { id: string; searchPerSecond?: number }[] }
    ).environments.map(({ id, searchPerSecond }) => [id, searchPerSecond])
    expect(rates).toEqual([
      ['sandbox', 10],
      ['live', 1],
    ])
  })

  it('accepts a body of 16 KiB and answers 413 to one byte more, sending nothing', async () => {
    upstream.setHandler(verifyLikeHandler) // answers at once from here on
    const before = upstream.arrivals.length
    const base = JSON.stringify({ number: '447700900001', brand: 'Acme', pad: '' })
    const sized = (bytes: number) =>
      JSON.stringify({
        number: '447700900001',
        brand: 'Acme',
        pad: 'x'.repeat(bytes - base.length),
      })
    const limit = 16 * 1024
    expect(Buffer.byteLength(sized(limit))).toBe(limit)
    const over = await call(dev.port, '/api/live/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sized(limit + 1),
    })
    expect(over.status).toBe(413)
    expect(errorOf(over)).toMatchObject({
      code: 'payload_too_large',
      message: expect.stringMatching(/larger than 16 KiB/),
    })
    expect(upstream.arrivals).toHaveLength(before)
    const atLimit = await call(dev.port, '/api/live/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sized(limit),
    })
    expect(atLimit.status).toBe(200)
    expect(upstream.arrivals).toHaveLength(before + 1)
    expect(upstream.arrivals.at(-1)?.body).toBe(sized(limit))
  })
})
