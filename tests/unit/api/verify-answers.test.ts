import { describe, expect, it } from 'vitest'
import { configureClient } from '@/api/client'
import {
  cancelRequest,
  checkCode,
  searchRequests,
  startPsd2,
  startVerification,
  triggerNextEvent,
} from '@/api/verify'

const ID = 'c5037cb8b47449158ed6611afde58990'
const OTHER = 'cc121958d8fb4368aa3bb762bb9a0f74'

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** Answers every call with `body` (HTTP `status`). */
function answer(body: unknown, status = 200) {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    timeout: 10_000,
    fetch: (async () => json(body, status)) as typeof fetch,
  })
}

const START = { number: '447700900000', brand: 'Acme' }
const PSD2 = { number: '447700900000', payee: 'Shop', amount: '10.00' }

describe('numbers in Verify answers are read as the documented strings', () => {
  it('a start or PSD2 start answered "status": 0 is a success with its request_id', async () => {
    answer({ request_id: ID, status: 0 })
    expect(await startVerification('live', START)).toEqual({ request_id: ID, status: '0' })
    expect(await startPsd2('live', PSD2)).toEqual({ request_id: ID, status: '0' })
  })

  it('a start answered "status": 10 (a number) names the blocking request as status "10"', async () => {
    answer({ request_id: ID, status: 10, error_text: 'Concurrent verifications' })
    expect(await startVerification('live', START)).toEqual({
      request_id: ID,
      status: '10',
      error_text: 'Concurrent verifications',
    })
  })

  it('a check answered with numbers: status, price and estimated price as strings', async () => {
    answer({
      request_id: ID,
      event_id: 'e1',
      status: 0,
      price: 0.1,
      currency: 'EUR',
      estimated_price_messages_sent: 0.0333,
    })
    expect(await checkCode('live', ID, '1234')).toEqual({
      request_id: ID,
      event_id: 'e1',
      status: '0',
      price: '0.1',
      currency: 'EUR',
      estimated_price_messages_sent: '0.0333',
    })
    answer({ request_id: ID, status: 16, error_text: 'The code provided does not match' })
    expect(await checkCode('live', ID, '1234')).toMatchObject({ status: '16' })
  })

  it('control answers: "status": 0 and "status": 19 as strings, for cancel and next event', async () => {
    answer({ status: 0, command: 'cancel' })
    expect(await cancelRequest('live', ID)).toEqual({ status: '0', command: 'cancel' })
    answer({ status: 19, error_text: 'No more events' })
    expect(await triggerNextEvent('live', ID)).toEqual({
      status: '19',
      error_text: 'No more events',
    })
  })

  it('a search of one id: the request, its checks and its events read with strings', async () => {
    answer({
      request_id: ID,
      status: 'IN PROGRESS',
      price: 0,
      estimated_price_messages_sent: 0.0467,
      checks: [{ date_received: '2024-04-03 02:09:59', code: 5700, status: 'INVALID' }],
      events: [{ id: 42, type: 'sms' }],
    })
    const result = await searchRequests('live', [ID])
    expect(result.kind).toBe('found')
    const request = result.kind === 'found' ? result.requests[0] : undefined
    expect(request).toMatchObject({
      request_id: ID,
      price: '0',
      estimated_price_messages_sent: '0.0467',
      checks: [{ code: '5700', status: 'INVALID' }],
      events: [{ id: '42', type: 'sms' }],
    })
  })

  it('a search of several ids: each request of the list read with strings', async () => {
    answer({
      verification_requests: [
        { request_id: ID, status: 'SUCCESS', price: 0.05, checks: [], events: [] },
        { request_id: OTHER, status: 'EXPIRED', price: 0, checks: [], events: [] },
      ],
    })
    const result = await searchRequests('live', [ID, OTHER])
    expect(result).toMatchObject({
      kind: 'found',
      missing: [],
      requests: [
        { request_id: ID, price: '0.05' },
        { request_id: OTHER, price: '0' },
      ],
    })
  })

  it('search errors with a numeric status: 101 is "not found", others keep their code', async () => {
    answer({ status: 101, error_text: 'No response found' })
    expect(await searchRequests('live', [ID])).toEqual({
      kind: 'not_found',
      ids: [ID],
      error_text: 'No response found',
    })
    answer({ status: 5, error_text: 'Internal Error' })
    expect(await searchRequests('live', [ID, OTHER])).toEqual({
      kind: 'error',
      ids: [ID, OTHER],
      status: '5',
      error_text: 'Internal Error',
    })
  })
})

