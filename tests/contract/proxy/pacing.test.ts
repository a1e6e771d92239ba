import { afterEach, describe, expect, it, vi } from 'vitest'
import { httpUpstream } from '../../../server/proxy/index'
import {
  call,
  json,
  manualClock,
  startProxy,
  startUpstream,
  verifyLikeHandler,
  type UpstreamHandler,
} from './support'

let upstream: Awaited<ReturnType<typeof startUpstream>> | undefined
let proxy: Awaited<ReturnType<typeof startProxy>> | undefined

afterEach(async () => {
  await proxy?.close()
  await upstream?.close()
})

/**
 * An upstream that notes the pacing clock's time of each arrival. The clock only moves when the test
 * moves it, so the times say which second of pacing let each call out, however slow the machine is.
 */
async function clockedUpstream(clock: ReturnType<typeof manualClock>) {
  const times: number[] = []
  const handler: UpstreamHandler = (arrival, res, req) => {
    times.push(clock.now())
    return verifyLikeHandler(arrival, res, req)
  }
  return { times, upstream: await startUpstream(handler) }
}

/** Lets one pacing second pass each time the upstream has seen the next expected number of calls. */
async function stepThrough(clock: ReturnType<typeof manualClock>, counts: number[]) {
  for (const count of counts) {
    await vi.waitFor(() => expect(upstream?.arrivals).toHaveLength(count), { timeout: 10_000 })
    clock.advance(1000)
  }
}

describe('upstream rate limits', () => {
  it('paces calls to the configured rate, queueing rather than dropping them', async () => {
    const clock = manualClock()
    const clocked = await clockedUpstream(clock)
    upstream = clocked.upstream
    proxy = await startProxy(upstream.url, {
      rateLimit: { requestsPerSecond: 4, maxQueue: 20 },
      timers: clock.timers,
    })
    const port = proxy.port
    const answers = Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        call(port, '/api/live/verify/json', {
          method: 'POST',
          ...json({ number: String(i), brand: 'b' }),
        }),
      ),
    )
    // 9 calls at 4/s: 4 go out at once, 4 a second later, the last one a second after that.
    await stepThrough(clock, [4, 8, 9])
    expect((await answers).map((a) => a.status)).toEqual(Array(9).fill(200))
    expect(clocked.times).toEqual([0, 0, 0, 0, 1000, 1000, 1000, 1000, 2000])
  })

  it('paces searches at the search rate', async () => {
    const clock = manualClock()
    const clocked = await clockedUpstream(clock)
    upstream = clocked.upstream
    proxy = await startProxy(upstream.url, {
      live: {
        upstream: httpUpstream(upstream.url),
        credentials: { apiKey: 'k1234567', apiSecret: 's' },
        auth: 'basic',
        searchPerSecond: 2,
      },
      timers: clock.timers,
    })
    const port = proxy.port
    const answers = Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call(port, `/api/live/verify/search/json?request_id=r${i}`),
      ),
    )
    // The overall rate (1000/s here) would let all 5 out at once; the search rate holds them to 2/s.
    await stepThrough(clock, [2, 4, 5])
    expect((await answers).map((a) => a.status)).toEqual(Array(5).fill(200))
    expect(clocked.times).toEqual([0, 0, 1000, 1000, 2000])
  })

  it('answers 503 queue_full with Retry-After when the queue is full', async () => {
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url, { rateLimit: { requestsPerSecond: 1, maxQueue: 1 } })
    const port = proxy.port
    const answers = await Promise.all(
      [1, 2, 3].map((n) =>
        call(port, '/api/live/verify/json', {
          method: 'POST',
          ...json({ number: String(n), brand: 'b' }),
        }),
      ),
    )
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses).toEqual([200, 200, 503])
    const full = answers.find((a) => a.status === 503)
    expect(full?.headers['retry-after']).toBe('1')
    expect(full?.json()).toMatchObject({
      error: { code: 'queue_full', message: expect.stringMatching(/try again/) },
    })
    expect(upstream.arrivals).toHaveLength(2)
  })
})

describe('search coalescing', () => {
  it('sends one upstream call for identical concurrent searches and gives each the answer', async () => {
    upstream = await startUpstream((arrival, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            request_id: new URL(`http://x${arrival.url}`).searchParams.get('request_id'),
            status: 'IN PROGRESS',
          }),
        )
      }, 200)
    })
    proxy = await startProxy(upstream.url)
    const port = proxy.port
    const same = Array.from({ length: 5 }, () =>
      call(port, '/api/live/verify/search/json?request_id=aaa'),
    )
    const other = call(port, '/api/live/verify/search/json?request_id=bbb')
    const sandbox = call(port, '/api/sandbox/verify/search/json?request_id=aaa')
    const answers = await Promise.all(same)
    expect(answers.map((a) => a.json())).toEqual(
      Array(5).fill({ request_id: 'aaa', status: 'IN PROGRESS' }),
    )
    expect((await other).json()).toEqual({ request_id: 'bbb', status: 'IN PROGRESS' })
    expect((await sandbox).status).toBe(200)
    const urls = upstream.arrivals.map((a) => a.url).sort()
    expect(urls).toEqual([
      '/verify/search/json?request_id=aaa',
      '/verify/search/json?request_id=aaa',
      '/verify/search/json?request_id=bbb',
    ])
    expect(proxy.lines.filter((l) => l.includes('coalesced'))).toHaveLength(4)
  })

  it('does not coalesce starts', async () => {
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url)
    const port = proxy.port
    await Promise.all(
      [1, 2].map(() =>
        call(port, '/api/live/verify/json', {
          method: 'POST',
          ...json({ number: '1', brand: 'b' }),
        }),
      ),
    )
    expect(upstream.arrivals).toHaveLength(2)
  })
})
