import { describe, expect, it } from 'vitest'
import { call, errorOf, json, postJson, upstreamAndProxyForEachTest } from './support'

// An upstream that asks to wait 0 s (`Retry-After: 0`) gets no immediate repeat from a browser:
// the proxy passes on a wait of at least 1 s, in its header and in the message a user reads.
const { upstream, proxy } = upstreamAndProxyForEachTest()

describe('a Retry-After of 0 from the upstream', () => {
  it('becomes 1 s on an HTTP 429, in the header and the message', async () => {
    upstream.answerWith(429, {
      headers: { 'content-type': 'application/json', 'retry-after': '0' },
      body: '{"title":"Too Many Requests"}',
    })
    const res = await postJson(proxy.port, '/api/live/verify/json', {
      number: '447700900000',
      brand: 'Acme',
    })
    expect(res.status).toBe(429)
    expect(res.headers['retry-after']).toBe('1')
    expect(errorOf(res).message).toMatch(/send it again in 1 s\.$/)
  })

  it('becomes 1 s on a throttled answer (status 1)', async () => {
    const throttled = json({ status: '1', error_text: 'Throttled' })
    upstream.answerWith(200, {
      ...throttled,
      headers: { ...throttled.headers, 'retry-after': '0' },
    })
    const res = await call(proxy.port, '/api/live/verify/search/json?request_id=r1')
    expect(res.status).toBe(200)
    expect(res.json()).toEqual({ status: '1', error_text: 'Throttled' })
    expect(res.headers['retry-after']).toBe('1')
  })
})
