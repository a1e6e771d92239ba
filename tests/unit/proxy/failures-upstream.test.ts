import { describe, expect, it } from 'vitest'
import {
  badAnswer,
  failureAnswer,
  upstreamName,
  type Upstreamish,
} from '../../../server/proxy/failures'
import { QueueFullError, QueueTimeoutError } from '../../../server/proxy/limiter'
import {
  TOO_LARGE,
  UpstreamNetworkError,
  UpstreamTimeoutError,
} from '../../../server/proxy/upstream'

// Named as the proxy's runtime names them.
const SANDBOX: Upstreamish = {
  environment: 'sandbox',
  name: upstreamName('sandbox', 'the sandbox'),
}
const LIVE: Upstreamish = {
  environment: 'live',
  name: upstreamName('live', 'https://api.nexmo.com'),
}
const LIMITS = { timeoutMs: 15_000, maxQueueWaitMs: 10_000 }
const ENDPOINTS = ['request', 'psd2', 'check', 'control', 'search', 'search.xml', 'admin']

function failures() {
  return [
    new UpstreamTimeoutError(true),
    new UpstreamTimeoutError(false),
    new UpstreamNetworkError('reset', 'ECONNRESET'),
    new UpstreamNetworkError('reset', 'ECONNRESET', 200),
    new UpstreamNetworkError('refused', 'ECONNREFUSED'),
    new UpstreamNetworkError('too large', TOO_LARGE),
    new QueueFullError('sandbox upstream'),
    new QueueTimeoutError('sandbox upstream'),
  ]
}

const answer = { status: 502, contentType: 'text/html', body: Buffer.from('<html>') }

describe('the proxy failure messages name the upstream of the environment', () => {
  it('never blame Vonage (or its settings) for a call to the embedded sandbox', () => {
    for (const endpoint of ENDPOINTS) {
      for (const error of failures()) {
        const message = failureAnswer(error, SANDBOX, endpoint, LIMITS)?.message
        expect(message, `${endpoint} ${error.name}`).toEqual(expect.any(String))
        expect(message, `${endpoint} ${error.name}`).not.toMatch(/Vonage|VONAGE/)
      }
      const bad = badAnswer(SANDBOX, endpoint, answer, '<html>', 'with an error page').message
      expect(bad, endpoint).not.toMatch(/Vonage|VONAGE/)
    }
  })

  it('say the sandbox answers status 10 to a start sent again', () => {
    const timeout = failureAnswer(new UpstreamTimeoutError(true), SANDBOX, 'request', LIMITS)
    expect(timeout?.message).toBe(
      'The embedded sandbox did not answer within 15 s. The call may still have been processed and a code sent. Sending it again with the same number is safe: if the first one went through, the sandbox answers status 10 with its request_id instead of sending a second code.',
    )
    const queued = failureAnswer(new QueueFullError('sandbox upstream'), SANDBOX, 'check', LIMITS)
    expect(queued?.message).toMatch(
      /^Too many calls are already waiting for the sandbox's rate limit/,
    )
  })

  it('name an upstream that is not known as the live one, without its address', () => {
    const timeout = failureAnswer(new UpstreamTimeoutError(true), undefined, 'request', LIMITS)
    expect(timeout?.message).toMatch(/^The upstream did not answer within 15 s\./)
    expect(timeout?.message).toMatch(/if the first one went through, Vonage answers status 10/)
  })

  it('keep the live texts', () => {
    const timeout = failureAnswer(new UpstreamTimeoutError(true), LIVE, 'request', LIMITS)
    expect(timeout?.message).toMatch(/if the first one went through, Vonage answers status 10/)
    const queued = failureAnswer(new QueueTimeoutError('live upstream'), LIVE, 'check', LIMITS)
    expect(queued?.message).toMatch(
      /for its turn under the Vonage API rate limit and was withdrawn/,
    )
    expect(badAnswer(LIVE, 'search', answer, '<html>', 'with an error page').message).toMatch(
      /A search changes nothing, so it can safely be tried again; if this persists, check VONAGE_API_HOST\.$/,
    )
    const large = failureAnswer(new UpstreamNetworkError('x', TOO_LARGE), LIVE, 'search', LIMITS)
    expect(large?.message).toMatch(/Check VONAGE_API_HOST\.$/)
  })
})

