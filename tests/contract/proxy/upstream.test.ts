import http from 'node:http'
import type { Socket } from 'node:net'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { UpstreamTimeoutError, sandboxUpstream } from '../../../server/proxy/upstream'
import { createSandbox } from '../../../server/sandbox/index'
import { eventually } from '../../support/eventually'
import {
  LIVE,
  call,
  errorOf,
  json,
  leavingCall,
  liveOnOpenConnection,
  liveWatchingAnswers,
  manualClock,
  openEventStream,
  postJson,
  startUpstream,
  verifyLikeHandler,
  upstreamAndProxyForEachTest,
} from './support'

// A generous time limit, so that a busy machine never turns an answer into a 504; the tests about
// the time limit itself restart the proxy with a short one (SHORT_LIMIT).
const { upstream, proxy, restartProxy } = upstreamAndProxyForEachTest({ timeoutMs: 10_000 })
const SHORT_LIMIT = { timeoutMs: 300 }

/**
 * Restarts the proxy with the short limit, its live connection to the double already open: the
 * call is written the moment it is sent, so the limit runs out only once it reached the upstream.
 */
async function restartWithShortLimit() {
  await restartProxy({ ...SHORT_LIMIT, live: await liveOnOpenConnection(upstream.url) })
  upstream.forget() // the call that opened the connection
}

const start = () =>
  postJson(proxy.port, '/api/live/verify/json', { number: '447700900000', brand: 'Acme' })

