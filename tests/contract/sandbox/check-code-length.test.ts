import { Vonage } from '@vonage/server-sdk'
import { beforeAll, describe, expect, it } from 'vitest'
import { postForm, type Body } from './support/http'
import { admin, expectStarted, pinOf, sandboxForAllTests, wrongCode } from './support/sandbox'
import { CODE_INVALID_CHARS, WRONG_CODE, invalid } from './support/texts'

// A check's code of a length no PIN has (under 4 or over 10 characters: generated PINs have 4 or
// 6 digits, a custom pin_code 4 to 10 characters) answers status 3 "Invalid value for param: code"
// and uses no attempt. A length some PIN has is judged, as the reference's 5-digit code against a
// 4-digit PIN (status 16, an attempt used).
const sb = sandboxForAllTests()
let vonage: Vonage
beforeAll(() => {
  vonage = new Vonage({ apiKey: sb.key, apiSecret: sb.secret }, { apiHost: sb.base })
})

async function attemptsLeft(id: string): Promise<unknown> {
  return ((await admin(sb.base, `/requests/${id}`)) as Body).attempts_left
}

describe('the length of a checked code', () => {
  it('refuses 2 and 20 digits with status 3, with the official SDK, using no attempt', async () => {
    const id = await expectStarted(sb)
    for (const code of ['12', '123', '1'.repeat(11), '1'.repeat(20)]) {
      const res = (await vonage.verify.check(id, code)) as Body
      expect(res, code).toMatchObject({ status: '3', error_text: invalid('code') })
      expect(res.request_id, code).toBeUndefined()
    }
    expect(await attemptsLeft(id)).toBe(3)
    const pin = await pinOf(sb.base, id)
    expect(((await vonage.verify.check(id, pin)) as Body).status).toBe('0')
  })

  it('judges every length a PIN can have: 5 digits against a 4-digit PIN is a wrong code', async () => {
    const id = await expectStarted(sb)
    const pin = await pinOf(sb.base, id)
    for (const code of [`${wrongCode(pin)}0`, '1'.repeat(10)]) {
      const res = await postForm(sb.base, '/verify/check/json', {
        ...sb.creds,
        request_id: id,
        code,
      })
      expect(res.body, code).toEqual({ request_id: id, status: '16', error_text: WRONG_CODE })
    }
    expect(await attemptsLeft(id)).toBe(1)
  })

  it('judges the characters before the length', async () => {
    const id = await expectStarted(sb)
    const res = await postForm(sb.base, '/verify/check/json', {
      ...sb.creds,
      request_id: id,
      code: '1a',
    })
    expect(res.body).toEqual({ status: '3', error_text: CODE_INVALID_CHARS })
  })
})
