import http from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { eventually } from '../../support/eventually'
import {
  LIVE,
  call,
  environmentOn,
  errorOf,
  json,
  leavingCall,
  manualClock,
  pipelinedCalls,
  postJson,
  startProxy,
  startUpstream,
  verifyLikeHandler,
  type Arrival,
  type UpstreamHandler,
  type ProxyServer,
  type UpstreamDouble,
} from './support'

let upstream: UpstreamDouble | undefined
let proxy: ProxyServer | undefined

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

/** Calls whose answers are counted as they come. */
function counted<T>(calls: Array<Promise<T>>) {
  let answered = 0
  const all = Promise.all(calls.map((c) => c.then((value) => (answered++, value))))
  return { all, answered: () => answered }
}

/**
 * Lets one pacing second pass each time the browsers have had the next expected number of answers:
 * a slot comes back a second after its call settled, so the clock moves only once the calls of the
 * second are answered.
 */
async function stepThrough(
  clock: ReturnType<typeof manualClock>,
  answered: () => number,
  counts: number[],
) {
  for (const count of counts) {
    await vi.waitFor(() => expect(answered()).toBe(count), { timeout: 10_000 })
    clock.advance(1000)
  }
}

const startBody = (number: string) => ({
  method: 'POST',
  ...json({ number, brand: 'b' }),
})

