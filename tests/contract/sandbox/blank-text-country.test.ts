import { describe, expect, it } from 'vitest'
import { getJson, postForm, postJson } from './support/http'
import { messages, sandboxForAllTests, startVerify, uniqueNumber } from './support/sandbox'
import { invalid, missing } from './support/texts'

const sb = sandboxForAllTests()

describe('a brand, payee or sender_id of spaces only', () => {
  it('is a missing brand (status 2), in a form and in JSON, a no-break space too', async () => {
    expect((await startVerify(sb, { brand: '   ' })).body).toEqual({
      status: '2',
      error_text: missing('brand'),
    })
    const json = await postJson(sb.base, '/verify/json', {
      ...sb.creds,
      number: uniqueNumber(),
      brand: ' \u00a0 ',
    })
    expect(json.body).toEqual({ status: '2', error_text: missing('brand') })
  })

  it('is a missing payee on a PSD2 start (status 2)', async () => {
    const res = await postForm(sb.base, '/verify/psd2/json', {
      ...sb.creds,
      number: uniqueNumber(),
      payee: '  ',
      amount: '10.00',
    })
    expect(res.body).toEqual({ status: '2', error_text: missing('payee') })
  })

  it('is a sender_id not sent: the handset shows the default sender, and search answers it', async () => {
    const res = await startVerify(sb, { sender_id: '   ' })
    expect(res.body.status).toBe('0')
    const id = String(res.body.request_id)
    const [sms] = await messages(sb.base, id)
    expect(sms?.raw.sender).toBe('VERIFY')
    const search = await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_id: id })
    expect(search.body.sender_id).toBe('verify')
  })

  it('keeps a brand with spaces around a name as sent', async () => {
    const res = await startVerify(sb, { brand: ' Acme ' })
    expect(res.body.status).toBe('0')
    const [sms] = await messages(sb.base, String(res.body.request_id))
    expect(sms?.text).toContain('Your  Acme  PIN is')
  })
})

describe('a country no numbering plan knows', () => {
  it.each(['XX', 'ZZ', 'xx'])(
    '%s answers status 3, not a number read without it',
    async (country) => {
      const res = await startVerify(sb, { number: '7700900104', country })
      expect(res.body).toEqual({ status: '3', error_text: invalid('country') })
    },
  )

  it('is judged after the number, as the API orders its values', async () => {
    const res = await startVerify(sb, { number: 'not-a-number', country: 'XX' })
    expect(res.body).toEqual({ status: '3', error_text: invalid('number') })
  })

  it('refuses a PSD2 start too, and a known country in any case still starts', async () => {
    const psd2 = await postForm(sb.base, '/verify/psd2/json', {
      ...sb.creds,
      number: '7700900105',
      country: 'ZZ',
      payee: 'Shop',
      amount: '10.00',
    })
    expect(psd2.body).toEqual({ status: '3', error_text: invalid('country') })
    expect((await startVerify(sb, { number: '07700900106', country: 'gb' })).body.status).toBe('0')
  })
})
