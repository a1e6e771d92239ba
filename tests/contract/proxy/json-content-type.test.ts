import { describe, expect, it } from 'vitest'
import { call, errorOf, postJson, upstreamAndProxyForEachTest } from './support'

// A Verify answer is JSON whatever its Content-Type says: Vonage's own XML answers come labelled
// text/plain, and a gateway may drop or rewrite the header. A JSON endpoint's answer that is a JSON
// object reaches the dashboard as the API's answer (its status, its request_id), labelled JSON; only
// an answer that is not JSON at all is the proxy's "something other than JSON".
const { upstream, proxy } = upstreamAndProxyForEachTest()

const STARTED = '{"request_id":"abcdef0123456789abcdef0123456789","status":"0"}'

describe('a JSON answer whose Content-Type does not say JSON', () => {
  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['text/plain with a charset', { 'content-type': 'text/plain; charset=UTF-8' }],
    ['no Content-Type', {}],
  ])('passes a start answered with %s on as the API answer', async (_kind, headers) => {
    upstream.answerWith(200, { headers, body: STARTED })
    const res = await postJson(proxy.port, '/api/live/verify/json', {
      number: '447700900000',
      brand: 'Acme',
    })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ request_id: 'abcdef0123456789abcdef0123456789', status: '0' })
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(proxy.lines.at(-1)).toMatch(
      /endpoint=request method=POST http=200 status="0" request_id=abcdef0123456789abcdef0123456789 /,
    )
  })

  it('passes a verified check on, so the agent is not told to look it up', async () => {
    const verified = {
      request_id: 'abcdef0123456789abcdef0123456789',
      event_id: '0A00000012345678',
      status: '0',
      price: '0.10000000',
      currency: 'EUR',
    }
    upstream.answerWith(200, {
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(verified),
    })
    const res = await postJson(proxy.port, '/api/live/verify/check/json', {
      request_id: 'abcdef0123456789abcdef0123456789',
      code: '1234',
    })
    expect(res.status).toBe(200)
    expect(res.json()).toEqual(verified)
  })

  it('still refuses a text/plain answer that is not JSON', async () => {
    upstream.answerWith(200, {
      headers: { 'content-type': 'text/plain' },
      body: 'Service temporarily unavailable',
    })
    const res = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(res.status).toBe(502)
    expect(errorOf(res)).toMatchObject({
      code: 'upstream_bad_response',
      message: expect.stringContaining(
        'answered with something other than JSON (HTTP 200, text/plain): "Service temporarily unavailable".',
      ),
    })
  })
})