/** Whether any window of `windowMs` holds more than `limit` of these times. */
const busiestWindow = (times: number[], windowMs = 1000) =>
  Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length))

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
    const answers = counted(
      Array.from({ length: 9 }, (_, i) =>
        call(port, '/api/live/verify/json', startBody(String(i))),
      ),
    )
    // 9 calls at 4/s, answered at once: 4 go out at once, 4 a second after those were answered,
    // the last one a second after that.
    await stepThrough(clock, answers.answered, [4, 8, 9])
    expect((await answers.all).map((a) => a.status)).toEqual(Array(9).fill(200))
    expect(clocked.times).toEqual([0, 0, 0, 0, 1000, 1000, 1000, 1000, 2000])
  })

  it('paces searches at the search rate', async () => {
    const clock = manualClock()
    const clocked = await clockedUpstream(clock)
    upstream = clocked.upstream
    proxy = await startProxy(upstream.url, {
      live: environmentOn(upstream.url, LIVE, { searchPerSecond: 2 }),
      timers: clock.timers,
    })
    const port = proxy.port
    const answers = counted(
      Array.from({ length: 5 }, (_, i) =>
        call(port, `/api/live/verify/search/json?request_id=r${i}`),
      ),
    )
    // The overall rate (1000/s here) would let all 5 out at once; the search rate holds them to 2/s.
    await stepThrough(clock, answers.answered, [2, 4, 5])
    expect((await answers.all).map((a) => a.status)).toEqual(Array(5).fill(200))
    expect(clocked.times).toEqual([0, 0, 1000, 1000, 2000])
  })

  it('keeps every upstream second within the limit when answers are slow', async () => {
    // A call holds its slot until a second after its answer: a call that is slow to arrive (new
    // connection, TLS, busy CPU) can land late in its round trip, so the slot must cover all of it.
    const clock = manualClock()
    const times: number[] = []
    const held: Array<() => void> = []
    upstream = await startUpstream((arrival, res, req) => {
      times.push(clock.now())
      held.push(() => void verifyLikeHandler(arrival, res, req))
    })
    proxy = await startProxy(upstream.url, {
      rateLimit: { requestsPerSecond: 3, maxQueue: 20 },
      timers: clock.timers,
      timeoutMs: 15_000,
    })
    const port = proxy.port
    const answers = counted(
      Array.from({ length: 7 }, (_, i) =>
        call(port, '/api/live/verify/json', startBody(String(i))),
      ),
    )
    const arrived = (count: number) =>
      vi.waitFor(() => expect(upstream?.arrivals).toHaveLength(count), { timeout: 10_000 })
    /** Lets the upstream answer the calls that arrived n-th (from 0), once the browsers have them. */
    const answer = async (order: number[], total: number) => {
      for (const n of order) held[n]?.()
      await vi.waitFor(() => expect(answers.answered()).toBe(total), { timeout: 10_000 })
    }

    await arrived(3) // t=0: the 3 slots
    clock.advance(600)
    await answer([0, 1], 2) // t=600: two slots come back at 1600
    clock.advance(400) // t=1000: a second after the first starts, yet all 3 slots are held
    clock.advance(600) // t=1600
    await arrived(5)
    clock.advance(200)
    await answer([2], 3) // t=1800: back at 2800
    clock.advance(100)
    await answer([3, 4], 5) // t=1900: back at 2900
    clock.advance(900) // t=2800
    await arrived(6)
    clock.advance(100) // t=2900
    await arrived(7)
    await answer([5, 6], 7)

    expect((await answers.all).map((a) => a.status)).toEqual(Array(7).fill(200))
    expect(times).toEqual([0, 0, 0, 1600, 1600, 2800, 2900])
    expect(busiestWindow(times)).toBe(3)
  })

  it('answers 503 queue_full with Retry-After when the queue is full', async () => {
    // The slot comes back only when the test moves the clock: however slowly the three calls
    // arrive, one is out, one waits and one finds the queue full.
    const clock = manualClock()
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url, {
      rateLimit: { requestsPerSecond: 1, maxQueue: 1 },
      timers: clock.timers,
    })
    const port = proxy.port
    const calls = counted(
      [1, 2, 3].map((n) =>
        postJson(port, '/api/live/verify/json', { number: String(n), brand: 'b' }),
      ),
    )
    await stepThrough(clock, calls.answered, [2])
    const answers = await calls.all
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
  /** An upstream that holds every answer until `release()`. */
  async function holdingUpstream(answer: (arrival: Arrival) => unknown) {
    const held: Array<() => void> = []
    const double = await startUpstream((arrival, res) => {
      held.push(() => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(answer(arrival)))
      })
    })
    return { double, release: () => held.splice(0).forEach((send) => send()) }
  }

  it('sends one upstream call for identical concurrent searches and gives each the answer', async () => {
    const holding = await holdingUpstream((arrival) => ({
      request_id: new URL(`http://x${arrival.url}`).searchParams.get('request_id'),
      status: 'IN PROGRESS',
    }))
    upstream = holding.double
    proxy = await startProxy(upstream.url)
    const port = proxy.port
    const same = Array.from({ length: 5 }, () =>
      call(port, '/api/live/verify/search/json?request_id=aaa'),
    )
    const other = call(port, '/api/live/verify/search/json?request_id=bbb')
    const sandbox = call(port, '/api/sandbox/verify/search/json?request_id=aaa')
    // The answers are held until all seven searches are with the proxy: however slowly they come,
    // the identical ones find the first one still out.
    await eventually(() => expect(proxy?.requests()).toBe(7))
    await new Promise((resolve) => setImmediate(resolve))
    holding.release()
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

  it('shares a call only between searches that ask exactly the same, whatever the form', async () => {
    // Each answer names what it was asked, so a shared answer would show.
    const holding = await holdingUpstream((arrival) => ({
      asked: arrival.body || arrival.url,
      status: 'IN PROGRESS',
    }))
    upstream = holding.double
    proxy = await startProxy(upstream.url)
    const port = proxy.port
    const form = (body: string) =>
      call(port, '/api/live/verify/search/json', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      })
    const bodies = [
      'request_ids=AAA1&request_ids=ZZZ',
      'request_ids=BBB1&request_ids=ZZZ',
      'request_id=R1&request_id=R2',
      'request_id=R2&request_id=R1',
    ]
    const asking = Promise.all([
      ...bodies.map(form),
      call(port, '/api/live/verify/search/json?request_ids%5B%5D=X1'),
      call(port, '/api/live/verify/search/json?request_ids%5B%5D=Y1&request_ids%5B%5D=Y2'),
    ])
    // All six are out at once, each on its own call: one shared would never arrive.
    await eventually(() => expect(upstream?.arrivals).toHaveLength(6))
    holding.release()
    const answers = await asking
    expect(answers.map((a) => (a.json() as { asked: string }).asked)).toEqual([
      ...bodies,
      '/verify/search/json?request_ids%5B%5D=X1',
      '/verify/search/json?request_ids%5B%5D=Y1&request_ids%5B%5D=Y2',
    ])
    expect(upstream.arrivals).toHaveLength(6)
    expect(proxy.lines.filter((l) => l.includes('coalesced'))).toHaveLength(0)
  })

  it('does not coalesce starts', async () => {
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url)
    const port = proxy.port
    await Promise.all(
      [1, 2].map(() => postJson(port, '/api/live/verify/json', { number: '1', brand: 'b' })),
    )
    expect(upstream.arrivals).toHaveLength(2)
  })
})

