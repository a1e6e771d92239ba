import { describe, expect, it } from 'vitest'
import { PIN_CREDS, fakeEngine } from './support'
import type { Params } from '../../../server/sandbox/engine'
import type { VerifyEndpoint } from '@contract/types'

const ID = 'ffffffffffffffffffffffffffffffff'
const missing = (p: string) =>
  `Your request is incomplete and missing the mandatory parameter: ${p}`
const invalid = (p: string) => `Invalid value for param: ${p}`
const tooLong = (p: string) => `Invalid value for param: ${p}. Parameter is too long.`
const base = { number: '447700900000', brand: 'Acme' }
const psd2 = { number: '447700900000', payee: 'Shop', amount: '48.00' }

describe('parameter rules of a start (request and PSD2)', () => {
  const cases: [string, VerifyEndpoint, Params, string, string][] = [
    ['number missing', 'request', { brand: 'Acme' }, '2', missing('number')],
    ['brand missing', 'request', { number: '447700900000' }, '2', missing('brand')],
    ['brand empty', 'request', { ...base, brand: '' }, '2', missing('brand')],
    ['number with letters', 'request', { ...base, number: '44770090abc' }, '3', invalid('number')],
    ['number too short', 'request', { ...base, number: '12345' }, '3', invalid('number')],
    ['number too long', 'request', { ...base, number: '1234567890123456' }, '3', invalid('number')],
    ['country of one letter', 'request', { ...base, country: 'R' }, '3', invalid('country')],
    ['country of three letters', 'request', { ...base, country: 'RUS' }, '3', invalid('country')],
    [
      'brand of 19 characters',
      'request',
      { ...base, brand: 'x'.repeat(19) },
      '3',
      tooLong('brand'),
    ],
    [
      'sender_id of 12',
      'request',
      { ...base, sender_id: 'x'.repeat(12) },
      '3',
      tooLong('sender_id'),
    ],
    ...['0', '-1', '3', '5', '7', '999999'].map(
      (v): [string, VerifyEndpoint, Params, string, string] => [
        `code_length ${v}`,
        'request',
        { ...base, code_length: v },
        '3',
        'Invalid value for param: code_length. The allowed values are 4 and 6.',
      ],
    ),
    ['code_length 4.0', 'request', { ...base, code_length: '4.0' }, '3', invalid('code_length')],
    ['code_length +4', 'request', { ...base, code_length: '+4' }, '3', invalid('code_length')],
    ['lg en_us', 'request', { ...base, lg: 'en_us' }, '3', invalid('lg')],
    ['lg rururu', 'request', { ...base, lg: 'rururu' }, '3', invalid('lg')],
    ['lg of PSD2 only', 'request', { ...base, lg: 'bg-bg' }, '3', invalid('lg')],
    ['pin_expiry 59', 'request', { ...base, pin_expiry: '59' }, '3', invalid('pin_expiry')],
    ['pin_expiry 3601', 'request', { ...base, pin_expiry: '3601' }, '3', invalid('pin_expiry')],
    [
      'next_event_wait 59',
      'request',
      { ...base, next_event_wait: '59' },
      '3',
      invalid('next_event_wait'),
    ],
    [
      'next_event_wait 901',
      'request',
      { ...base, next_event_wait: '901' },
      '3',
      invalid('next_event_wait'),
    ],
    ['workflow_id 0', 'request', { ...base, workflow_id: '0' }, '3', invalid('workflow_id')],
    ['workflow_id 8', 'request', { ...base, workflow_id: '8' }, '3', invalid('workflow_id')],
    ['pin_code of 3', 'request', { ...base, pin_code: '123' }, '3', invalid('pin_code')],
    ['pin_code of 11', 'request', { ...base, pin_code: '12345678901' }, '3', invalid('pin_code')],
    ['payee missing', 'psd2', { number: '447700900000', amount: '1' }, '2', missing('payee')],
    ['amount missing', 'psd2', { number: '447700900000', payee: 'Shop' }, '2', missing('amount')],
    ['payee of 19', 'psd2', { ...psd2, payee: 'x'.repeat(19) }, '3', tooLong('payee')],
    ['amount not a number', 'psd2', { ...psd2, amount: 'ten' }, '3', invalid('amount')],
    ['amount zero', 'psd2', { ...psd2, amount: '0' }, '3', invalid('amount')],
    ['amount negative', 'psd2', { ...psd2, amount: '-5' }, '3', invalid('amount')],
    ['PSD2 lg of request only', 'psd2', { ...psd2, lg: 'en-us' }, '3', invalid('lg')],
  ]
  it.each(cases)('%s', (_name, endpoint, params, status, text) => {
    const s = fakeEngine()
    expect(s.call(endpoint, params)).toEqual({ status, error_text: text })
  })

  const accepted: [string, VerifyEndpoint, Params][] = [
    ['punctuation in brand', 'request', { ...base, brand: ':):):)' }],
    ['brand of 18', 'request', { ...base, brand: 'x'.repeat(18) }],
    ['Cyrillic sender_id of 11', 'request', { ...base, sender_id: 'Привет1234я' }],
    ['code_length with leading zeros', 'request', { ...base, code_length: '00004' }],
    ['code_length 6', 'request', { ...base, code_length: '06' }],
    ['lower-case country', 'request', { ...base, country: 'gb', number: '07700 900000' }],
    ['+ and spaces in the number', 'request', { ...base, number: '+44 7700 900000' }],
    ['pin_expiry 60 and 3600', 'request', { ...base, pin_expiry: '3600' }],
    ['workflow_id 7', 'request', { ...base, workflow_id: '7' }],
    ['every lg of the list', 'request', { ...base, lg: 'yue-cn' }],
    ['PSD2 with a decimal amount', 'psd2', { ...psd2, amount: '48.00', lg: 'mt-mt' }],
  ]
  it.each(accepted)('accepts %s', (_name, endpoint, params) => {
    const s = fakeEngine()
    expect(s.call(endpoint, params).status).toBe('0')
  })
})