describe('an answer that began, then was lost', () => {
  const lost = new UpstreamNetworkError('other side closed', 'ECONNRESET', 200)

  it('says the call reached the upstream and was processed, and what to do for each endpoint', () => {
    const texts = Object.fromEntries(
      ENDPOINTS.map((endpoint) => [endpoint, failureAnswer(lost, LIVE, endpoint, LIMITS)]),
    )
    for (const [endpoint, error] of Object.entries(texts)) {
      // The dashboard reads a lost answer as one that may have gone through.
      expect(error, endpoint).toMatchObject({
        status: 502,
        code: 'upstream_unreachable',
        delivery: 'maybe',
      })
      expect(error?.message, endpoint).toMatch(
        /^The Vonage API \(https:\/\/api\.nexmo\.com\) began to answer \(HTTP 200\), then dropped the connection \(ECONNRESET\): the call reached Vonage and was processed, but its answer was lost\. /,
      )
      expect(error?.message, endpoint).not.toMatch(/before answering|may still have been processed/)
    }
    expect(texts.request?.message).toContain(
      'Sending it again with the same number is safe: if it did, Vonage answers status 10',
    )
    expect(texts.check?.message).toContain('look the request up before entering the code again')
    expect(texts.control?.message).toContain('look the request up before sending it again')
    expect(texts.search?.message).toContain('Try again in a moment.')
  })

  it('names the sandbox, and keeps the reset before any answer as it was', () => {
    expect(failureAnswer(lost, SANDBOX, 'request', LIMITS)?.message).toMatch(
      /^The embedded sandbox began to answer \(HTTP 200\), then dropped the connection \(ECONNRESET\): the call reached the sandbox and was processed, but its answer was lost\. .*the sandbox answers status 10/,
    )
    const early = new UpstreamNetworkError('reset', 'ECONNRESET')
    expect(failureAnswer(early, LIVE, 'check', LIMITS)?.message).toMatch(
      /dropped the connection before answering \(ECONNRESET\)\. The check may still have been processed/,
    )
  })

  // A refusal (401, 429) was not processed; a 5xx, often from a load balancer, may not have been.
  it.each([401, 429, 503])(
    'says only that an HTTP %i answer may have run, never that it was processed',
    (status) => {
      const dropped = new UpstreamNetworkError('r', 'ECONNRESET', status)
      for (const endpoint of ENDPOINTS) {
        const error = failureAnswer(dropped, LIVE, endpoint, LIMITS)
        expect(error, endpoint).toMatchObject({
          status: 502,
          code: 'upstream_unreachable',
          delivery: 'maybe',
        })
        expect(error?.message, endpoint).not.toMatch(/was processed|reached Vonage/)
        expect(error?.message, endpoint).toContain(
          `began to answer (HTTP ${status}), then dropped the connection (ECONNRESET).`,
        )
      }
      expect(failureAnswer(dropped, LIVE, 'check', LIMITS)?.message).toContain(
        'The check may still have been processed (using up one of the attempts',
      )
      expect(failureAnswer(dropped, LIVE, 'request', LIMITS)?.message).toContain(
        'if the first one went through, Vonage answers status 10',
      )
    },
  )

  it('says a 2xx answer that dropped was processed', () => {
    for (const status of [200, 204]) {
      const dropped = new UpstreamNetworkError('r', 'ECONNRESET', status)
      expect(failureAnswer(dropped, LIVE, 'check', LIMITS)?.message).toMatch(/was processed/)
    }
  })
})
