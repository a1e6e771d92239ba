import { describe, expect, it } from 'vitest'
import { postForm, postJson, raw } from './support/http'
import { admin, expectStarted, sandboxForAllTests, uniqueNumber } from './support/sandbox'
import { BAD_CREDENTIALS_OTHER, MISSING_API_KEY } from './support/texts'

// An `Authorization: Basic` header that carries no key and secret (no colon in what it decodes to,
// not base64, an empty key or secret) is credentials sent and refused: status 4 with the endpoint's
// bad-credentials text, as a wrong pair. "Missing api_key" is for a call that sends none.
const sb = sandboxForAllTests()

const encoded = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`
const UNUSABLE = [
  encoded(`${'sandbox'}${'sandbox-secret'}`), // no colon
  encoded('sandbox'),
  'Basic !!not-base64!!',
  'Basic',
  encoded(':sandbox-secret'),
  encoded('sandbox:'),
]

describe('an Authorization: Basic header without a key and a secret', () => {
  it('answers a start status 4 "Invalid credentials were provided", and starts nothing', async () => {
    const number = uniqueNumber()
    for (const authorization of UNUSABLE) {
      const res = await postJson(
        sb.base,
        '/verify/json',
        { number, brand: 'Acme' },
        { authorization },
      )
      expect(res.http, authorization).toBe(200)
      expect(res.body, authorization).toEqual({
        status: '4',
        error_text: 'Invalid credentials were provided',
      })
    }
    // Nothing was started for the number: a start with good credentials goes through.
    const ok = await postJson(sb.base, '/verify/json', { ...sb.creds, number, brand: 'Acme' })
    expect(ok.body.status).toBe('0')
  })

  it('answers check, search and control status 4 "Bad credentials"', async () => {
    const id = await expectStarted(sb)
    const authorization = encoded('sandboxsandbox-secret')
    const check = await postForm(
      sb.base,
      '/verify/check/json',
      { request_id: id, code: '1234' },
      {
        authorization,
      },
    )
    const search = await raw(sb.base, {
      path: `/verify/search/json?request_id=${id}`,
      headers: { authorization },
    })
    const control = await postJson(
      sb.base,
      '/verify/control/json',
      { request_id: id, cmd: 'cancel' },
      { authorization },
    )
    for (const body of [check.body, JSON.parse(search.text), control.body]) {
      expect(body).toEqual({ status: '4', error_text: BAD_CREDENTIALS_OTHER[0] })
    }
    // In XML too, with the same status and text.
    const xml = await raw(sb.base, {
      path: `/verify/search/xml?request_id=${id}`,
      headers: { authorization },
    })
    expect(xml.text).toContain('<status>4</status><error_text>Bad credentials</error_text>')
  })

  it('answers status 4 in place of an injected status, which it uses up, as wrong credentials', async () => {
    await admin(sb.base, '/faults', { endpoint: 'check', status: '5' })
    const res = await postForm(
      sb.base,
      '/verify/check/json',
      { request_id: '0'.repeat(32), code: '1234' },
      { authorization: encoded('sandboxsandbox-secret') },
    )
    expect(res.body).toEqual({ status: '4', error_text: BAD_CREDENTIALS_OTHER[0] })
    expect(await admin(sb.base, '/faults')).toEqual({ faults: [] })
  })

  it('is not needed when the parameters carry the key and the secret', async () => {
    const res = await postForm(
      sb.base,
      '/verify/json',
      { ...sb.creds, number: uniqueNumber(), brand: 'Acme' },
      { authorization: encoded('no colon here') },
    )
    expect(res.body.status).toBe('0')
  })

  it('leaves a call without any credentials, or with another scheme, "Missing api_key"', async () => {
    const none: Record<string, string> = {}
    for (const headers of [none, { authorization: 'Bearer abc' }]) {
      const res = await raw(sb.base, { path: '/verify/search/json?request_id=x', headers })
      expect(JSON.parse(res.text)).toEqual({ status: '2', error_text: MISSING_API_KEY })
    }
  })
})
