/**
 * What the proxy makes of a body: bytes that are not UTF-8 are refused before anything is sent,
 * and a multipart form (curl -F, Postman's form-data) goes on as an urlencoded form.
 */
import { describe, expect, it } from 'vitest'
import {
  LIVE,
  SANDBOX,
  basic,
  call,
  environmentOn,
  errorOf,
  expectBodyRefused,
  postAs,
  upstreamAndProxyForEachTest,
} from './support'

const { upstream, proxy, restartProxy } = upstreamAndProxyForEachTest()

const latin1 = (text: string) => Buffer.from(text, 'latin1')

/** A multipart/form-data body of text fields (and files), as curl -F builds it. */
function multipart(
  parts: { name: string; value: string | Buffer; filename?: string }[],
  boundary = '------------------------d74496d66958873e',
): { headers: Record<string, string>; body: Buffer } {
  const chunks: Buffer[] = []
  for (const part of parts) {
    const file = part.filename ? `; filename="${part.filename}"\r\nContent-Type: text/plain` : ''
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${file}\r\n\r\n`,
      ),
      Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value, 'utf8'),
      Buffer.from('\r\n'),
    )
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat(chunks),
  }
}

/** POSTs these parts to the proxy as a multipart/form-data body. */
const postMultipart = (path: string, parts: Parameters<typeof multipart>[0]) =>
  call(proxy.port, path, { method: 'POST', ...multipart(parts) })

describe('a body that is not UTF-8', () => {
  it.each([
    ['a form', 'application/x-www-form-urlencoded', 'number=447700903901&brand=Caf\xe9'],
    ['JSON', 'application/json', '{"number":"447700903901","brand":"Caf\xe9"}'],
  ])('%s with a Latin-1 byte is refused with 415 and not sent', async (_, type, text) => {
    const res = await postAs(proxy.port, '/api/sandbox/verify/json', type, latin1(text))
    expectBodyRefused(res, upstream, expect.stringMatching(/^The request body is not UTF-8/))
  })

  it('a UTF-8 body goes on byte for byte', async () => {
    const body = Buffer.from('number=447700903901&brand=Caf\u00e9', 'utf8')
    const res = await postAs(
      proxy.port,
      '/api/sandbox/verify/json',
      'application/x-www-form-urlencoded',
      body,
    )
    expect(res.status).toBe(200)
    expect(upstream.arrivals[0]?.body).toBe('number=447700903901&brand=Caf\u00e9')
  })

  it('a form declaring ISO-8859-1 keeps its own refusal', async () => {
    const res = await postAs(
      proxy.port,
      '/api/live/verify/json',
      'application/x-www-form-urlencoded; charset=ISO-8859-1',
      latin1('number=1&brand=Caf\xe9'),
    )
    expect(res.status).toBe(415)
    expect(errorOf(res).message).toMatch(/^Send the parameters as JSON/)
  })
})

describe('a multipart/form-data body', () => {
  it('goes on as an urlencoded form with Basic credentials, the browser credentials dropped', async () => {
    const res = await postMultipart('/api/live/verify/json', [
      { name: 'number', value: '447700900000' },
      { name: 'brand', value: 'Café & Co' },
      { name: 'api_secret', value: 'from-the-browser' },
    ])
    expect(res.status).toBe(200)
    const arrival = upstream.arrivals[0]
    expect(arrival?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(arrival?.headers.authorization).toBe(basic(LIVE))
    expect(Object.fromEntries(new URLSearchParams(arrival?.body))).toEqual({
      number: '447700900000',
      brand: 'Café & Co',
    })
  })

  it('carries the credentials as form parameters in params mode', async () => {
    await restartProxy({
      sandbox: environmentOn(upstream.url, SANDBOX, { auth: 'params' }),
    })
    const res = await postMultipart('/api/sandbox/verify/check/json', [
      { name: 'request_id', value: 'abcdef0123456789abcdef0123456789' },
      { name: 'code', value: '1234' },
    ])
    expect(res.status).toBe(200)
    const arrival = upstream.arrivals[0]
    expect(arrival?.headers.authorization).toBeUndefined()
    expect(arrival?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(arrival?.body))).toEqual({
      request_id: 'abcdef0123456789abcdef0123456789',
      code: '1234',
      api_key: SANDBOX.apiKey,
      api_secret: SANDBOX.apiSecret,
    })
  })

  it('with a file part forwards the file’s text, as the sandbox reads it', async () => {
    const res = await postMultipart('/api/live/verify/json', [
      { name: 'number', value: '447700900000' },
      { name: 'brand', value: 'Café', filename: 'brand.txt' },
      { name: 'api_secret', value: 'from-a-file', filename: 'secret.txt' },
    ])
    expect(res.status).toBe(200)
    const arrival = upstream.arrivals[0]
    expect(arrival?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(arrival?.headers.authorization).toBe(basic(LIVE))
    // Credentials in a file part are dropped as in a text field.
    expect(Object.fromEntries(new URLSearchParams(arrival?.body))).toEqual({
      number: '447700900000',
      brand: 'Café',
    })
  })

  it('with a file part that is not UTF-8 is refused with 415 and not sent', async () => {
    const res = await postMultipart('/api/live/verify/json', [
      { name: 'number', value: '447700900000' },
      { name: 'brand', value: Buffer.from([0x43, 0x61, 0x66, 0xe9, 0xff]), filename: 'brand.bin' },
    ])
    expect(res.status).toBe(415)
    expect(errorOf(res).message).toMatch(/^The request body is not UTF-8/)
    expect(upstream.arrivals).toHaveLength(0)
  })

  it('that is broken (no closing boundary) is refused with 415 and not sent', async () => {
    const res = await postAs(
      proxy.port,
      '/api/live/verify/json',
      'multipart/form-data; boundary=abc',
      '--abc\r\nContent-Disposition: form-data; name="number"\r\n\r\n4477',
    )
    expectBodyRefused(
      res,
      upstream,
      expect.stringMatching(/^The multipart\/form-data body could not be read/),
    )
  })

  it('with a field that is not UTF-8 is refused with 415', async () => {
    const res = await postMultipart('/api/live/verify/json', [
      { name: 'number', value: '447700900000' },
      { name: 'brand', value: latin1('Caf\xe9') },
    ])
    expect(res.status).toBe(415)
    expect(errorOf(res).message).toMatch(/^The request body is not UTF-8/)
    expect(upstream.arrivals).toHaveLength(0)
  })
})

describe('a JSON body', () => {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf])
  const start = {
    number: '447700900001',
    brand: 'Acme',
    api_key: 'other',
    api_secret: 'other-secret',
  }

  it('starting with a byte order mark goes on without the browser credentials', async () => {
    const res = await postAs(
      proxy.port,
      '/api/sandbox/verify/json',
      'application/json',
      Buffer.concat([BOM, Buffer.from(JSON.stringify(start))]),
    )
    expect(res.status).toBe(200)
    const [arrival] = upstream.arrivals
    expect(arrival?.headers.authorization).toBe(basic(SANDBOX))
    expect(JSON.parse(arrival?.body ?? '')).toEqual({ number: '447700900001', brand: 'Acme' })
    expect(proxy.lines.join('\n')).toContain('browser_credentials=dropped')
  })

  it.each([
    ['cut short', '{"number":"447700900001","api_key":"other","api_secret":"other-secret"'],
    ['with a trailing comma', '{"number":"447700900001","api_secret":"other-secret",}'],
    ['after two byte order marks', '\uFEFF\uFEFF{"api_key":"other","api_secret":"other-secret"}'],
  ])('that cannot be parsed (%s) is refused with 415 and not sent', async (_, body) => {
    const res = await postAs(proxy.port, '/api/live/verify/json', 'application/json', body)
    expectBodyRefused(
      res,
      upstream,
      expect.stringMatching(/^The JSON body could not be parsed .*status 999/),
    )
  })

  it('that is empty goes on for the upstream to answer (nothing in it to strip)', async () => {
    const res = await postAs(
      proxy.port,
      '/api/live/verify/json?number=447700900001&brand=Acme',
      'application/json',
      '',
    )
    expect(res.status).toBe(200)
    expect(upstream.arrivals).toHaveLength(1)
  })
})
