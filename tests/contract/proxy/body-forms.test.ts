/** What the proxy makes of a body: bytes that are not UTF-8 are refused before anything is sent. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { call, errorOf, startProxy, startUpstream } from './support'

let upstream: Awaited<ReturnType<typeof startUpstream>>
let proxy: Awaited<ReturnType<typeof startProxy>>

beforeEach(async () => {
  upstream = await startUpstream()
  proxy = await startProxy(upstream.url)
})
afterEach(async () => {
  await proxy.close()
  await upstream.close()
})

const latin1 = (text: string) => Buffer.from(text, 'latin1')

describe('a body that is not UTF-8', () => {
  it.each([
    ['a form', 'application/x-www-form-urlencoded', 'number=447700903901&brand=Caf\xe9'],
    ['JSON', 'application/json', '{"number":"447700903901","brand":"Caf\xe9"}'],
  ])('%s with a Latin-1 byte is refused with 415 and not sent', async (_, type, text) => {
    const res = await call(proxy.port, '/api/sandbox/verify/json', {
      method: 'POST',
      headers: { 'content-type': type },
      body: latin1(text),
    })
    expect(res.status).toBe(415)
    expect(errorOf(res)).toEqual({
      code: 'unsupported_media_type',
      message: expect.stringMatching(/^The request body is not UTF-8/),
    })
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('a UTF-8 body goes on byte for byte', async () => {
    const body = Buffer.from('number=447700903901&brand=Caf\u00e9', 'utf8')
    const res = await call(proxy.port, '/api/sandbox/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    })
    expect(res.status).toBe(200)
    expect(upstream.arrivals[0]?.body).toBe('number=447700903901&brand=Caf\u00e9')
  })

  it('a form declaring ISO-8859-1 keeps its own refusal', async () => {
    const res = await call(proxy.port, '/api/live/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=ISO-8859-1' },
      body: latin1('number=1&brand=Caf\xe9'),
    })
    expect(res.status).toBe(415)
    expect(errorOf(res).message).toMatch(/^Send the parameters as JSON/)
  })
})