describe('status codes', () => {
  it('2: missing api_key, missing api_secret', () => {
    const s = fakeEngine()
    expect(s.engine.call('request', base)).toEqual({ status: '2', error_text: 'Missing api_key' })
    expect(s.engine.call('check', { api_key: 'sandbox', request_id: ID, code: '1234' })).toEqual({
      status: '2',
      error_text: 'Your request is incomplete and missing some mandatory parameters',
    })
  })

  it('2: missing parameters of check, search and control', () => {
    const s = fakeEngine()
    expect(s.call('check', { code: '1234' })).toEqual({
      status: '2',
      error_text: missing('request_id'),
    })
    expect(s.call('check', { request_id: ID })).toEqual({
      status: '2',
      error_text: missing('code'),
    })
    expect(s.call('search', {})).toEqual({ status: '2', error_text: missing('request_id') })
    expect(s.call('control', { request_id: ID })).toEqual({
      status: '2',
      error_text: missing('cmd'),
    })
  })

  it('3: a code with non-digits, a request_id over 32, an unknown cmd', () => {
    const s = fakeEngine()
    for (const code of ['????', '1-34', '%s', '12a4']) {
      expect(s.call('check', { request_id: ID, code })).toEqual({
        status: '3',
        error_text: 'The code contains invalid characters',
      })
    }
    expect(s.call('check', { request_id: ID + 'f', code: '1234' })).toEqual({
      status: '3',
      error_text: invalid('request_id'),
    })
    for (const cmd of ['delete', 'resend']) {
      expect(s.call('control', { request_id: ID, cmd })).toEqual({
        status: '3',
        error_text: 'Invalid parameter found: cmd',
      })
    }
  })

  it('4: wrong secret or unknown key, with the endpoint’s text', () => {
    const s = fakeEngine()
    const wrong = { api_key: 'sandbox', api_secret: 'nope' }
    expect(s.call('request', base, wrong)).toEqual({
      status: '4',
      error_text: 'Invalid credentials were provided',
    })
    expect(s.call('psd2', psd2, wrong).status).toBe('4')
    for (const endpoint of ['check', 'search', 'control'] as const) {
      expect(s.call(endpoint, { request_id: ID }, { api_key: 'who', api_secret: 'x' })).toEqual({
        status: '4',
        error_text: 'Bad credentials',
      })
    }
  })

  it('1: throttled above the per-second limit of the account, per account', () => {
    const s = fakeEngine({ throttlePerSecond: 2 })
    expect(s.call('search', { request_id: ID }).status).toBe('101')
    expect(s.call('search', { request_id: ID }).status).toBe('101')
    expect(s.call('search', { request_id: ID })).toEqual({ status: '1', error_text: 'Throttled' })
    expect(s.call('search', { request_id: ID }, PIN_CREDS).status).toBe('101')
    s.advance(1)
    expect(s.call('search', { request_id: ID }).status).toBe('101')
  })

  it('1: the limit holds in any one-second window, not per calendar second', () => {
    const s = fakeEngine({ throttlePerSecond: 2 })
    const search = () => s.call('search', { request_id: ID }).status
    s.at(0.9)
    expect(search()).toBe('101')
    expect(search()).toBe('101')
    s.at(1.2)
    expect(search()).toBe('1')
    s.at(1.9)
    expect(search()).toBe('101')
    expect(search()).toBe('101')
    expect(search()).toBe('1')
  })

  it('1: the throttlePerSecond option means what the admin throttle means: 0 lets no call through', () => {
    const blocked = fakeEngine({ throttlePerSecond: 0 })
    for (let i = 0; i < 3; i++) {
      expect(blocked.call('search', { request_id: ID })).toEqual({
        status: '1',
        error_text: 'Throttled',
      })
    }
    expect(blocked.engine.listAccounts().map((a) => a.throttle_per_second)).toEqual([0, 0])
    const perAccount = fakeEngine({
      accounts: [{ apiKey: 'k', apiSecret: 's', throttlePerSecond: 0 }],
    })
    expect(
      perAccount.call('search', { request_id: ID }, { api_key: 'k', api_secret: 's' }).status,
    ).toBe('1')
    const off = fakeEngine({ throttlePerSecond: null })
    for (let i = 0; i < 50; i++) expect(off.call('search', { request_id: ID }).status).toBe('101')
    expect(off.engine.listAccounts().map((a) => a.throttle_per_second)).toEqual([null, null])
  })

  it('1: throttling can be switched off', () => {
    const s = fakeEngine({ throttlePerSecond: 1 })
    s.engine.setThrottle(null)
    for (let i = 0; i < 50; i++) expect(s.call('search', { request_id: ID }).status).toBe('101')
  })

  it('6: check or control of an unknown, finished or other account’s request', () => {
    const s = fakeEngine()
    const notFound = `The Vonage platform was unable to process this message for the following reason: Request '${ID}' was not found or it has been verified already.`
    expect(s.call('check', { request_id: ID, code: '1234' })).toEqual({
      request_id: ID,
      status: '6',
      error_text: notFound,
    })
    expect(s.call('control', { request_id: ID, cmd: 'cancel' })).toEqual({
      status: '6',
      error_text: `The requestId '${ID}' does not exist or its no longer active.`,
    })
    const id = s.start()
    expect(s.call('check', { request_id: id, code: s.pin(id) }, PIN_CREDS).status).toBe('6')
    // Another account can neither cancel nor move on this account's request, once cancel is open.
    s.advance(31)
    for (const cmd of ['cancel', 'trigger_next_event']) {
      expect(s.call('control', { request_id: id, cmd }, PIN_CREDS)).toEqual({
        status: '6',
        error_text: `The requestId '${id}' does not exist or its no longer active.`,
      })
    }
    expect(s.engine.getRequest(id)).toMatchObject({ status: 'IN PROGRESS' })
    expect(s.engine.getRequest(id)?.events).toHaveLength(1)
    expect(s.call('check', { request_id: id, code: s.pin(id) }).status).toBe('0')
    expect(s.call('check', { request_id: id, code: s.pin(id) })).toMatchObject({ status: '6' })
    expect(s.call('control', { request_id: id, cmd: 'trigger_next_event' }).status).toBe('6')
  })

  it('10: a concurrent verification to the same number, however written, carries the id', () => {
    const s = fakeEngine()
    const id = s.start({ number: '447700900000' })
    for (const number of ['+44 7700 900000', '0044-7700-900000', '(44) 7700.900000']) {
      expect(s.call('request', { ...base, number })).toEqual({
        request_id: id,
        status: '10',
        error_text: 'Concurrent verifications to the same number are not allowed',
      })
    }
    expect(s.call('request', { ...base, number: '07700900000', country: 'GB' }).status).toBe('10')
    expect(s.call('psd2', psd2).status).toBe('10')
    // Another account is another scope.
    expect(s.call('request', base, PIN_CREDS).status).toBe('0')
  })

  it('10 ends when the request ends: a new request to the number is accepted', () => {
    const s = fakeEngine()
    const id = s.start()
    s.advance(30)
    expect(s.call('control', { request_id: id, cmd: 'cancel' }).status).toBe('0')
    expect(s.call('request', base).status).toBe('0')
  })

  it('16 twice, then 17 and FAILED; later checks answer 6', () => {
    const s = fakeEngine()
    const id = s.start()
    const wrong = s.pin(id) === '9999' ? '1234' : '9999'
    const sixteen = {
      request_id: id,
      status: '16',
      error_text: 'The code provided does not match the expected value',
    }
    expect(s.call('check', { request_id: id, code: wrong })).toEqual(sixteen)
    expect(s.call('check', { request_id: id, code: '12345' })).toEqual(sixteen)
    expect(s.call('check', { request_id: id, code: wrong })).toEqual({
      status: '17',
      error_text: 'The wrong code was provided too many times. Request terminated',
    })
    expect(s.engine.getRequest(id)?.status).toBe('FAILED')
    expect(s.call('check', { request_id: id, code: s.pin(id) }).status).toBe('6')
    const search = s.call('search', { request_id: id })
    expect(search.status).toBe('FAILED')
    expect(search.checks).toHaveLength(3)
  })

  it('18: more than ten request_ids', () => {
    const s = fakeEngine()
    const ids = Array.from({ length: 11 }, (_, i) => String(i).padStart(32, '0'))
    expect(s.call('search', { request_ids: ids })).toEqual({
      status: '18',
      error_text: 'Too many request_ids provided',
    })
  })

  it('19: cancel too early, cancel too late, no more events', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '4' })
    s.at(29)
    expect(s.call('control', { request_id: id, cmd: 'cancel' })).toEqual({
      status: '19',
      error_text: `Verification request ['${id}'] can't be cancelled within the first 30 seconds.`,
    })
    expect(s.call('control', { request_id: id, cmd: 'trigger_next_event' })).toEqual({
      status: '0',
      command: 'trigger_next_event',
    })
    s.at(31)
    expect(s.call('control', { request_id: id, cmd: 'cancel' })).toEqual({
      status: '19',
      error_text: `Verification request  ['${id}'] can't be cancelled now. Too many attempts to re-deliver have already been made.`,
    })
    expect(s.call('control', { request_id: id, cmd: 'trigger_next_event' })).toEqual({
      status: '19',
      error_text: `No more events are left to execute for the request ['${id}']`,
    })
    expect(s.engine.getRequest(id)?.status).toBe('IN PROGRESS')
    expect(s.call('check', { request_id: id, code: s.pin(id) }).status).toBe('0')
  })

  it('19: a cancel within 30 s after the second event says it is too late, not too early', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '1' })
    s.at(5)
    expect(s.call('control', { request_id: id, cmd: 'trigger_next_event' }).status).toBe('0')
    s.at(15)
    expect(s.call('control', { request_id: id, cmd: 'cancel' })).toEqual({
      status: '19',
      error_text: `Verification request  ['${id}'] can't be cancelled now. Too many attempts to re-deliver have already been made.`,
    })
  })

  it('20: pin_code on an account without the feature; used as the PIN where allowed', () => {
    const s = fakeEngine()
    expect(s.call('request', { ...base, pin_code: '305699' })).toEqual({
      status: '20',
      error_text: 'This account does not support the parameter: pin_code.',
    })
    const body = s.call('request', { ...base, pin_code: '305699' }, PIN_CREDS)
    const id = body.request_id as string
    expect(s.pin(id)).toBe('305699')
    expect(s.messages(id)[0]?.text).toContain('305699')
    expect(s.call('check', { request_id: id, code: '305699' }, PIN_CREDS).status).toBe('0')
  })

  it('101: unknown id, an id of another account, a 33-character id', () => {
    const s = fakeEngine()
    const id = s.start()
    const none = { request_id: ID, status: '101', error_text: 'No response found' }
    expect(s.call('search', { request_id: ID })).toEqual(none)
    expect(s.call('search', { request_id: id }, PIN_CREDS)).toEqual({ ...none, request_id: id })
    expect(s.call('search', { request_id: id + 'a' }).status).toBe('101')
    expect(s.call('search', { request_ids: [ID, ID.replace('f', 'e')] })).toEqual({
      status: '101',
      error_text: 'No response found',
    })
  })
})

