import { Vonage } from '@vonage/server-sdk'
import { beforeAll, describe, expect, it } from 'vitest'
import { getJson, postForm, qs, raw, type Body } from './support/http'
import { admin, messages, sandboxForAllTests, uniqueNumber } from './support/sandbox'
import { CODE_INVALID_CHARS, TOO_MANY_WRONG, WRONG_CODE, invalid } from './support/texts'
import { expectWellFormedXml } from './support/xml'

// The spec's own custom PIN, AKFG-3424, on the documented pin_code account: the handset shows it
// and a check with it succeeds; wrong codes in its alphabet use attempts, others answer 3.
const sb = sandboxForAllTests()
let vonage: Vonage
const PIN = { api_key: 'sandbox-pin', api_secret: 'sandbox-pin-secret' }
beforeAll(() => {
  vonage = new Vonage({ apiKey: PIN.api_key, apiSecret: PIN.api_secret }, { apiHost: sb.base })
})

async function startWith(pinCode: string): Promise<string> {
  const res = await postForm(sb.base, '/verify/json', {
    ...PIN,
    number: uniqueNumber(),
    brand: 'Acme',
    pin_code: pinCode,
  })
  expect(res.body.status, JSON.stringify(res.body)).toBe('0')
  return String(res.body.request_id)
}

const check = async (request_id: string, code: string) =>
  (await postForm(sb.base, '/verify/check/json', { ...PIN, request_id, code })).body

async function attemptsLeft(id: string): Promise<unknown> {
  return ((await admin(sb.base, `/requests/${id}`)) as Body).attempts_left
}

describe('a custom PIN that is not all digits', () => {
  it('is sent as given and checked with the official SDK', async () => {
    const started = (await vonage.verify.start({
      number: uniqueNumber(),
      brand: 'Acme',
      pinCode: 'AKFG-3424',
    } as Parameters<Vonage['verify']['start']>[0])) as Body
    expect(started.status).toBe('0')
    const id = String(started.request_id)
    const [sms] = await messages(sb.base, id)
    expect(sms?.text).toContain('Your Acme PIN is: AKFG-3424.')
    const checked = (await vonage.verify.check(id, 'AKFG-3424')) as Body
    expect(checked).toMatchObject({ request_id: id, status: '0' })
    const search = await getJson(sb.base, '/verify/search/json', { ...PIN, request_id: id })
    expect(search.body).toMatchObject({
      status: 'SUCCESS',
      checks: [{ code: 'AKFG-3424', status: 'VALID' }],
    })
  })

  it('answers 16, 16 and 17 to wrong codes in its alphabet', async () => {
    const id = await startWith('AKFG-3424')
    expect(await check(id, 'AKFG-0000')).toEqual({
      request_id: id,
      status: '16',
      error_text: WRONG_CODE,
    })
    expect(await attemptsLeft(id)).toBe(2)
    expect(await check(id, 'ZZZZ-9999')).toEqual({
      request_id: id,
      status: '16',
      error_text: WRONG_CODE,
    })
    const third = await check(id, 'AKFG-342')
    expect(third.status).toBe('17')
    expect(TOO_MANY_WRONG).toContain(third.error_text)
    const search = await getJson(sb.base, '/verify/search/json', { ...PIN, request_id: id })
    expect(search.body.status).toBe('FAILED')
  })

  it('answers 3 to a code with characters its PIN cannot have, using no attempt (case counts)', async () => {
    const id = await startWith('AKFG-3424')
    for (const code of ['akfg-3424', 'AKFG 3424', 'AKFG-3424\u0000']) {
      expect(await check(id, code)).toEqual({ status: '3', error_text: CODE_INVALID_CHARS })
    }
    expect(await attemptsLeft(id)).toBe(3)
    const xml = await raw(sb.base, {
      path: `/verify/check/xml?${qs({ ...PIN, request_id: id, code: 'AKFG-3424' })}`,
    })
    expectWellFormedXml(xml.text)
    expect(xml.text).toContain(`<request_id>${id}</request_id>`)
    expect(xml.text).toContain('<status>0</status>')
  })

  it('leaves numeric PINs, custom or generated, to the digits-only rule', async () => {
    const id = await startWith('12345678')
    expect(await check(id, 'ABCD')).toEqual({ status: '3', error_text: CODE_INVALID_CHARS })
    expect((await check(id, '12345678')).status).toBe('0')
  })

  it('refuses a pin_code with a space at the start', async () => {
    const res = await postForm(sb.base, '/verify/json', {
      ...PIN,
      number: uniqueNumber(),
      brand: 'Acme',
      pin_code: 'AKFG 3424',
    })
    expect(res.body).toEqual({ status: '3', error_text: invalid('pin_code') })
  })
})