describe('calls whose browser has gone', () => {
  const START = '/api/live/verify/json'

  it('drops starts still waiting for their turn: never sent, no slot taken, logged as not sent', async () => {
    const clock = manualClock()
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url, {
      rateLimit: { requestsPerSecond: 1, maxQueue: 5 },
      timers: clock.timers,
    })
    const port = proxy.port
    // The one slot of this second is taken.
    expect((await call(port, START, startBody('first'))).status).toBe(200)
    const leaving = ['a', 'b', 'c'].map((n) => leavingCall(port, START, startBody(n)))
    await vi.waitFor(() => expect(proxy?.proxy.waiting('live')).toBe(3), { timeout: 10_000 })
    for (const browser of leaving) browser.leave()
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(4), { timeout: 10_000 })
    expect(proxy.proxy.waiting('live')).toBe(0)

    // A second on, the slot is back and the dropped calls took none of the following ones.
    clock.advance(1000)
    const next = counted([
      call(port, START, startBody('next')),
      postJson(port, '/api/live/verify/check/json', {
        request_id: 'abcdef0123456789abcdef0123456789',
        code: '1234',
      }),
    ])
    await vi.waitFor(() => expect(next.answered()).toBe(1), { timeout: 10_000 })
    clock.advance(1000)
    expect((await next.all).map((a) => a.status)).toEqual([200, 200])

    expect(
      upstream.arrivals.map((a) => (JSON.parse(a.body) as { number?: string }).number),
    ).toEqual(['first', 'next', undefined])
    expect(leaving.map((browser) => browser.answered())).toEqual([false, false, false])
    const dropped = proxy.lines.slice(1, 4)
    for (const line of dropped) {
      expect(line).toMatch(
        /env=live endpoint=request method=POST http=499 status=- request_id=- latency=[\d.]+ms client_closed not_sent$/,
      )
    }
    expect(proxy.lines).toHaveLength(6)
  })

  it('does not send a start whose browser left in the middle of its body, and logs it once as not sent', async () => {
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url)
    const port = proxy.port
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: START,
      method: 'POST',
      headers: {
        host: `localhost:${port}`,
        'content-type': 'application/json',
        'content-length': '100',
        expect: '100-continue',
      },
      agent: false,
    })
    req.on('error', () => undefined)
    // The server says "continue" once the proxy has the call and waits for its body.
    await new Promise<void>((resolve) => req.once('continue', resolve))
    req.write('{"number":"4477')
    req.destroy()
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(1), { timeout: 10_000 })
    expect(proxy.lines[0]).toMatch(
      /^\[verify-desk\] time=\S+ env=live endpoint=request method=POST http=499 status=- request_id=- latency=[\d.]+ms client_closed not_sent$/,
    )
    // No warning of a server failure beside it, and nothing sent.
    expect((await call(port, START, startBody('next'))).status).toBe(200)
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(2), { timeout: 10_000 })
    expect(upstream.arrivals.map((a) => a.body)).toEqual([
      JSON.stringify({ number: 'next', brand: 'b' }),
    ])
  })

  it('logs a call already sent once, with the upstream answer, as http=499 client_closed', async () => {
    let release: () => void = () => {}
    upstream = await startUpstream((arrival, res, req) => {
      release = () => void verifyLikeHandler(arrival, res, req)
    })
    proxy = await startProxy(upstream.url, { timeoutMs: 15_000 })
    const browser = leavingCall(proxy.port, START, startBody('447700900001'))
    await vi.waitFor(() => expect(upstream?.arrivals).toHaveLength(1), { timeout: 10_000 })
    browser.leave()
    await vi.waitFor(() => expect(proxy?.connections()).toBe(0), { timeout: 10_000 })
    expect(proxy.lines).toEqual([]) // not before the upstream has answered
    release()
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(1), { timeout: 10_000 })
    expect(proxy.lines[0]).toMatch(
      /env=live endpoint=request method=POST http=499 status="0" request_id=abcdef0123456789abcdef0123456789 latency=[\d.]+ms client_closed$/,
    )
    // The proxy carries on, and the next call is logged on its own.
    upstream.setHandler(verifyLikeHandler)
    expect((await call(proxy.port, START, startBody('2'))).status).toBe(200)
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(2), { timeout: 10_000 })
    expect(proxy.lines[1]).toMatch(/http=200 status="0"/)
  })

  it('logs an upstream failure after the browser left as http=499 with the error, once', async () => {
    let fail: () => void = () => {}
    upstream = await startUpstream((_arrival, _res, req) => {
      fail = () => req.socket.destroy()
    })
    proxy = await startProxy(upstream.url, { timeoutMs: 15_000 })
    const browser = leavingCall(proxy.port, '/api/live/verify/check/json', {
      method: 'POST',
      ...json({ request_id: 'abcdef0123456789abcdef0123456789', code: '918273' }),
    })
    await vi.waitFor(() => expect(upstream?.arrivals).toHaveLength(1), { timeout: 10_000 })
    browser.leave()
    await vi.waitFor(() => expect(proxy?.connections()).toBe(0), { timeout: 10_000 })
    fail()
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(1), { timeout: 10_000 })
    expect(proxy.lines[0]).toMatch(
      /endpoint=check method=POST http=499 status=- request_id=abcdef0123456789abcdef0123456789 latency=[\d.]+ms client_closed error=upstream_unreachable$/,
    )
    expect(proxy.lines[0]).not.toContain('918273')
    expect(upstream.arrivals).toHaveLength(1) // never retried
  })

  it('still runs a coalesced search for the browsers that remain, and drops one nobody waits for', async () => {
    const clock = manualClock()
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url, {
      live: environmentOn(upstream.url, LIVE, { searchPerSecond: 1 }),
      timers: clock.timers,
    })
    const port = proxy.port
    const search = (id: string) => `/api/live/verify/search/json?request_id=${id}`
    expect((await call(port, search('first'))).status).toBe(200) // the search slot of this second
    const leaver = leavingCall(port, search('shared'))
    await vi.waitFor(() => expect(proxy?.proxy.waiting('live')).toBe(1), { timeout: 10_000 })
    const stayer = call(port, search('shared')) // joins the queued call
    const alone = leavingCall(port, search('alone'))
    await vi.waitFor(() => expect(proxy?.proxy.waiting('live')).toBe(2), { timeout: 10_000 })
    leaver.leave()
    alone.leave()
    await vi.waitFor(() => expect(proxy?.proxy.waiting('live')).toBe(1), { timeout: 10_000 })
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(2), { timeout: 10_000 })
    expect(proxy.lines[1]).toMatch(
      /endpoint=search method=GET http=499 status=- request_id=alone latency=[\d.]+ms client_closed not_sent$/,
    )

    clock.advance(1000)
    const answer = await stayer
    expect(answer.status).toBe(200)
    expect(upstream.arrivals.map((a) => a.url)).toEqual([
      '/verify/search/json?request_id=first',
      '/verify/search/json?request_id=shared',
    ])
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(4), { timeout: 10_000 })
    const shared = proxy.lines.slice(2)
    expect(
      shared.filter((l) => /http=499 status="IN PROGRESS" .* client_closed$/.test(l)),
    ).toHaveLength(1)
    expect(
      shared.filter((l) => /http=200 status="IN PROGRESS" .* coalesced$/.test(l)),
    ).toHaveLength(1)
  })

  it('drops pipelined calls still waiting when their connection closes: none sent, one log line each', async () => {
    const clock = manualClock()
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url, {
      rateLimit: { requestsPerSecond: 1, maxQueue: 5 },
      timers: clock.timers,
    })
    const port = proxy.port
    expect((await call(port, START, startBody('first'))).status).toBe(200) // the slot of this second
    const bodies = ['p1', 'p2', 'p3'].map((n) => JSON.stringify({ number: n, brand: 'b' }))
    const browser = pipelinedCalls(port, START, bodies)
    await vi.waitFor(() => expect(proxy?.proxy.waiting('live')).toBe(3), { timeout: 10_000 })
    browser.leave()
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(4), { timeout: 10_000 })
    expect(proxy.proxy.waiting('live')).toBe(0)
    for (const line of proxy.lines.slice(1)) {
      expect(line).toMatch(
        /env=live endpoint=request method=POST http=499 status=- request_id=- latency=[\d.]+ms client_closed not_sent$/,
      )
    }

    // Seconds later, none of them has gone out, and the next call is sent at once.
    clock.advance(2000)
    expect((await call(port, START, startBody('next'))).status).toBe(200)
    expect(
      upstream.arrivals.map((a) => (JSON.parse(a.body) as { number?: string }).number),
    ).toEqual(['first', 'next'])
    expect(browser.received()).toBe('')
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(5), { timeout: 10_000 })
  })

  it('logs each pipelined call already sent once, with its answer, when the connection closes', async () => {
    const held: Array<() => void> = []
    upstream = await startUpstream((arrival, res, req) => {
      held.push(() => void verifyLikeHandler(arrival, res, req))
    })
    proxy = await startProxy(upstream.url, { timeoutMs: 15_000 })
    const bodies = ['p1', 'p2', 'p3'].map((n) => JSON.stringify({ number: n, brand: 'b' }))
    const browser = pipelinedCalls(proxy.port, START, bodies)
    await vi.waitFor(() => expect(upstream?.arrivals).toHaveLength(3), { timeout: 10_000 })
    browser.leave()
    await vi.waitFor(() => expect(proxy?.connections()).toBe(0), { timeout: 10_000 })
    expect(proxy.lines).toEqual([]) // not before the upstream has answered
    for (const answer of held) answer()
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(3), { timeout: 10_000 })
    for (const line of proxy.lines) {
      expect(line).toMatch(
        /env=live endpoint=request method=POST http=499 status="0" request_id=abcdef0123456789abcdef0123456789 latency=[\d.]+ms client_closed$/,
      )
    }
    // One line each: the next call adds exactly one.
    upstream.setHandler(verifyLikeHandler)
    expect((await call(proxy.port, START, startBody('next'))).status).toBe(200)
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(4), { timeout: 10_000 })
    expect(proxy.lines[3]).toMatch(/http=200 status="0"/)
  })
})

