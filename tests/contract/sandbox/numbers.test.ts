import { Vonage } from '@vonage/server-sdk'
import { describe, expect, it } from 'vitest'
import { getJson, postForm, type Body } from './support/http'
import { admin, sandboxForAllTests } from './support/sandbox'
import { CONCURRENT } from './support/texts'

// A number sent with `country` is read by that country's numbering plan, and a number is one
// number however it is written: a second start to it answers 10 with the running request_id.
const sb = sandboxForAllTests()

async function start(number: string, country?: string): Promise<Body> {
  const params = { ...sb.creds, number, brand: 'Acme', ...(country ? { country } : {}) }
  return (await postForm(sb.base, '/verify/json', params)).body
}

async function searchedNumber(id: unknown): Promise<unknown> {
  const res = await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_id: String(id) })
  return res.body.number
}

async function forgetAll(): Promise<void> {
  await admin(sb.base, '/reset', {})
}

describe('national numbers with country', () => {
  it.each([
    ['9123456780', 'IN', '919123456780'],
    ['3931234567', 'IT', '393931234567'],
    ['47123456', 'NO', '4747123456'],
    ['0612345678', 'IT', '390612345678'],
    ['011447700900777', 'US', '447700900777'],
    ['03001234567', 'PK', '923001234567'],
    ['01712345678', 'BD', '8801712345678'],
    ['0501234567', 'GH', '233501234567'],
  ])(
    '%s in %s is %s, and its international form afterwards answers 10',
    async (number, country, expected) => {
      const first = await start(number, country)
      expect(first).toEqual({ request_id: expect.any(String), status: '0' })
      expect(await searchedNumber(first.request_id)).toBe(expected)
      expect(await start(`+${expected}`)).toEqual({
        request_id: first.request_id,
        status: '10',
        error_text: CONCURRENT,
      })
      expect((await start(number, country.toLowerCase())).request_id).toBe(first.request_id)
    },
  )

  it('reads +44 (0)7700 905555 as 447700905555', async () => {
    const first = await start('+44 (0)7700 905555')
    expect(first.status).toBe('0')
    expect(await searchedNumber(first.request_id)).toBe('447700905555')
  })
})

describe('one request per number, however it is written', () => {
  const FORMS: [string, string | undefined][] = [
    ['447400123456', undefined],
    ['+447400123456', undefined],
    ['+44 7400 123456', undefined],
    ['+44 (0)7400 123456', undefined],
    ['0044 7400 123456', undefined],
    ['+44-7400-123-456', undefined],
    ['07400 123456', 'GB'],
    ['(0)7400 123456', 'GB'],
    ['7400123456', 'GB'],
    ['447400123456', 'GB'],
    ['+447400123456', 'GB'],
    ['011 44 7400 123456', 'US'],
  ]

  it.each(FORMS)(
    'a start to %s (country %s) answers 10 to every other form',
    async (number, country) => {
      await forgetAll()
      const first = await start(number, country)
      expect(first.status, JSON.stringify(first)).toBe('0')
      expect(await searchedNumber(first.request_id)).toBe('447400123456')
      for (const [other, otherCountry] of FORMS) {
        expect(await start(other, otherCountry), `${other} ${otherCountry ?? ''}`).toEqual({
          request_id: first.request_id,
          status: '10',
          error_text: CONCURRENT,
        })
      }
    },
  )

  it('answers 10 to the official SDK sending the national form with country', async () => {
    await forgetAll()
    const vonage = new Vonage({ apiKey: sb.key, apiSecret: sb.secret }, { apiHost: sb.base })
    const first = await start('+91 91234 56780')
    expect(first.status).toBe('0')
    const res = (await vonage.verify.start({
      number: '9123456780',
      country: 'in',
      brand: 'Acme',
    } as Parameters<Vonage['verify']['start']>[0])) as Body
    expect(res).toMatchObject({ request_id: first.request_id, status: '10' })
  })
})
