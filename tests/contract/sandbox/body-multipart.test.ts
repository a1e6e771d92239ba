import { describe, expect, it } from 'vitest'
import { postBody, raw, type Body } from './support/http'
import {
  admin,
  brandOf,
  messages,
  sandboxForAllTests,
  startSandbox,
  uniqueNumber,
} from './support/sandbox'
import { UNPARSEABLE_MULTIPART } from './support/texts'

// multipart/form-data bodies (curl -F, Postman's default), under the same size limit as any other.
const sb = sandboxForAllTests()

describe('a multipart/form-data body', () => {
  /** The body and content type a client sends for a FormData (a boundary of its own). */
  async function multipart(fields: Record<string, string | Blob>) {
    const form = new FormData()
    for (const [k, v] of Object.entries(fields)) form.append(k, v)
    const encoded = new Response(form)
    const type = encoded.headers.get('content-type') as string
    return { type, body: Buffer.from(await encoded.arrayBuffer()) }
  }

  it('starts and checks a verification sent as curl -F sends it', async () => {
    const start = await multipart({ ...sb.creds, number: uniqueNumber(), brand: 'Café' })
    expect(start.type).toMatch(/^multipart\/form-data; boundary=/)
    const started = await postBody(sb.base, '/verify/json', start.type, start.body)
    expect(started.body).toEqual({ request_id: expect.any(String), status: '0' })
    expect(await brandOf(sb.base, started.body.request_id)).toBe('Café')
    const [sms] = await messages(sb.base, String(started.body.request_id))
    const check = await multipart({
      ...sb.creds,
      request_id: String(started.body.request_id),
      code: sms?.pin ?? '',
    })
    expect(
      (await postBody(sb.base, '/verify/check/json', check.type, check.body)).body,
    ).toMatchObject({
      request_id: started.body.request_id,
      status: '0',
    })
  })

  it('reads it sent by fetch as Postman sends it, query and Basic credentials alongside', async () => {
    const form = new FormData()
    form.append('number', uniqueNumber())
    form.append('brand', new Blob(['Acme']), 'brand.txt')
    const res = await fetch(`${sb.base}/verify/json?lg=de-de`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${sb.key}:${sb.secret}`)}` },
      body: form,
    })
    const body = (await res.json()) as Body
    expect(body.status).toBe('0')
    const request = (await admin(sb.base, `/requests/${String(body.request_id)}`)) as Body
    expect(request).toMatchObject({ brand: 'Acme', lg: 'de-de' })
  })

  it('answers a broken multipart body with status 999', async () => {
    const res = await postBody(
      sb.base,
      '/verify/json',
      'multipart/form-data; boundary=zzz',
      `--zzz\r\ncontent-disposition: form-data; name="brand"\r\n\r\nAcme`,
    )
    expect(res.body).toEqual({ status: '999', error_text: UNPARSEABLE_MULTIPART })
  })

  it('holds it to the body limit like any other body (HTTP 413)', async () => {
    const small = await startSandbox({ bodyLimit: 1024 })
    try {
      const big = await multipart({ ...sb.creds, number: uniqueNumber(), brand: 'x'.repeat(2000) })
      const res = await raw(small.base, {
        method: 'POST',
        path: '/verify/json',
        headers: { 'content-type': big.type },
        body: big.body,
      })
      expect(res.status).toBe(413)
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'payload_too_large' } })
      const fits = await multipart({ ...small.creds, number: uniqueNumber(), brand: 'Acme' })
      const ok = await raw(small.base, {
        method: 'POST',
        path: '/verify/json',
        headers: { 'content-type': fits.type },
        body: fits.body,
      })
      expect(JSON.parse(ok.text)).toMatchObject({ status: '0' })
    } finally {
      await small.close()
    }
  })
})