describe('how long a call may wait for its turn', () => {
  const START = '/api/live/verify/json'

  it('withdraws a call still waiting after 10 s: 503 queue_full, never sent, logged not_sent', async () => {
    const clock = manualClock()
    let release: () => void = () => {}
    upstream = await startUpstream((arrival, res, req) => {
      release = () => void verifyLikeHandler(arrival, res, req) // a slow upstream
    })
    proxy = await startProxy(upstream.url, {
      rateLimit: { requestsPerSecond: 1, maxQueue: 5 },
      timers: clock.timers,
      timeoutMs: 60_000,
    })
    const port = proxy.port
    const first = call(port, START, startBody('first'))
    await vi.waitFor(() => expect(upstream?.arrivals).toHaveLength(1), { timeout: 10_000 })
    const waiting = counted([call(port, START, startBody('second'))])
    await vi.waitFor(() => expect(proxy?.proxy.waiting('live')).toBe(1), { timeout: 10_000 })
    clock.advance(9_999)
    expect(waiting.answered()).toBe(0)
    expect(proxy.proxy.waiting('live')).toBe(1)
    clock.advance(1)
    const [refused] = await waiting.all
    expect(refused?.status).toBe(503)
    expect(refused?.headers['retry-after']).toBe('1')
    expect(errorOf(refused!)).toEqual({
      code: 'queue_full',
      message:
        'This call waited 10 s for its turn under the Vonage API rate limit and was withdrawn: ' +
        'it was NOT sent, so it is safe to try again in a few seconds.',
      delivery: 'not_sent',
    })
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(1), { timeout: 10_000 })
    expect(proxy.lines[0]).toMatch(
      /env=live endpoint=request method=POST http=503 status=- request_id=- latency=[\d.]+ms not_sent error=queue_full$/,
    )

    // The slow call still gets its answer; the withdrawn one is never sent, even once a slot frees.
    release()
    expect((await first).status).toBe(200)
    clock.advance(5000)
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(2), { timeout: 10_000 })
    expect(upstream.arrivals).toHaveLength(1)
  })

  it('takes the wait limit from the options, for searches through both queues too', async () => {
    const clock = manualClock()
    upstream = await startUpstream()
    proxy = await startProxy(upstream.url, {
      live: environmentOn(upstream.url, LIVE, { searchPerSecond: 0.5 }),
      maxQueueWaitMs: 1500,
      timers: clock.timers,
    })
    const port = proxy.port
    const search = (id: string) => `/api/live/verify/search/json?request_id=${id}`
    expect((await call(port, search('first'))).status).toBe(200) // the search slot of 2 s
    const waiting = counted([call(port, search('second'))])
    await vi.waitFor(() => expect(proxy?.proxy.waiting('live')).toBe(1), { timeout: 10_000 })
    clock.advance(1499)
    expect(waiting.answered()).toBe(0)
    clock.advance(1)
    const [refused] = await waiting.all
    expect(refused?.status).toBe(503)
    expect(errorOf(refused!).message).toMatch(/^This call waited 1\.5 s .* it was NOT sent/)
    clock.advance(5000)
    expect(upstream.arrivals.map((a) => a.url)).toEqual(['/verify/search/json?request_id=first'])
  })
})