describe('upstream failures', () => {
  it('answers 504 when the upstream does not answer in time, warning that the start may have gone out', async () => {
    await restartWithShortLimit()
    upstream.setHandler(() => {}) // never answers
    const res = await start()
    expect(res.status).toBe(504)
    expect(errorOf(res)).toMatchObject({
      code: 'upstream_timeout',
      delivery: 'maybe',
      message: expect.stringMatching(
        /did not answer within 0\.3 s\. The call may still have been processed and a code sent\./,
      ),
    })
    // The call was written before the limit ran out; the double may read it after the 504.
    await eventually(() => expect(upstream.arrivals).toHaveLength(1))
  })

  it('answers 504 when the upstream answers after the time limit, and drops the late answer', async () => {
    const late = JSON.stringify({ request_id: 'late0123456789abcdef0123456789ab', status: '0' })
    let answeredLate!: () => void
    const lateSent = new Promise<void>((resolve) => (answeredLate = resolve))
    await restartWithShortLimit()
    upstream.setHandler((_arrival, res) => {
      setTimeout(() => {
        // The proxy may already have closed the connection: the answer is sent if it can be.
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(late)
        answeredLate()
      }, 1000)
    })
    const res = await start()
    expect(res.status).toBe(504)
    expect(errorOf(res)).toMatchObject({ code: 'upstream_timeout', delivery: 'maybe' })
    expect(res.body).not.toContain('late0123456789abcdef')
    await lateSent
    expect(upstream.arrivals).toHaveLength(1)
    expect(proxy.lines).toHaveLength(1)
    expect(proxy.lines[0]).toMatch(/endpoint=request method=POST http=504 status=- request_id=-/)
  })

  it('answers 502 when the upstream is down', async () => {
    const down = await startUpstream()
    await down.close()
    await restartProxy({}, down.url)
    const res = await start()
    expect(res.status).toBe(502)
    expect(errorOf(res)).toMatchObject({
      code: 'upstream_unreachable',
      delivery: 'not_sent',
      message: expect.stringMatching(/could not be reached \(ECONNREFUSED\)/),
    })
  })

  it('answers 502 with a short excerpt when a JSON endpoint gets something else', async () => {
    upstream.answerWith(503, {
      headers: { 'content-type': 'text/html' },
      body: `<html><body><h1>Service Unavailable</h1>${'<p>filler</p>'.repeat(100)}</body></html>`,
    })
    const res = await start()
    expect(res.status).toBe(502)
    const error = errorOf(res)
    expect(error.code).toBe('upstream_bad_response')
    expect(error.message).toMatch(
      /other than JSON \(HTTP 503, text\/html\): "<html><body><h1>Service Unavailable/,
    )
    // The page is quoted in short: 160 characters and an ellipsis.
    const quoted = /: "(.*)"\. /.exec(error.message)?.[1] ?? ''
    expect(quoted).toMatch(/^<html><body><h1>Service Unavailable<\/h1><p>filler.*…$/)
    expect(quoted).toHaveLength(161)
  })

  describe('what the 502 for a gateway error page tells the agent to do', () => {
    const page = '<html><body><h1>502 Bad Gateway</h1></body></html>'
    const SECOND_CODE =
      'The call may still have been processed and a code sent. Sending it again with the same number is safe: if the first one went through, Vonage answers status 10 with its request_id instead of sending a second code.'
    const CHECK_ATTEMPT =
      'The check may still have been processed (using up one of the attempts, or verifying the request): look the request up before entering the code again.'
    const CONTROL_DONE =
      'The command may still have been carried out (the request cancelled, or moved on to its next event): look the request up before sending it again.'
    beforeEach(() => {
      upstream.answerWith(502, { headers: { 'content-type': 'text/html' }, body: page })
    })

    // A gateway page may come after Vonage processed the call: what a blind retry risks depends on
    // the endpoint (a second code, a used-up attempt, a command carried out twice).
    it.each([
      ['start', '/api/live/verify/json', { number: '447700900000', brand: 'Acme' }, SECOND_CODE],
      [
        'PSD2 start',
        '/api/live/verify/psd2/json',
        { number: '447700900000', payee: 'p', amount: 1 },
        SECOND_CODE,
      ],
      ['check', '/api/live/verify/check/json', { request_id: 'r1', code: '1234' }, CHECK_ATTEMPT],
      [
        'control',
        '/api/live/verify/control/json',
        { request_id: 'r1', cmd: 'cancel' },
        CONTROL_DONE,
      ],
      [
        'check (XML)',
        '/api/live/verify/check/xml',
        { request_id: 'r1', code: '1234' },
        CHECK_ATTEMPT,
      ],
      [
        'control (XML)',
        '/api/live/verify/control/xml',
        { request_id: 'r1', cmd: 'trigger_next_event' },
        CONTROL_DONE,
      ],
    ])(
      'says a %s may have been processed and what to look up first',
      async (_kind, path, body, advice) => {
        const res = await postJson(proxy.port, path, body)
        expect(res.status).toBe(502)
        const what = path.endsWith('/xml')
          ? 'with an error page instead of XML'
          : 'with something other than JSON'
        expect(errorOf(res)).toEqual({
          code: 'upstream_bad_response',
          message:
            `The Vonage API (${upstream.url}) answered ${what} ` +
            `(HTTP 502, text/html): "${page}". ${advice}`,
          delivery: 'maybe',
        })
      },
    )

    it('says the same for a start on the XML endpoint', async () => {
      const res = await postJson(proxy.port, '/api/live/verify/xml', {
        number: '447700900000',
        brand: 'Acme',
      })
      expect(res.status).toBe(502)
      expect(errorOf(res).message).toBe(
        `The Vonage API (${upstream.url}) answered with an error page instead of XML ` +
          `(HTTP 502, text/html): "${page}". ${SECOND_CODE}`,
      )
    })

    it.each([
      ['JSON', '/api/live/verify/search/json', 'with something other than JSON'],
      ['XML', '/api/live/verify/search/xml', 'with an error page instead of XML'],
    ])('tells the agent a %s search is safe to try again', async (_format, path, what) => {
      const res = await call(proxy.port, `${path}?request_id=r1`)
      expect(res.status).toBe(502)
      expect(errorOf(res).message).toBe(
        `The Vonage API (${upstream.url}) answered ${what} (HTTP 502, text/html): "${page}". ` +
          'A search changes nothing, so it can safely be tried again; if this persists, check VONAGE_API_HOST.',
      )
    })
  })

  it('answers 502 for a plain-text HTTP 500 on an XML endpoint instead of passing it on', async () => {
    upstream.answerWith(500, {
      headers: { 'content-type': 'text/plain' },
      body: 'Internal Server Error',
    })
    const res = await postJson(proxy.port, '/api/live/verify/check/xml', {
      request_id: 'r1',
      code: '1234',
    })
    expect(res.status).toBe(502)
    expect(errorOf(res)).toMatchObject({
      code: 'upstream_bad_response',
      delivery: 'maybe',
      message: expect.stringContaining(
        'answered with an error page instead of XML (HTTP 500, text/plain): "Internal Server Error".',
      ),
    })
  })

  it('answers 502 for a body that claims JSON but is not, quoting it', async () => {
    upstream.answerWith(200, {
      headers: { 'content-type': 'application/json' },
      body: '{"status":"0"',
    })
    const res = await start()
    expect(res.status).toBe(502)
    expect(errorOf(res)).toMatchObject({ code: 'upstream_bad_response', delivery: 'maybe' })
    expect(errorOf(res).message).toBe(
      `The Vonage API (${upstream.url}) answered with something other than JSON ` +
        '(HTTP 200, application/json): "{"status":"0"". The call may still have been processed ' +
        'and a code sent. Sending it again with the same number is safe: if the first one went ' +
        'through, Vonage answers status 10 with its request_id instead of sending a second code.',
    )
  })

  it('passes XML through on the XML endpoints', async () => {
    const res = await call(proxy.port, '/api/live/verify/search/xml?request_id=r1')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('text/xml')
    expect(res.body).toMatch(/^<\?xml/)
  })

  it('answers 502 when the upstream drops the connection in the middle of its answer', async () => {
    const live = liveWatchingAnswers(upstream.url)
    await restartProxy({ live: live.environment })
    upstream.setHandler((_a, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' })
      res.write('{"request_id":"abcdef0123456789abcdef0123456789",')
      // Cut once the proxy has read the answer's head (a timer could cut before it is read).
      void live.headRead().then(() => res.socket?.destroy())
    })
    const res = await start()
    expect(res.status).toBe(502)
    expect(errorOf(res)).toMatchObject({
      code: 'upstream_unreachable',
      delivery: 'maybe',
      message:
        `The Vonage API (${upstream.url}) began to answer (HTTP 200), then dropped the connection ` +
        '(ECONNRESET): the call reached Vonage and was processed, but its answer was lost. ' +
        'Whether it started a verification and sent a code is not known. Sending it again with ' +
        'the same number is safe: if it did, Vonage answers status 10 with its request_id ' +
        "instead of sending a second code. If it persists, check the server's network connection " +
        'and its VONAGE_API_HOST setting.',
    })
    expect(upstream.arrivals).toHaveLength(1)
    // The proxy still works afterwards (the broken socket left the keep-alive pool).
    upstream.setHandler(verifyLikeHandler)
    expect((await start()).status).toBe(200)
  })

  it('answers 502 without a retry when a search answer is larger than 1 MiB', async () => {
    upstream.setHandler((_a, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ status: '0', filler: 'x'.repeat(1024 * 1024 + 10) }))
    })
    const res = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(res.status).toBe(502)
    expect(errorOf(res)).toMatchObject({
      code: 'upstream_bad_response',
      message: expect.stringMatching(/answered more than 1024 KiB/),
    })
    expect(upstream.arrivals).toHaveLength(1)
  })

  it('passes an upstream status 1 (throttled) through unchanged', async () => {
    const throttled = { status: '1', error_text: 'Throttled' }
    upstream.answerWith(200, json(throttled))
    const res = await start()
    expect(res.status).toBe(200)
    expect(res.json()).toEqual(throttled)
    expect(res.headers['retry-after']).toBeUndefined()
  })

  it('answers 502 when the upstream resets the connection in the middle of a check answer, saying it was processed', async () => {
    const live = liveWatchingAnswers(upstream.url)
    await restartProxy({ live: live.environment })
    upstream.setHandler((_a, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' })
      res.write('{"request_id":"abcdef0123456789abcdef0123456789",')
      // Reset once the proxy has read the answer's head (a timer could reset before it is read).
      void live.headRead().then(() => res.socket?.resetAndDestroy())
    })
    const res = await postJson(proxy.port, '/api/live/verify/check/json', {
      request_id: 'abcdef0123456789abcdef0123456789',
      code: '4817',
    })
    expect(res.status).toBe(502)
    expect(errorOf(res)).toEqual({
      code: 'upstream_unreachable',
      delivery: 'maybe',
      message:
        `The Vonage API (${upstream.url}) began to answer (HTTP 200), then dropped the connection ` +
        '(ECONNRESET): the call reached Vonage and was processed, but its answer was lost. ' +
        'Whether the code was accepted is not known (the check may have used up one of the ' +
        'attempts, or verified the request): look the request up before entering the code again. ' +
        "If it persists, check the server's network connection and its VONAGE_API_HOST setting.",
    })
    // Never retried, and the code is nowhere in the answer (the double's URL aside: its port may
    // hold the digits) or the log.
    expect(upstream.arrivals).toHaveLength(1)
    expect(res.body.replaceAll(upstream.url, '')).not.toContain('4817')
    expect(proxy.lines.at(-1)).toMatch(/endpoint=check method=POST http=502 /)
    expect(proxy.lines.join('\n')).not.toMatch(/4817|LiveSecret/)
  })
})

