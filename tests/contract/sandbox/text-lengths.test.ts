import { describe, expect, it } from 'vitest'
import { postForm, postJson } from './support/http'
import { messages, sandboxForAllTests, uniqueNumber } from './support/sandbox'
import { TOO_LONG } from './support/texts'

// Length limits count characters, not UTF-16 units: 10 emoji are 10 characters of a brand.
const SMILE = '\u{1F600}'
const sb = sandboxForAllTests()

describe('length limits over HTTP', () => {
  it('takes a brand of 18 emoji (form body) and shows it in the message', async () => {
    const brand = SMILE.repeat(18)
    const res = await postForm(sb.base, '/verify/json', {
      ...sb.creds,
      number: uniqueNumber(),
      brand,
    })
    expect(res.body.status).toBe('0')
    const [sms] = await messages(sb.base, String(res.body.request_id))
    expect(sms?.text).toContain(brand)
    const over = await postForm(sb.base, '/verify/json', {
      ...sb.creds,
      number: uniqueNumber(),
      brand: SMILE.repeat(19),
    })
    expect(over.body).toEqual({ status: '3', error_text: TOO_LONG('brand') })
  })

  it('takes a sender_id of 6 emoji and up to 11, refuses 12 (JSON body)', async () => {
    const start = (sender_id: string) =>
      postJson(sb.base, '/verify/json', {
        ...sb.creds,
        number: uniqueNumber(),
        brand: 'Acme',
        sender_id,
      })
    expect((await start(SMILE.repeat(6))).body.status).toBe('0')
    expect((await start(SMILE.repeat(11))).body.status).toBe('0')
    expect((await start(SMILE.repeat(12))).body).toEqual({
      status: '3',
      error_text: TOO_LONG('sender_id'),
    })
  })

  it('takes a PSD2 payee of 10 emoji and up to 18, refuses 19', async () => {
    const start = (payee: string) =>
      postForm(sb.base, '/verify/psd2/json', {
        ...sb.creds,
        number: uniqueNumber(),
        payee,
        amount: '10.00',
      })
    expect((await start(SMILE.repeat(10))).body.status).toBe('0')
    expect((await start(SMILE.repeat(18))).body.status).toBe('0')
    expect((await start(SMILE.repeat(19))).body).toEqual({
      status: '3',
      error_text: TOO_LONG('payee'),
    })
  })
})
