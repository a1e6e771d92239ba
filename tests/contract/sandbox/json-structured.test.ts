import { Vonage } from '@vonage/server-sdk'
import { beforeAll, describe, expect, it } from 'vitest'
import { basic, getJson, postForm, postJson, raw, type Body } from './support/http'
import {
  admin,
  expectStarted,
  pinOf,
  sandboxForAllTests,
  uniqueNumber,
  wrongCode,
} from './support/sandbox'
import { CMD_INVALID, WRONG_CODE, invalid, missing } from './support/texts'

// A JSON array or object is no value of a parameter that takes one (every parameter but search's
// `request_ids`): it answers status 3 "Invalid value for param: <name>" in the order the values are
// judged, as any value the parameter cannot take. A form can only repeat a key, which counts with
// its first value, as the API takes a repeated request_id.
const sb = sandboxForAllTests()
let vonage: Vonage
beforeAll(() => {
  vonage = new Vonage({ apiKey: sb.key, apiSecret: sb.secret }, { apiHost: sb.base })
})

const post = async (path: string, params: Record<string, unknown>) =>
  (await postJson(sb.base, path, { ...sb.creds, ...params })).body

/** The requests the sandbox holds for a number (admin API). */
async function requestsTo(number: string): Promise<unknown[]> {
  const list = (await admin(sb.base, `/requests?number=${number}`)) as { requests: unknown[] }
  return list.requests
}

describe('a JSON array or object given for a parameter that takes one value', () => {
  it('answers a start status 3 for the parameter, and starts nothing', async () => {
    const number = uniqueNumber()
    expect(await post('/verify/json', { number: [number], brand: 'Acme' })).toEqual({
      status: '3',
      error_text: invalid('number'),
    })
    expect(await post('/verify/json', { number, brand: { name: 'Acme' } })).toEqual({
      status: '3',
      error_text: invalid('brand'),
    })
    expect(await post('/verify/json', { number, brand: 'Acme', code_length: [6] })).toEqual({
      status: '3',
      error_text: invalid('code_length'),
    })
    expect(await post('/verify/json', { number, brand: 'Acme', workflow_id: [] })).toEqual({
      status: '3',
      error_text: invalid('workflow_id'),
    })
    expect(await post('/verify/psd2/json', { number, payee: 'Shop', amount: [12.5] })).toEqual({
      status: '3',
      error_text: invalid('amount'),
    })
    expect(await requestsTo(number)).toEqual([])
  })

  it('is judged in the API order: missing parameters first, then the values in turn', async () => {
    // Sent, so not missing: the missing brand is named.
    expect(await post('/verify/json', { number: ['447700900000'] })).toEqual({
      status: '2',
      error_text: missing('brand'),
    })
    // The number is judged before the country.
    expect(
      await post('/verify/json', { number: ['447700900000'], country: 'GBR', brand: 'Acme' }),
    ).toEqual({ status: '3', error_text: invalid('number') })
    expect(
      await post('/verify/json', { number: uniqueNumber(), country: ['GB'], brand: ['Acme'] }),
    ).toEqual({ status: '3', error_text: invalid('country') })
  })

  it('answers a check status 3 without using an attempt', async () => {
    const id = await expectStarted(sb)
    const pin = await pinOf(sb.base, id)
    expect(await post('/verify/check/json', { request_id: id, code: [pin] })).toEqual({
      status: '3',
      error_text: invalid('code'),
    })
    expect(await post('/verify/check/json', { request_id: [id], code: pin })).toEqual({
      status: '3',
      error_text: invalid('request_id'),
    })
    // Two wrong codes are 16s (not a 17): the refused calls used no attempt.
    for (let i = 0; i < 2; i++) {
      expect(await post('/verify/check/json', { request_id: id, code: wrongCode(pin) })).toEqual({
        request_id: id,
        status: '16',
        error_text: WRONG_CODE,
      })
    }
    expect((await post('/verify/check/json', { request_id: id, code: pin })).status).toBe('0')
  })

  it('answers a search and a control status 3 for the parameter', async () => {
    const id = await expectStarted(sb)
    expect(await post('/verify/search/json', { request_id: [id] })).toEqual({
      status: '3',
      error_text: invalid('request_id'),
    })
    expect(await post('/verify/search/json', { request_ids: [[id]] })).toEqual({
      status: '3',
      error_text: invalid('request_ids'),
    })
    expect(await post('/verify/search/json', { request_ids: { id } })).toEqual({
      status: '3',
      error_text: invalid('request_ids'),
    })
    expect(await post('/verify/control/json', { request_id: [id], cmd: 'cancel' })).toEqual({
      status: '3',
      error_text: invalid('request_id'),
    })
    expect(await post('/verify/control/json', { request_id: id, cmd: ['cancel'] })).toEqual({
      status: '3',
      error_text: CMD_INVALID,
    })
    // The request is untouched: still in progress.
    expect((await post('/verify/search/json', { request_id: id })).status).toBe('IN PROGRESS')
  })

  it('takes request_ids as a JSON array of ids: the one parameter that is a list', async () => {
    const a = await expectStarted(sb)
    const b = await expectStarted(sb)
    const found = (await post('/verify/search/json', { request_ids: [a, b] }))
      .verification_requests as Body[]
    expect(found.map((r) => r.request_id).sort()).toEqual([a, b].sort())
  })

  it('answers credentials given as arrays status 4, as credentials no account has', async () => {
    const res = await postJson(sb.base, '/verify/search/json', {
      api_key: [sb.key],
      api_secret: sb.secret,
      request_id: 'x',
    })
    expect(res.body).toEqual({ status: '4', error_text: 'Bad credentials' })
  })

  it('answers a network unblock with a network in an array 422, not an unblock', async () => {
    await admin(sb.base, '/faults', { endpoint: 'request', status: '7', network: '23410' })
    try {
      const res = await raw(sb.base, {
        method: 'POST',
        path: '/verify/network-unblock',
        headers: { 'content-type': 'application/json', authorization: basic(sb.key, sb.secret) },
        body: JSON.stringify({ network: ['23410'] }),
      })
      expect(res.status).toBe(422)
      expect(JSON.parse(res.text)).toMatchObject({
        invalid_parameters: [{ name: 'network', reason: 'Network not found' }],
      })
    } finally {
      await admin(sb.base, '/faults', undefined, 'DELETE')
    }
  })

  it('refuses a code the official SDK was handed as an array, with no attempt used', async () => {
    const id = await expectStarted(sb)
    const pin = await pinOf(sb.base, id)
    const res = (await vonage.verify.check(id, [pin] as unknown as string)) as Body
    expect(res).toMatchObject({ status: '3', error_text: invalid('code') })
    expect(((await vonage.verify.check(id, pin)) as Body).status).toBe('0')
  })
})

describe('a parameter repeated in a form or a query', () => {
  it('counts with its first value', async () => {
    const number = uniqueNumber()
    const start = await postForm(sb.base, '/verify/json', {
      ...sb.creds,
      number: [number, '447700900000'],
      brand: 'Acme',
    })
    expect(start.body.status).toBe('0')
    const id = start.body.request_id as string
    const search = await getJson(sb.base, '/verify/search/json', {
      ...sb.creds,
      request_id: [id, '0'.repeat(32)],
    })
    expect(search.body).toMatchObject({ request_id: id, number, status: 'IN PROGRESS' })
  })
})