describe('a throttled answer (status 1) with Retry-After', () => {
  const throttled = { status: '1', error_text: 'Throttled' }
  /** The headers of a throttled answer that tells how long to wait, and some the browser must not see. */
  const throttledWith = (retryAfter: string) => ({
    headers: {
      'content-type': 'application/json',
      'retry-after': retryAfter,
      'set-cookie': 'upstream-session=s3cr3t',
      'x-vonage-trace': 'trace-123',
    },
    body: JSON.stringify(throttled),
  })

  it('passes the Retry-After of a throttled start and check on, and no other upstream header', async () => {
    const success = (await start()).headers
    upstream.answerWith(200, throttledWith('7'))
    for (const res of [
      await start(),
      await postJson(proxy.port, '/api/live/verify/check/json', {
        request_id: 'abcdef0123456789abcdef0123456789',
        code: '4817',
      }),
    ]) {
      expect(res.status).toBe(200)
      expect(res.json()).toEqual(throttled)
      expect(res.headers['retry-after']).toBe('7')
      // The headers of any answer passed on, and Retry-After: no cookie, no trace of the upstream.
      expect(Object.keys(res.headers).sort()).toEqual(
        [...Object.keys(success), 'retry-after'].sort(),
      )
    }
    expect(upstream.arrivals).toHaveLength(3)
    for (const line of proxy.lines.slice(1)) {
      expect(line).toMatch(/ http=200 status="1" /)
      expect(line).not.toMatch(/LiveSecret|live1234|s3cr3t|4817|retry/i)
    }
  })

  it('passes on the Retry-After of a throttled XML answer and of a throttled search', async () => {
    upstream.answerWith(200, {
      headers: { 'content-type': 'text/xml', 'retry-after': '3' },
      body: '<?xml version="1.0" encoding="UTF-8"?><verify_response><status>1</status><error_text>Throttled</error_text></verify_response>',
    })
    const xml = await call(proxy.port, '/api/live/verify/xml?number=447700900000&brand=A')
    expect(xml.status).toBe(200)
    expect(xml.headers['retry-after']).toBe('3')
    upstream.answerWith(200, throttledWith('4'))
    const search = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(search.json()).toEqual(throttled)
    expect(search.headers['retry-after']).toBe('4')
  })

  it('gives a Retry-After date in seconds, and drops one it cannot read', async () => {
    upstream.answerWith(200, throttledWith(new Date(Date.now() + 60_000).toUTCString()))
    const wait = Number((await start()).headers['retry-after'])
    expect(wait).toBeGreaterThanOrEqual(50)
    expect(wait).toBeLessThanOrEqual(61)
    upstream.answerWith(200, throttledWith('soon'))
    const unreadable = await start()
    expect(unreadable.json()).toEqual(throttled)
    expect(unreadable.headers['retry-after']).toBeUndefined()
  })

  it('keeps the Retry-After of an answer that is not throttled out', async () => {
    upstream.answerWith(200, {
      ...json({ request_id: 'abcdef0123456789abcdef0123456789', status: '0' }),
      headers: { 'content-type': 'application/json', 'retry-after': '7' },
    })
    const res = await start()
    expect(res.status).toBe(200)
    expect(res.headers['retry-after']).toBeUndefined()
  })
})