describe('closing the proxy', () => {
  const START = '/api/live/verify/json'

  it('refuses queued and new calls unsent, lets a sent call finish, then resolves', async () => {
    const clock = manualClock()
    let release: () => void = () => {}
    upstream = await startUpstream((arrival, res, req) => {
      release = () => void verifyLikeHandler(arrival, res, req)
    })
    proxy = await startProxy(upstream.url, {
      rateLimit: { requestsPerSecond: 1, maxQueue: 5 },
      timers: clock.timers,
      timeoutMs: 15_000,
    })
    const port = proxy.port
    const sent = call(port, START, startBody('sent'))
    await vi.waitFor(() => expect(upstream?.arrivals).toHaveLength(1), { timeout: 10_000 })
    const queued = [call(port, START, startBody('q1')), call(port, START, startBody('q2'))]
    await vi.waitFor(() => expect(proxy?.proxy.waiting('live')).toBe(2), { timeout: 10_000 })

    let closed = false
    const closing = proxy.proxy.close().then(() => (closed = true))
    const CLOSING = {
      code: 'server_closing',
      message:
        'This Verify Desk server is shutting down: the call was NOT sent, so it is safe to send it again once the server is back.',
      delivery: 'not_sent',
    }
    for (const answer of await Promise.all(queued)) {
      expect(answer.status).toBe(503)
      expect(errorOf(answer)).toEqual(CLOSING)
    }
    // A call arriving while the server drains is refused the same way.
    const late = await call(port, START, startBody('late'))
    expect(late.status).toBe(503)
    expect(errorOf(late)).toEqual(CLOSING)
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(3), { timeout: 10_000 })
    for (const line of proxy.lines) {
      expect(line).toMatch(
        /env=live endpoint=request method=POST http=503 status=- request_id=- latency=[\d.]+ms not_sent error=server_closing$/,
      )
    }
    expect(closed).toBe(false) // the sent call is still out

    release()
    const answer = await sent
    expect(answer.status).toBe(200)
    expect(answer.json()).toEqual({ request_id: 'abcdef0123456789abcdef0123456789', status: '0' })
    await closing
    await vi.waitFor(() => expect(proxy?.lines).toHaveLength(4), { timeout: 10_000 })
    expect(proxy.lines[3]).toMatch(
      /env=live endpoint=request method=POST http=200 status="0" request_id=abcdef0123456789abcdef0123456789 /,
    )
    clock.advance(5000)
    expect(upstream.arrivals).toHaveLength(1)
  })
})