describe('an answer without a status cannot be used: the call may have gone out', () => {
  const bodies: [string, unknown][] = [
    ['{}', {}],
    ['{"error":"gateway"}', { error: 'gateway' }],
    ['an empty status', { status: '' }],
    ['a list', []],
    ['null', null],
  ]

  it.each(bodies)('a start answered %s', async (_, body) => {
    answer(body)
    const error = await startVerification('live', START).catch((e: unknown) => e)
    expect(error).toMatchObject({
      kind: 'bad_response',
      code: 'unusable_answer',
      environment: 'live',
    })
    expect((error as Error).message).toMatch(/^Vonage answered without a status/)
  })

  it('names what was answered, and the sandbox when it answered', async () => {
    answer({ error: 'gateway' })
    await expect(startPsd2('sandbox', PSD2)).rejects.toMatchObject({
      code: 'unusable_answer',
      environment: 'sandbox',
      message:
        'The sandbox answered without a status, so the answer says neither that the call went through nor why not: {"error":"gateway"}',
    })
  })

  it('a check, a cancel, a next event and a search answered {} are failures, not answers', async () => {
    answer({})
    for (const call of [
      () => checkCode('live', ID, '1234'),
      () => cancelRequest('live', ID),
      () => triggerNextEvent('live', ID),
      () => searchRequests('live', [ID]),
      () => searchRequests('live', [ID, OTHER]),
    ]) {
      await expect(call()).rejects.toMatchObject({ kind: 'bad_response', code: 'unusable_answer' })
    }
  })
})

describe('a start accepted without a usable request_id cannot be used: a code may have gone out', () => {
  it.each([
    ['REQ-123', { request_id: 'REQ-123', status: '0' }],
    ['x', { request_id: 'x', status: 0 }],
    [`${ID}0 (33 characters)`, { request_id: `${ID}0`, status: '0' }],
  ])('status 0 with the request_id %s: thrown, naming the id given', async (_, body) => {
    answer(body)
    const error = await startVerification('live', START).catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'bad_response', code: 'unusable_answer' })
    expect((error as Error).message).toContain(`the request_id "${body.request_id}"`)
    expect((error as Error).message).toContain('a code may have been sent')
  })

  it('status 0 without a request_id, on PSD2 too', async () => {
    answer({ status: '0' })
    await expect(startPsd2('live', PSD2)).rejects.toMatchObject({
      code: 'unusable_answer',
      message: expect.stringContaining('Vonage accepted the start (status 0) with no request_id'),
    })
  })

  it('an upper-case request_id of 32 hexadecimal characters is a request_id', async () => {
    answer({ request_id: ID.toUpperCase(), status: '0' })
    expect(await startVerification('live', START)).toEqual({
      request_id: ID.toUpperCase(),
      status: '0',
    })
  })
})

describe('a Verify answer sent with an HTTP error status is the upstream answer, not a failure', () => {
  it('a start answered HTTP 500 status 5: returned with its status, text and the 500', async () => {
    answer({ status: '5', error_text: 'Internal Error' }, 500)
    expect(await startVerification('live', START)).toEqual({
      status: '5',
      error_text: 'Internal Error',
      httpStatus: 500,
    })
  })

  it('a start answered HTTP 409 status 10 names the blocking request', async () => {
    answer({ request_id: ID, status: 10, error_text: 'Concurrent verifications' }, 409)
    expect(await startPsd2('live', PSD2)).toEqual({
      request_id: ID,
      status: '10',
      error_text: 'Concurrent verifications',
      httpStatus: 409,
    })
  })

  it('check, control and search answers too', async () => {
    answer({ status: '5', error_text: 'Internal Error' }, 503)
    expect(await checkCode('live', ID, '1234')).toMatchObject({ status: '5', httpStatus: 503 })
    expect(await cancelRequest('live', ID)).toMatchObject({ status: '5', httpStatus: 503 })
    expect(await searchRequests('live', [ID])).toEqual({
      kind: 'error',
      ids: [ID],
      status: '5',
      error_text: 'Internal Error',
      httpStatus: 503,
    })
    answer({ status: '101', error_text: 'No response found' }, 404)
    expect(await searchRequests('live', [ID])).toMatchObject({ kind: 'not_found', httpStatus: 404 })
  })

  it('a JSON answer without a status under HTTP 502: unusable, with the 502', async () => {
    answer({ error: 'gateway' }, 502)
    await expect(startVerification('live', START)).rejects.toMatchObject({
      kind: 'bad_response',
      code: 'unusable_answer',
      httpStatus: 502,
    })
  })

  it("the proxy's own error body stays the proxy's failure", async () => {
    answer({ error: { code: 'upstream_timeout', message: 'No answer.', delivery: 'maybe' } }, 504)
    await expect(startVerification('live', START)).rejects.toMatchObject({
      kind: 'proxy',
      code: 'upstream_timeout',
      httpStatus: 504,
    })
  })
})