describe('retries', () => {
  const dropFirst = () => {
    let n = 0
    upstream.setHandler((arrival, res, req) => {
      if (n++ === 0) {
        req.socket.destroy() // connection reset before any answer
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ request_id: 'r1', status: 'IN PROGRESS', url: arrival.url }))
    })
  }

  it.each([
    [
      'start',
      '/api/live/verify/json',
      { number: '1', brand: 'b' },
      /The call may still have been processed and a code sent\. Sending it again with the same number is safe: if the first one went through, Vonage answers status 10 with its request_id instead of sending a second code\./,
    ],
    [
      'check',
      '/api/live/verify/check/json',
      { request_id: 'r1', code: '1234' },
      /The check may still have been processed \(using up one of the attempts, or verifying the request\): look the request up before entering the code again\./,
    ],
    [
      'control',
      '/api/live/verify/control/json',
      { request_id: 'r1', cmd: 'cancel' },
      /The command may still have been carried out \(the request cancelled, or moved on to its next event\): look the request up before sending it again\./,
    ],
    [
      'psd2',
      '/api/live/verify/psd2/json',
      { number: '1', payee: 'p', amount: 1 },
      /The call may still have been processed and a code sent\. Sending it again with the same number is safe: if the first one went through, Vonage answers status 10 with its request_id instead of sending a second code\./,
    ],
  ])('never retries a %s after a network error', async (_name, path, body, advice) => {
    dropFirst()
    const res = await postJson(proxy.port, path, body)
    expect(res.status).toBe(502)
    expect(upstream.arrivals).toHaveLength(1)
    // The call reached the upstream before the connection dropped: retrying blindly could send a
    // second code, use up an attempt or repeat a command, so the message says what to look up first.
    const error = errorOf(res)
    expect(error.code).toBe('upstream_unreachable')
    expect(error.message).toMatch(/dropped the connection before answering \(ECONNRESET\)\. The /)
    expect(error.message).toMatch(advice)
  })

  it('retries a search once after a network error', async () => {
    dropFirst()
    const res = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(res.status).toBe(200)
    expect(upstream.arrivals).toHaveLength(2)
    expect(upstream.arrivals.map((a) => a.url)).toEqual([
      '/verify/search/json?request_id=r1',
      '/verify/search/json?request_id=r1',
    ])
    expect(proxy.lines.at(-1)).toMatch(/retried=1/)
  })

  it('retries a search only once', async () => {
    upstream.setHandler((_a, _res, req) => {
      req.socket.destroy()
    })
    const res = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(res.status).toBe(502)
    expect(upstream.arrivals).toHaveLength(2)
  })

  it('does not retry a search whose browsers all left before its network error', async () => {
    // Without pacing nothing else stops a search nobody waits for any more.
    await restartProxy({ rateLimit: false })
    let dropFirst!: () => void
    const firstDropped = new Promise<void>((resolve) => (dropFirst = resolve))
    upstream.setHandler((arrival, res, req) => {
      if (upstream.arrivals.length === 1) {
        void firstDropped.then(() => req.socket.destroy())
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ request_id: 'r1', status: 'IN PROGRESS', url: arrival.url }))
    })
    const browser = leavingCall(proxy.port, '/api/live/verify/search/json?request_id=r1')
    await vi.waitFor(() => expect(upstream.arrivals).toHaveLength(1), { timeout: 10_000 })
    browser.leave()
    await vi.waitFor(() => expect(proxy.connections()).toBe(0), { timeout: 10_000 })
    await new Promise((resolve) => setImmediate(resolve))
    dropFirst()
    // The line is written once the search settled, a retry included.
    await vi.waitFor(() => expect(proxy.lines).toHaveLength(1), { timeout: 10_000 })
    expect(proxy.lines[0]).toMatch(/endpoint=search .*http=499 /)
    expect(proxy.lines[0]).not.toMatch(/retried=1/)
    expect(upstream.arrivals).toHaveLength(1)
  })

  it('does not retry a search that timed out', async () => {
    await restartWithShortLimit()
    upstream.setHandler(() => {})
    const res = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(res.status).toBe(504)
    // Sent once: the double may read it after the 504, and a retry would be a second arrival.
    await eventually(() => expect(upstream.arrivals).toHaveLength(1))
  })

  it.each(['/api/live/verify/search/json', '/api/live/verify/search/xml'])(
    'tells the agent a timed-out search (%s) is safe to try again',
    async (path) => {
      await restartWithShortLimit()
      upstream.setHandler(() => {})
      const res = await call(proxy.port, `${path}?request_id=r1`)
      expect(res.status).toBe(504)
      expect(errorOf(res).message).toMatch(
        /did not answer within 0\.3 s\. Try again in a moment\.$/,
      )
    },
  )
})

