import { describe, expect, it } from 'vitest'
import { call, errorOf, postJson, upstreamAndProxyForEachTest } from './support'

// An upstream that answers a redirect (a VONAGE_API_HOST that is not the API host itself, a
// captive portal, a moved host) processed nothing: the proxy follows no redirect (the credentials
// would go to another host) and says so, instead of "the call may have been processed".
const { upstream, proxy } = upstreamAndProxyForEachTest()

const moved = (status: number) =>
  upstream.answerWith(status, {
    headers: { 'content-type': 'text/html', location: 'https://www.example.com/verify/json' },
    body: '<html><body>Moved</body></html>',
  })

describe('an upstream that answers with a redirect', () => {
  it.each([301, 302, 307, 308])(
    'answers a start redirected with HTTP %i: not processed, check VONAGE_API_HOST',
    async (status) => {
      moved(status)
      const res = await postJson(proxy.port, '/api/live/verify/json', {
        number: '447700900000',
        brand: 'Acme',
      })
      expect(res.status).toBe(502)
      expect(errorOf(res)).toEqual({
        code: 'upstream_bad_response',
        message:
          `The Vonage API (${upstream.url}) answered with a redirect (HTTP ${status}) instead of ` +
          'an answer to the call, so nothing was processed. Whoever runs this server should check ' +
          'VONAGE_API_HOST: it names the API host itself, such as https://api.nexmo.com.',
        delivery: 'not_sent',
      })
      expect(upstream.arrivals).toHaveLength(1)
      expect(proxy.lines.at(-1)).toMatch(/endpoint=request method=POST http=502 .*not_sent/)
    },
  )

  it('says the same of a check (no attempt used) and of an XML search', async () => {
    moved(302)
    const check = await postJson(proxy.port, '/api/live/verify/check/json', {
      request_id: 'r1',
      code: '1234',
    })
    expect(errorOf(check)).toMatchObject({
      code: 'upstream_bad_response',
      delivery: 'not_sent',
      message: expect.stringContaining('answered with a redirect (HTTP 302)'),
    })
    const search = await call(proxy.port, '/api/live/verify/search/xml?request_id=r1')
    expect(search.status).toBe(502)
    expect(errorOf(search)).toMatchObject({ code: 'upstream_bad_response', delivery: 'not_sent' })
  })
})
