/**
 * What the dashboard says about a live answer the proxy passes on or words itself, end to end: an
 * upstream double on 127.0.0.1, the proxy over HTTP, the API client and the dashboard's texts.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { ApiError, configureClient } from '@/api/client'
import { checkCode, startVerification } from '@/api/verify'
import { answerNextStep, describeFailure } from '@/utils/call-failure'
import { statusInfo } from '@contract/status'
import { liveWatchingAnswers, upstreamAndProxyForEachTest } from './support'

// The generous default time limit: a busy machine must not turn these answers into a 504.
const { upstream, proxy, restartProxy } = upstreamAndProxyForEachTest()

/** The dashboard's API client calls the proxy running now. */
const useProxy = () =>
  configureClient({ prefixUrl: `${proxy.origin}/api`, fetch: globalThis.fetch })

beforeEach(useProxy)

const REQUEST_ID = 'abcdef0123456789abcdef0123456789'
const throttled = { status: '1', error_text: 'Throttled' }
const start = () => startVerification('live', { number: '447700900000', brand: 'Acme' })
const check = () => checkCode('live', REQUEST_ID, '4817')

async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}

describe('a throttled answer (status 1), as the dashboard words it', () => {
  it('says how long to wait when the answer came with Retry-After', async () => {
    upstream.answerWith(200, {
      headers: { 'content-type': 'application/json', 'retry-after': '7' },
      body: JSON.stringify(throttled),
    })
    const started = await start()
    expect(started).toEqual({ ...throttled, retryAfter: 7 })
    expect(answerNextStep(started, statusInfo(started.status, 'request').nextStep, 'start')).toBe(
      'Wait 7 s, then send it again.',
    )
    const checked = await check()
    expect(checked).toEqual({ ...throttled, retryAfter: 7 })
    expect(answerNextStep(checked, statusInfo(checked.status, 'check').nextStep, 'check')).toBe(
      'Wait 7 s, then check the code again.',
    )
  })

  it('keeps its usual next step without Retry-After', async () => {
    upstream.answerWith(200, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(throttled),
    })
    const started = await start()
    expect(started).toEqual(throttled)
    expect(answerNextStep(started, statusInfo(started.status, 'request').nextStep, 'start')).toBe(
      'Wait a second and send it again.',
    )
  })
})

describe('an answer that began, then was lost, as the dashboard words it', () => {
  beforeEach(async () => {
    const live = liveWatchingAnswers(upstream.url)
    await restartProxy({ live: live.environment })
    useProxy()
    upstream.setHandler((_arrival, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' })
      res.write(`{"request_id":"${REQUEST_ID}",`)
      // Reset once the proxy has read the answer's head (a timer could reset before it is read).
      void live.headRead().then(() => res.socket?.resetAndDestroy())
    })
  })

  it('a start: processed, answer lost, and it may have gone out', async () => {
    const error = await failureOf(start())
    expect(error).toMatchObject({
      code: 'upstream_unreachable',
      httpStatus: 502,
      delivery: 'maybe',
    })
    expect(error.message).toMatch(
      /began to answer \(HTTP 200\), then dropped the connection \(ECONNRESET\): the call reached Vonage and was processed, but its answer was lost\./,
    )
    const view = describeFailure('start', error)
    expect(view.heading).toBe('The start may have gone out')
    expect(view.nextStep).toContain('Vonage answers status 10')
    expect(upstream.arrivals).toHaveLength(1)
  })

  it('a check: processed, answer lost, and the code may have been checked', async () => {
    const error = await failureOf(check())
    expect(error).toMatchObject({
      code: 'upstream_unreachable',
      httpStatus: 502,
      delivery: 'maybe',
    })
    expect(error.message).toContain('the call reached Vonage and was processed')
    expect(describeFailure('check', error).nextStep).toBe(
      'The code may have been checked: refresh the request and look at its status before entering the code again.',
    )
    expect(upstream.arrivals).toHaveLength(1)
  })
})