describe('answers a gateway or a regional host may give', () => {
  it('says Vonage refused the server credentials on an HTTP 401, naming the settings to check', async () => {
    upstream.answerWith(
      401,
      json({
        type: 'https://developer.nexmo.com/api-errors#unauthorized',
        title: 'Unauthorized',
        detail: 'You did not provide correct credentials.',
      }),
    )
    const res = await start()
    expect(res.status).toBe(502)
    // A refusal: no delivery, so the dashboard does not offer to send it again.
    expect(errorOf(res)).toEqual({
      code: 'upstream_credentials_refused',
      message: expect.stringMatching(
        /refused this server's credentials \(HTTP 401: "You did not provide correct credentials\."\), so nothing was processed\. .*VONAGE_API_KEY and VONAGE_API_SECRET/,
      ),
    })
    expect(upstream.arrivals).toHaveLength(1)
  })

  it('passes an HTTP 429 on as not processed, with its Retry-After, and never retries it', async () => {
    upstream.answerWith(429, {
      headers: { 'content-type': 'application/json', 'retry-after': '7' },
      body: '{"title":"Too Many Requests"}',
    })
    for (const path of [
      '/api/live/verify/json?number=447700900000&brand=A',
      '/api/live/verify/search/json?request_id=r1',
    ]) {
      const res = await call(proxy.port, path)
      expect(res.status, path).toBe(429)
      expect(res.headers['retry-after']).toBe('7')
      expect(errorOf(res)).toEqual({
        code: 'upstream_rate_limited',
        delivery: 'not_sent',
        message: expect.stringMatching(
          /too many requests \(HTTP 429\)\. It was not processed: send it again in 7 s\.$/,
        ),
      })
    }
    expect(upstream.arrivals).toHaveLength(2)
  })

  it('passes on a Retry-After given as a date, in seconds, and logs why the call failed', async () => {
    upstream.answerWith(429, {
      headers: {
        'content-type': 'application/json',
        'retry-after': new Date(Date.now() + 120_000).toUTCString(),
      },
      body: '{}',
    })
    const res = await start()
    expect(res.status).toBe(429)
    const wait = Number(res.headers['retry-after'])
    expect(wait).toBeGreaterThanOrEqual(110)
    expect(wait).toBeLessThanOrEqual(121)
    expect(errorOf(res).message).toMatch(new RegExp(`send it again in ${wait} s\\.$`))
    expect(proxy.lines.at(-1)).toMatch(/ http=429 .*not_sent error=upstream_rate_limited/)
    upstream.setHandler((_a, answer) => {
      answer.writeHead(401, { 'content-type': 'application/json' })
      answer.end('{"title":"Unauthorized"}')
    })
    await start()
    expect(proxy.lines.at(-1)).toMatch(/ http=502 .*error=upstream_credentials_refused/)
  })

  it('says nothing was sent when the time ran out before a connection opened', async () => {
    const neverConnects = {
      description: 'http://10.255.255.1',
      send: () => Promise.reject(new Error('unused')),
      exchange: () => Promise.reject(new UpstreamTimeoutError(false)),
      close: () => Promise.resolve(),
    }
    await restartProxy({
      timeoutMs: 300,
      live: { upstream: neverConnects, credentials: LIVE, auth: 'basic', searchPerSecond: 50 },
    })
    const res = await start()
    expect(res.status).toBe(504)
    expect(errorOf(res)).toEqual({
      code: 'upstream_timeout',
      delivery: 'not_sent',
      message: expect.stringMatching(/could not be reached within 0\.3 s: nothing was sent\./),
    })
    expect(proxy.lines.at(-1)).toMatch(/ http=504 .*not_sent/)
  })

  it('never quotes the code of a check or a chosen pin_code, and leaves ids and numbers readable', async () => {
    upstream.setHandler((arrival, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end(`<pre>Bad gateway for ${arrival.url} ${arrival.body}</pre>`)
    })
    const id = '00001234ffff1234aaaa0000bbbb1234'
    const byForm = await call(proxy.port, '/api/live/verify/check/json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `request_id=${id}&code=1234`,
    })
    const byQuery = await call(proxy.port, `/api/live/verify/check/json?request_id=${id}&code=1234`)
    const byJsonNumber = await postJson(proxy.port, '/api/live/verify/check/json', {
      request_id: id,
      code: 135790,
    })
    for (const res of [byForm, byQuery, byJsonNumber]) {
      expect(res.status).toBe(502)
      expect(errorOf(res).message).toContain(id)
      expect(errorOf(res).message).toMatch(/code["=:]+\[code\]/)
      expect(res.body).not.toMatch(/(?<![0-9a-f])(1234|135790)(?![0-9a-f])/)
    }
    const start = await call(proxy.port, '/api/live/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'number=447700900123&brand=Acme&pin_code=0090',
    })
    expect(errorOf(start).message).toContain('number=447700900123')
    expect(errorOf(start).message).toContain('pin_code=[code]')
    expect(start.body).not.toMatch(/(?<![0-9])0090(?![0-9])/)
  })

  it('hides a code an error page quotes on its own, not only as a parameter', async () => {
    upstream.answerWith(502, {
      headers: { 'content-type': 'text/html' },
      body: '<p>The code 482193 is wrong for request 00001234ffff1234aaaa0000bbbb4821</p>',
    })
    const res = await postJson(proxy.port, '/api/live/verify/check/json', {
      request_id: '00001234ffff1234aaaa0000bbbb4821',
      code: '482193',
    })
    expect(res.status).toBe(502)
    expect(errorOf(res).message).toContain('The code [code] is wrong')
    expect(errorOf(res).message).toContain('00001234ffff1234aaaa0000bbbb4821')
    expect(res.body).not.toContain('482193')
    expect(proxy.lines.join('\n')).not.toContain('482193')
  })

  it('hides every code a call sends: each of a repeated one and each of a JSON array', async () => {
    upstream.setHandler((arrival, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end(`<p>Refused: ${decodeURIComponent(arrival.url)} ${arrival.body}</p>`)
    })
    const id = '00001234ffff1234aaaa0000bbbb1234'
    const byForm = await call(proxy.port, '/api/live/verify/check/json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `request_id=${id}&code=482193&code=573904`,
    })
    const byQuery = await call(
      proxy.port,
      `/api/live/verify/check/json?request_id=${id}&code=482193&code=573904`,
    )
    const byJsonArray = await postJson(proxy.port, '/api/live/verify/check/json', {
      request_id: id,
      code: ['482193', 573904],
    })
    for (const res of [byForm, byQuery, byJsonArray]) {
      expect(res.status).toBe(502)
      expect(errorOf(res).message).toContain(id)
      expect(res.body).not.toMatch(/482193|573904/)
    }
    expect(proxy.lines.join('\n')).not.toMatch(/482193|573904/)
  })

  it('hides a chosen pin_code an error page quotes on its own', async () => {
    upstream.answerWith(502, {
      headers: { 'content-type': 'text/html' },
      body: '<p>PIN 0090 refused</p>',
    })
    const res = await postJson(proxy.port, '/api/live/verify/json', {
      number: '447700900123',
      brand: 'Acme',
      pin_code: '0090',
    })
    expect(res.status).toBe(502)
    expect(errorOf(res).message).toContain('PIN [code] refused')
    // Nowhere in the answer, the double's URL aside (its port may hold the digits).
    expect(res.body.replaceAll(upstream.url, '')).not.toContain('0090')
    expect(proxy.lines.join('\n')).not.toContain('0090')
  })

  it('reads an answer compressed anyway, in Latin-1 or with a byte order mark, and passes it on as UTF-8', async () => {
    const answer = { request_id: 'abcdef0123456789abcdef0123456789', status: '0', brand: 'Café' }
    const text = JSON.stringify(answer)
    const forms: Array<[string, Record<string, string>, Buffer]> = [
      ['gzip', { 'content-encoding': 'gzip' }, gzipSync(text)],
      ['br', { 'content-encoding': 'br' }, brotliCompressSync(text)],
      ['deflate', { 'content-encoding': 'deflate' }, deflateSync(text)],
      [
        'latin-1',
        { 'content-type': 'application/json; charset=ISO-8859-1' },
        Buffer.from(text, 'latin1'),
      ],
      ['bom', {}, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ]
    for (const [name, headers, body] of forms) {
      upstream.answerWith(200, {
        headers: { 'content-type': 'application/json', ...headers },
        body,
      })
      const res = await start()
      expect(res.status, name).toBe(200)
      expect(res.headers['content-encoding'], name).toBeUndefined()
      expect(res.json(), name).toEqual(answer)
    }
    // The XML endpoints too: never compressed bytes without their Content-Encoding.
    upstream.answerWith(200, {
      headers: { 'content-type': 'text/xml', 'content-encoding': 'gzip' },
      body: gzipSync('<?xml version="1.0"?><verify_response><status>0</status></verify_response>'),
    })
    const xml = await call(proxy.port, '/api/live/verify/xml?number=447700900000&brand=A')
    expect(xml.body).toBe(
      '<?xml version="1.0"?><verify_response><status>0</status></verify_response>',
    )
  })

  it('says an empty answer is empty', async () => {
    upstream.answerWith(204)
    const res = await start()
    expect(res.status).toBe(502)
    expect(errorOf(res).message).toMatch(/answered with an empty answer \(HTTP 204\)\. The call/)
  })
})

