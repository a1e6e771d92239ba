import { afterEach, describe, expect, it } from 'vitest'
import { call, json, startProxy, startUpstream, type Arrival } from './support'

let upstream: Awaited<ReturnType<typeof startUpstream>> | undefined
let proxy: Awaited<ReturnType<typeof startProxy>> | undefined

afterEach(async () => {
  await proxy?.close()
  await upstream?.close()
})

/** The most arrivals within any window of `ms` (upstream-side clock). */
function busiestWindow(arrivals: Arrival[], ms: number): number {
  const times = arrivals.map((a) => a.at).sort((a, b) => a - b)
  let most = 0
  for (let i = 0; i < times.length; i++) {
    const inWindow = times.filter((t) => t >= (times[i] ?? 0) && t < (times[i] ?? 0) + ms).length
    most = Math.max(most, inWindow)
  }
  return most
}

describe('upstream rate limits', () => {
  it('paces calls to the configured rate, queueing rather than dropping them', async () => {
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url, { rateLimit: { requestsPerSecond: 4, maxQueue: 20 } })
    const port = proxy.port
    const answers = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        call(port, '/api/live/verify/json', {
          method: 'POST',
          ...json({ number: String(i), brand: 'b' }),
        }),
      ),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(9).fill(200))
    expect(upstream.arrivals).toHaveLength(9)
    // 9 calls at 4/s: never more than 4 in any 0.8 s (0.2 s left for scheduling jitter on a busy machine).
    expect(busiestWindow(upstream.arrivals, 800)).toBeLessThanOrEqual(4)
  })

  it('paces searches at the search rate', async () => {
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url)
    await proxy.close()
    const { httpUpstream } = await import('../../../server/proxy/index')
    proxy = await startProxy(upstream.url, {
      live: {
        upstream: httpUpstream(upstream.url),
        credentials: { apiKey: 'k1234567', apiSecret: 's' },
        auth: 'basic',
        searchPerSecond: 2,
      },
    })
    const port = proxy.port
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call(port, `/api/live/verify/search/json?request_id=r${i}`),
      ),
    )
    expect(answers.every((a) => a.status === 200)).toBe(true)
    expect(busiestWindow(upstream.arrivals, 800)).toBeLessThanOrEqual(2)
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