describe('answers', () => {
  it('a correct code answers the latest event’s id, the price and the messages’ cost', () => {
    const s = fakeEngine()
    const id = s.start()
    s.advance(125)
    const events = s.engine.getRequest(id)?.events ?? []
    expect(events.map((e) => e.type)).toEqual(['sms', 'tts'])
    expect(s.call('check', { request_id: id, code: s.pin(id) })).toEqual({
      request_id: id,
      event_id: events[1]?.id,
      status: '0',
      price: '0.05000000',
      currency: 'EUR',
      estimated_price_messages_sent: '0.05500000',
    })
    const found = s.call('search', { request_id: id })
    expect(found).toMatchObject({ status: 'SUCCESS', price: '0.05000000', account_id: 'sandbox' })
    expect(found.date_finalized).toBe('2026-01-01 00:02:05')
    s.advance(600)
    expect(s.messages(id)).toHaveLength(2)
  })

  it('prices come from the price list by prefix, the default for unknown prefixes', () => {
    const s = fakeEngine()
    const id = s.start({ number: '14155550100' })
    expect(s.call('check', { request_id: id, code: s.pin(id) })).toMatchObject({
      price: '0.05000000',
      estimated_price_messages_sent: '0.00750000',
    })
    const other = s.start({ number: '99912345678' })
    expect(s.call('check', { request_id: other, code: s.pin(other) })).toMatchObject({
      price: '0.10000000',
      estimated_price_messages_sent: '0.03330000',
    })
  })

  it('search of one id answers the object; of several ids, verification_requests', () => {
    const s = fakeEngine()
    const a = s.start({ number: '447700900001', sender_id: 'ACME' })
    const b = s.start({ number: '447700900002' })
    const one = s.call('search', { request_id: a })
    expect(one).toEqual({
      request_id: a,
      account_id: 'sandbox',
      number: '447700900001',
      sender_id: 'ACME',
      date_submitted: '2026-01-01 00:00:00',
      date_finalized: '',
      checks: [],
      first_event_date: '2026-01-01 00:00:00',
      last_event_date: '2026-01-01 00:00:00',
      price: '0',
      currency: 'EUR',
      status: 'IN PROGRESS',
      estimated_price_messages_sent: '0.03300000',
      events: [{ type: 'sms', id: s.engine.getRequest(a)?.events[0]?.id }],
    })
    const both = s.call('search', { request_ids: [a, b] })
    const list = both.verification_requests as { request_id: string; sender_id: string }[]
    expect(list.map((r) => r.request_id)).toEqual([a, b])
    expect(list[1]?.sender_id).toBe('verify')
    expect(s.call('search', { request_ids: [b] }).request_id).toBe(b)
    expect(s.call('search', { request_id: a, request_ids: [b] }).request_id).toBe(a)
  })

  it('ids are 32 lower-case hex characters and every value is a string', () => {
    const s = fakeEngine({ id: undefined })
    const body = s.call('request', base)
    expect(body.request_id).toMatch(/^[0-9a-f]{32}$/)
    const search = s.call('search', { request_id: body.request_id as string })
    const scalars = Object.entries(search).filter(([k]) => k !== 'checks' && k !== 'events')
    expect(scalars.length).toBeGreaterThan(10)
    expect(scalars.filter(([, v]) => typeof v !== 'string')).toEqual([])
  })

  it('a cancelled request stays CANCELLED even if the right code comes later', () => {
    const s = fakeEngine()
    const id = s.start()
    s.at(30)
    expect(s.call('control', { request_id: id, cmd: 'cancel' })).toEqual({
      status: '0',
      command: 'cancel',
    })
    expect(s.call('check', { request_id: id, code: s.pin(id) }).status).toBe('6')
    expect(s.call('search', { request_id: id })).toMatchObject({
      status: 'CANCELLED',
      date_finalized: '2026-01-01 00:00:30',
    })
    expect(s.call('control', { request_id: id, cmd: 'cancel' }).status).toBe('6')
  })

  it('PSD2 puts the payee and the amount into the message', () => {
    const s = fakeEngine()
    const body = s.call('psd2', psd2)
    const message = s.messages(body.request_id as string)[0]
    expect(message?.text).toContain('48.00 EUR')
    expect(message?.text).toContain('Shop')
  })

  it('a test number always gets its fixed PIN', () => {
    const s = fakeEngine()
    s.engine.setTestNumber('+44 7700 900999', '424242')
    const id = s.start({ number: '447700900999' })
    expect(s.pin(id)).toBe('424242')
    s.advance(305)
    expect(s.messages(id).map((m) => m.pin)).toEqual(['424242', '424242', '424242'])
  })
})