describe('the time a search may take', () => {
  // 0 s in the queue and 20 s for the upstream: a search answers within 20 s, retry included. The
  // time the search has taken is read on a clock the test moves (the proxy's pacing clock), so a
  // busy machine changes nothing: the double moves it by as long as the first attempt is to have
  // taken, then drops the connection. A retry needs 2 s left.
  let clock: ReturnType<typeof manualClock>
  beforeEach(async () => {
    clock = manualClock()
    await restartProxy({ timeoutMs: 20_000, maxQueueWaitMs: 0, timers: clock.timers })
  })

  /** The first attempt takes `ms` on the clock, then its connection drops; any other is answered. */
  const firstDropsAfter = (ms: number) => {
    let calls = 0
    upstream.setHandler((arrival, res, req) => {
      if (++calls > 1) return verifyLikeHandler(arrival, res, req)
      clock.advance(ms)
      req.socket.destroy()
    })
  }

  it('retries a search whose connection dropped early, with time left', async () => {
    firstDropsAfter(10_000) // 10 s left
    const res = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(res.status).toBe(200)
    expect(upstream.arrivals).toHaveLength(2)
    expect(proxy.lines.at(-1)).toMatch(/retried=1/)
  })

  it('does not retry a search when too little time is left for a second answer', async () => {
    firstDropsAfter(18_001) // 1.999 s left
    const res = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(res.status).toBe(502)
    expect(upstream.arrivals).toHaveLength(1)
    expect(proxy.lines.at(-1)).not.toMatch(/retried=1/)
  })
})