describe('a search answer is read by its status, whatever other fields it carries', () => {
  const inProgress = (id: string, extra: object = {}) => ({
    request_id: id,
    status: 'IN PROGRESS',
    number: '447700900000',
    checks: [],
    events: [],
    ...extra,
  })

  it.each([
    ['error_text: ""', { error_text: '' }],
    ['error_text: null', { error_text: null }],
    ['an unknown field', { comment: 'added upstream' }],
  ])('list entries with %s are requests, none of them missing', async (_, extra) => {
    answer({ verification_requests: [inProgress(ID, extra), inProgress(OTHER, extra)] })
    expect(await searchRequests('live', [ID, OTHER])).toMatchObject({
      kind: 'found',
      missing: [],
      requests: [
        { request_id: ID, status: 'IN PROGRESS' },
        { request_id: OTHER, status: 'IN PROGRESS' },
      ],
    })
  })

  it('a single request with error_text: "" is the request, not an error', async () => {
    answer(inProgress(ID, { error_text: '' }))
    expect(await searchRequests('live', [ID])).toMatchObject({
      kind: 'found',
      missing: [],
      requests: [{ request_id: ID, status: 'IN PROGRESS' }],
    })
  })

  it('fields of the list answer besides the list are not looked at', async () => {
    answer({ status: 'BLOCKED', verification_requests: [inProgress(ID)] })
    expect(await searchRequests('live', [ID, OTHER])).toMatchObject({
      kind: 'found',
      requests: [{ request_id: ID }],
      missing: [OTHER],
    })
  })

  it('a numeric status is an error, even with a request_id or an empty list beside it', async () => {
    answer({ request_id: ID, status: '101', error_text: 'No response found' })
    expect(await searchRequests('live', [ID])).toEqual({
      kind: 'not_found',
      ids: [ID],
      error_text: 'No response found',
    })
    answer({ status: 1, error_text: 'Throttled', verification_requests: [] })
    expect(await searchRequests('live', [ID, OTHER])).toEqual({
      kind: 'error',
      ids: [ID, OTHER],
      status: '1',
      error_text: 'Throttled',
    })
  })

  it('a list entry with a status code is not a request: its id is missing', async () => {
    answer({
      verification_requests: [inProgress(ID), { request_id: OTHER, status: '101', error_text: '' }],
    })
    expect(await searchRequests('live', [ID, OTHER])).toMatchObject({
      kind: 'found',
      requests: [{ request_id: ID }],
      missing: [OTHER],
    })
  })

  it('a request status without a request_id is unusable, not a search error "IN PROGRESS"', async () => {
    answer({ status: 'IN PROGRESS', error_text: '' })
    await expect(searchRequests('live', [ID])).rejects.toMatchObject({
      kind: 'bad_response',
      code: 'unusable_answer',
      message: expect.stringContaining('neither a request nor an error status code'),
    })
  })
})

describe('a request status search wrote otherwise than documented', () => {
  const request = (status: string) => ({ request_id: ID, status, checks: [], events: [] })

  it.each(['in progress', ' In  Progress ', 'In\tprogress'])(
    '%j differs only in case and spacing: read as IN PROGRESS',
    async (status) => {
      answer(request(status))
      expect(await searchRequests('live', [ID])).toMatchObject({
        kind: 'found',
        requests: [{ request_id: ID, status: 'IN PROGRESS' }],
      })
    },
  )

  it.each(['BLOCKED', 'IN_PROGRESS', 'Pending review'])(
    'any other status (%j) is a found request, its status kept as written',
    async (status) => {
      answer({ verification_requests: [request(status)] })
      expect(await searchRequests('live', [ID, OTHER])).toMatchObject({
        kind: 'found',
        requests: [{ request_id: ID, status }],
        missing: [OTHER],
      })
    },
  )
})