describe('the connection to the upstream', () => {
  it('sends every call under the path of the base URL, over kept-alive connections', async () => {
    const sockets = new Set<Socket>()
    upstream.setHandler((arrival, res, req) => {
      sockets.add(req.socket)
      verifyLikeHandler(arrival, res, req)
    })
    await restartProxy({}, `${upstream.url}/v1/`)
    for (let i = 0; i < 6; i++) expect((await start()).status).toBe(200)
    const search = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(search.status).toBe(200)
    expect(upstream.arrivals.map((a) => a.url)).toEqual([
      ...Array.from({ length: 6 }, () => '/v1/verify/json'),
      '/v1/verify/search/json?request_id=r1',
    ])
    expect(sockets.size).toBeLessThan(upstream.arrivals.length)
  })

  it('passes the length of a plain admin answer through, so it is not sent chunked', async () => {
    upstream.setHandler((arrival, res, req) => {
      if (!arrival.url.startsWith('/__admin/')) return verifyLikeHandler(arrival, res, req)
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '13' })
      res.end('{"ok":"done"}')
    })
    const res = await call(proxy.port, '/api/sandbox/__admin/accounts')
    expect(res.status).toBe(200)
    expect(res.headers['content-length']).toBe('13')
    expect(res.headers['transfer-encoding']).toBeUndefined()
    expect(res.body).toBe('{"ok":"done"}')
  })

  it('closes the upstream event stream when the browser left before it began', async () => {
    let begin: () => void = () => {}
    let upstreamClosed!: () => void
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve))
    upstream.setHandler((arrival, res, req) => {
      if (!arrival.url.startsWith('/__admin/events')) return verifyLikeHandler(arrival, res, req)
      begin = () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.write('event: ready\ndata: {}\n\n')
      }
      req.socket.once('close', upstreamClosed)
    })
    const browser = leavingCall(proxy.port, '/api/sandbox/__admin/events', {
      headers: { accept: 'text/event-stream' },
    })
    await vi.waitFor(() => expect(upstream.arrivals).toHaveLength(1), { timeout: 10_000 })
    browser.leave()
    await vi.waitFor(() => expect(proxy.connections()).toBe(0), { timeout: 10_000 })
    begin()
    await closed
    expect(browser.answered()).toBe(false)
    expect((await start()).status).toBe(200)
  })

  it('closes the upstream event stream when the browser goes away', async () => {
    let upstreamClosed!: () => void
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve))
    upstream.setHandler((arrival, res, req) => {
      if (!arrival.url.startsWith('/__admin/events')) return verifyLikeHandler(arrival, res, req)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('event: ready\ndata: {}\n\n')
      req.socket.once('close', upstreamClosed)
    })
    const browser = http.get({
      host: '127.0.0.1',
      port: proxy.port,
      path: '/api/sandbox/__admin/events',
      headers: { host: `localhost:${proxy.port}`, accept: 'text/event-stream' },
    })
    const res = await new Promise<http.IncomingMessage>((resolve) =>
      browser.on('response', resolve),
    )
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/)
    const first = await new Promise<string>((resolve) =>
      res.once('data', (chunk: Buffer) => resolve(chunk.toString())),
    )
    expect(first).toContain('event: ready')
    browser.on('error', () => undefined)
    browser.destroy()
    await closed
    // The proxy carries on.
    expect((await start()).status).toBe(200)
  })

  it('ends an open event stream when the proxy closes, without waiting for it', async () => {
    upstream.setHandler((arrival, res, req) => {
      if (!arrival.url.startsWith('/__admin/events')) return verifyLikeHandler(arrival, res, req)
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('event: ready\ndata: {}\n\n')
    })
    const browser = await openEventStream(proxy.port, '/api/sandbox/__admin/events', {
      host: `localhost:${proxy.port}`,
      accept: 'text/event-stream',
    })
    const ended = new Promise<void>((resolve) => browser.res.once('end', resolve))
    await vi.waitFor(() => expect(browser.text()).toContain('event: ready'), { timeout: 10_000 })
    await proxy.proxy.close()
    await ended
    expect(browser.text()).toBe('event: ready\ndata: {}\n\n')
  })

  it('ends an open event stream of the in-process sandbox when the proxy closes, before the sandbox does', async () => {
    // The in-process sandbox has no connections for the proxy's close to drop: the proxy cuts the
    // stream itself.
    const sandbox = createSandbox({ stateFile: false, logger: { info: () => {}, warn: () => {} } })
    await restartProxy({
      sandbox: {
        upstream: sandboxUpstream(sandbox, 'the embedded sandbox'),
        credentials: sandbox.defaultAccount,
        auth: 'basic',
        searchPerSecond: 50,
      },
    })
    try {
      const browser = await openEventStream(proxy.port, '/api/sandbox/__admin/events', {
        host: `localhost:${proxy.port}`,
        accept: 'text/event-stream',
      })
      let ended = false
      browser.res.once('end', () => (ended = true))
      browser.res.once('error', () => undefined)
      await vi.waitFor(() => expect(browser.text()).toContain(': connected'), { timeout: 10_000 })
      await proxy.proxy.close()
      // That it ends while the sandbox is still open (closed only below), not how soon.
      await eventually(() => expect(ended).toBe(true))
    } finally {
      await sandbox.close()
    }
  })
})
