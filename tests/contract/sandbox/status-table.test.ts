import { describe, expect, it } from 'vitest'
import { REQUEST_ID, expectAllStrings } from './support/assert'
import { getJson, postForm, postJson, raw, type ApiResult, type Params } from './support/http'
import {
  advance,
  frozenClock,
  pinOf,
  sandboxForAllTests,
  startSandbox,
  startVerify,
  uniqueNumber,
  wrongCode,
} from './support/sandbox'
import * as T from './support/texts'

// One row per status code and parameter rule of the reference (§2, §4, §5), at the HTTP level.
const sb = sandboxForAllTests()

type Endpoint = 'request' | 'check' | 'search' | 'control' | 'psd2'
const PATH: Record<Endpoint, string> = {
  request: '/verify/json',
  check: '/verify/check/json',
  search: '/verify/search/json',
  control: '/verify/control/json',
  psd2: '/verify/psd2/json',
}

/** An exact text, a set of documented alternatives, or a documented prefix (`Invalid value for param: x`). */
type Expected = string | string[] | { param: string }

function expectStatus(res: ApiResult, status: string, text?: Expected): void {
  expect(res.http).toBe(200)
  expect(res.contentType).toMatch(/^application\/json(;|$)/)
  expectAllStrings(res.body)
  expect(res.body, JSON.stringify(res.body)).toMatchObject({ status })
  if (text === undefined) return
  if (typeof text === 'string') expect(res.body.error_text).toBe(text)
  else if (Array.isArray(text)) expect(text).toContain(res.body.error_text)
  else {
    // The reference gives the shape "Invalid value for param: <name>" and no exact suffix.
    const prefix = T.invalid(text.param)
    expect(res.body.error_text).toMatch(
      new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\. .+)?$`),
    )
  }
}

const call = (ep: Endpoint, params: Params) => postForm(sb.base, PATH[ep], params)

async function start(params: Params = {}): Promise<string> {
  const res = await startVerify(sb, params)
  expectStatus(res, '0')
  return res.body.request_id as string
}

const base = () => ({ ...sb.creds, number: uniqueNumber(), brand: 'Acme' })
const psd2 = () => ({ ...sb.creds, number: uniqueNumber(), payee: 'Acme Shop', amount: '12.50' })

describe('status 0 at the boundaries of every rule', () => {
  const accepted: [string, Params][] = [
    ['brand of 18 characters', { brand: 'A'.repeat(18) }],
    ['brand with punctuation', { brand: '$$$%%%@@@' }],
    ['brand of 18 Cyrillic characters', { brand: 'Я'.repeat(18) }],
    ['sender_id of 11 characters', { sender_id: 'B'.repeat(11) }],
    ['Cyrillic sender_id', { sender_id: 'Привет' }],
    ['code_length 4', { code_length: '4' }],
    ['code_length 6', { code_length: '6' }],
    ['code_length with leading zeros', { code_length: '06' }],
    ['lg from the list', { lg: 'de-de' }],
    ['lg yue-cn', { lg: 'yue-cn' }],
    ['pin_expiry 60', { pin_expiry: '60' }],
    ['pin_expiry 3600', { pin_expiry: '3600' }],
    ['next_event_wait 60', { next_event_wait: '60' }],
    ['next_event_wait 900', { next_event_wait: '900' }],
    ['workflow_id 1', { workflow_id: '1' }],
    ['workflow_id 7', { workflow_id: '7' }],
    ['country GB with a national number', { country: 'GB', number: '07400123999' }],
    ['lower-case country', { country: 'gb', number: '07400123998' }],
  ]
  it.each(accepted)('accepts %s', async (_name, extra) => {
    const res = await call('request', { ...base(), ...extra })
    expectStatus(res, '0')
    expect(res.body.request_id).toMatch(REQUEST_ID)
  })

  it('accepts a PSD2 request with payee and amount', async () => {
    expectStatus(await call('psd2', psd2()), '0')
    expectStatus(await call('psd2', { ...psd2(), payee: 'P'.repeat(18), lg: 'bg-bg' }), '0')
  })
})

describe('status 2: missing parameters', () => {
  const rows: [string, Endpoint, () => Params, Expected][] = [
    [
      'request without api_key',
      'request',
      () => ({ number: uniqueNumber(), brand: 'A' }),
      T.MISSING_API_KEY,
    ],
    [
      'request with an empty api_key',
      'request',
      () => ({ ...base(), api_key: '' }),
      T.MISSING_API_KEY,
    ],
    [
      'request without api_secret',
      'request',
      () => ({ ...base(), api_secret: undefined }),
      T.MISSING_SOME,
    ],
    [
      'request without number',
      'request',
      () => ({ ...base(), number: undefined }),
      T.missing('number'),
    ],
    [
      'request without brand',
      'request',
      () => ({ ...base(), brand: undefined }),
      T.missing('brand'),
    ],
    [
      'request with an empty brand',
      'request',
      () => ({ ...base(), brand: '' }),
      T.missing('brand'),
    ],
    [
      'check without code',
      'check',
      () => ({ ...sb.creds, request_id: 'a'.repeat(32) }),
      T.missing('code'),
    ],
    [
      'check with an empty code',
      'check',
      () => ({ ...sb.creds, request_id: 'a'.repeat(32), code: '' }),
      T.missing('code'),
    ],
    [
      'check without request_id',
      'check',
      () => ({ ...sb.creds, code: '1234' }),
      T.missing('request_id'),
    ],
    [
      'check without api_key',
      'check',
      () => ({ request_id: 'a'.repeat(32), code: '1234' }),
      T.MISSING_API_KEY,
    ],
    ['search without request_id', 'search', () => ({ ...sb.creds }), T.missing('request_id')],
    ['search without api_key', 'search', () => ({ request_id: 'a'.repeat(32) }), T.MISSING_API_KEY],
    [
      'control without cmd',
      'control',
      () => ({ ...sb.creds, request_id: 'a'.repeat(32) }),
      T.missing('cmd'),
    ],
    [
      'control without request_id',
      'control',
      () => ({ ...sb.creds, cmd: 'cancel' }),
      T.missing('request_id'),
    ],
    ['psd2 without payee', 'psd2', () => ({ ...psd2(), payee: undefined }), T.missing('payee')],
    ['psd2 without amount', 'psd2', () => ({ ...psd2(), amount: undefined }), T.missing('amount')],
    ['psd2 without number', 'psd2', () => ({ ...psd2(), number: undefined }), T.missing('number')],
    ['psd2 without api_key', 'psd2', () => ({ ...psd2(), api_key: undefined }), T.MISSING_API_KEY],
  ]
  it.each(rows)('%s', async (_name, ep, params, text) => {
    expectStatus(await call(ep, params()), '2', text)
  })
})

describe('status 3: invalid values', () => {
  const rows: [string, Endpoint, () => Params, Expected][] = [
    [
      'number with letters',
      'request',
      () => ({ ...base(), number: 'notanumber' }),
      T.invalid('number'),
    ],
    ['number too short', 'request', () => ({ ...base(), number: '12' }), T.invalid('number')],
    ['country of one letter', 'request', () => ({ ...base(), country: 'R' }), T.invalid('country')],
    [
      'country of three letters',
      'request',
      () => ({ ...base(), country: 'RUS' }),
      T.invalid('country'),
    ],
    [
      'brand of 19 characters',
      'request',
      () => ({ ...base(), brand: 'A'.repeat(19) }),
      T.TOO_LONG('brand'),
    ],
    [
      'brand of 19 Cyrillic characters',
      'request',
      () => ({ ...base(), brand: 'Я'.repeat(19) }),
      T.TOO_LONG('brand'),
    ],
    [
      'sender_id of 12 characters',
      'request',
      () => ({ ...base(), sender_id: 'B'.repeat(12) }),
      T.TOO_LONG('sender_id'),
    ],
    ...['0', '-1', '3', '5', '7', '999999'].map((v): [string, Endpoint, () => Params, Expected] => [
      `code_length ${v}`,
      'request',
      () => ({ ...base(), code_length: v }),
      T.CODE_LENGTH_ALLOWED,
    ]),
    [
      'code_length 4.0',
      'request',
      () => ({ ...base(), code_length: '4.0' }),
      T.invalid('code_length'),
    ],
    [
      'code_length +4',
      'request',
      () => ({ ...base(), code_length: '+4' }),
      T.invalid('code_length'),
    ],
    ['lg en_us', 'request', () => ({ ...base(), lg: 'en_us' }), T.invalid('lg')],
    ['lg rururu', 'request', () => ({ ...base(), lg: 'rururu' }), T.invalid('lg')],
    ['pin_expiry 59', 'request', () => ({ ...base(), pin_expiry: '59' }), { param: 'pin_expiry' }],
    [
      'pin_expiry 3601',
      'request',
      () => ({ ...base(), pin_expiry: '3601' }),
      { param: 'pin_expiry' },
    ],
    [
      'next_event_wait 59',
      'request',
      () => ({ ...base(), next_event_wait: '59' }),
      { param: 'next_event_wait' },
    ],
    [
      'next_event_wait 901',
      'request',
      () => ({ ...base(), next_event_wait: '901' }),
      { param: 'next_event_wait' },
    ],
    ['workflow_id 0', 'request', () => ({ ...base(), workflow_id: '0' }), { param: 'workflow_id' }],
    ['workflow_id 8', 'request', () => ({ ...base(), workflow_id: '8' }), { param: 'workflow_id' }],
    [
      'workflow_id abc',
      'request',
      () => ({ ...base(), workflow_id: 'abc' }),
      { param: 'workflow_id' },
    ],
    ...['????', '1-34', '%s', '12a4'].map((code): [string, Endpoint, () => Params, Expected] => [
      `check code ${code}`,
      'check',
      () => ({ ...sb.creds, request_id: 'a'.repeat(32), code }),
      T.CODE_INVALID_CHARS,
    ]),
    ...['delete', 'resend', 'CANCEL'].map((cmd): [string, Endpoint, () => Params, Expected] => [
      `control cmd ${cmd}`,
      'control',
      () => ({ ...sb.creds, request_id: 'a'.repeat(32), cmd }),
      T.CMD_INVALID,
    ]),
    [
      'psd2 number with letters',
      'psd2',
      () => ({ ...psd2(), number: 'notanumber' }),
      T.invalid('number'),
    ],
    ['psd2 lg outside the PSD2 list', 'psd2', () => ({ ...psd2(), lg: 'ja-jp' }), T.invalid('lg')],
    ['psd2 code_length 5', 'psd2', () => ({ ...psd2(), code_length: '5' }), T.CODE_LENGTH_ALLOWED],
    [
      'psd2 payee of 19 characters',
      'psd2',
      () => ({ ...psd2(), payee: 'P'.repeat(19) }),
      { param: 'payee' },
    ],
    [
      'psd2 amount not a number',
      'psd2',
      () => ({ ...psd2(), amount: 'lots' }),
      { param: 'amount' },
    ],
    [
      'psd2 workflow_id 8',
      'psd2',
      () => ({ ...psd2(), workflow_id: '8' }),
      { param: 'workflow_id' },
    ],
  ]
  it.each(rows)('%s', async (_name, ep, params, text) => {
    expectStatus(await call(ep, params()), '3', text)
  })
})

describe('status 4: bad credentials', () => {
  const other = [...T.BAD_CREDENTIALS_OTHER, 'Invalid credentials were provided']
  const rows: [string, Endpoint, () => Params, string[]][] = [
    [
      'request with a wrong secret',
      'request',
      () => ({ ...base(), api_secret: 'wrong' }),
      T.BAD_CREDENTIALS_REQUEST,
    ],
    [
      'request with an unknown key',
      'request',
      () => ({ ...base(), api_key: 'nobody42' }),
      T.BAD_CREDENTIALS_REQUEST,
    ],
    [
      'psd2 with a wrong secret',
      'psd2',
      () => ({ ...psd2(), api_secret: 'wrong' }),
      T.BAD_CREDENTIALS_REQUEST,
    ],
    [
      'check with a wrong secret',
      'check',
      () => ({ ...sb.creds, api_secret: 'x', request_id: 'a'.repeat(32), code: '1234' }),
      other,
    ],
    [
      'search with an unknown key',
      'search',
      () => ({ api_key: 'nobody42', api_secret: 'x', request_id: 'a'.repeat(32) }),
      other,
    ],
    [
      'control with a wrong secret',
      'control',
      () => ({ ...sb.creds, api_secret: 'x', request_id: 'a'.repeat(32), cmd: 'cancel' }),
      other,
    ],
  ]
  it.each(rows)('%s', async (_name, ep, params, texts) => {
    expectStatus(await call(ep, params()), '4', texts)
  })
})

describe('status 6: unknown or inactive request', () => {
  it('check of an unknown request_id', async () => {
    const id = 'b'.repeat(32)
    expectStatus(
      await call('check', { ...sb.creds, request_id: id, code: '1234' }),
      '6',
      T.CHECK_NOT_FOUND(id),
    )
  })

  it('check again after a correct code', async () => {
    const id = await start()
    const pin = await pinOf(sb.base, id)
    expectStatus(await call('check', { ...sb.creds, request_id: id, code: pin }), '0')
    expectStatus(
      await call('check', { ...sb.creds, request_id: id, code: pin }),
      '6',
      T.CHECK_NOT_FOUND(id),
    )
  })

  it('trigger and cancel after a correct code, and after three wrong codes', async () => {
    const done = await start()
    expectStatus(
      await call('check', { ...sb.creds, request_id: done, code: await pinOf(sb.base, done) }),
      '0',
    )
    await advance(sb.base, 30)
    for (const cmd of ['trigger_next_event', 'cancel']) {
      expectStatus(
        await call('control', { ...sb.creds, request_id: done, cmd }),
        '6',
        T.CONTROL_NOT_ACTIVE(done),
      )
    }
    const failed = await start()
    const wrong = wrongCode(await pinOf(sb.base, failed))
    for (let i = 0; i < 3; i++)
      await call('check', { ...sb.creds, request_id: failed, code: wrong })
    expectStatus(
      await call('control', { ...sb.creds, request_id: failed, cmd: 'trigger_next_event' }),
      '6',
      T.CONTROL_NOT_ACTIVE(failed),
    )
  })

  it('control of an unknown request_id', async () => {
    const id = 'c'.repeat(32)
    expectStatus(
      await call('control', { ...sb.creds, request_id: id, cmd: 'cancel' }),
      '6',
      T.CONTROL_NOT_ACTIVE(id),
    )
  })

  it('cancel again, trigger and check after a cancel', async () => {
    const id = await start()
    const pin = await pinOf(sb.base, id)
    await advance(sb.base, 30)
    expectStatus(await call('control', { ...sb.creds, request_id: id, cmd: 'cancel' }), '0')
    expectStatus(
      await call('control', { ...sb.creds, request_id: id, cmd: 'cancel' }),
      '6',
      T.CONTROL_NOT_ACTIVE(id),
    )
    expectStatus(
      await call('control', { ...sb.creds, request_id: id, cmd: 'trigger_next_event' }),
      '6',
      T.CONTROL_NOT_ACTIVE(id),
    )
    // A cancelled request stays terminated even if the user supplies the right code later.
    expectStatus(
      await call('check', { ...sb.creds, request_id: id, code: pin }),
      '6',
      T.CHECK_NOT_FOUND(id),
    )
  })

  it("another account's request is unknown to this account", async () => {
    // The same sandbox, another API key: its check, cancel and next event all answer 6.
    const other = { api_key: 'sandbox-pin', api_secret: 'sandbox-pin-secret' }
    const id = await start()
    const pin = await pinOf(sb.base, id)
    expectStatus(
      await call('check', { ...other, request_id: id, code: pin }),
      '6',
      T.CHECK_NOT_FOUND(id),
    )
    await advance(sb.base, 30)
    for (const cmd of ['cancel', 'trigger_next_event']) {
      expectStatus(
        await call('control', { ...other, request_id: id, cmd }),
        '6',
        T.CONTROL_NOT_ACTIVE(id),
      )
    }
    const search = await call('search', { ...other, request_id: id })
    expect(search.body).toMatchObject({ status: '101' })
    // Untouched for its own account: still in progress, and the PIN still works there.
    expectStatus(await call('check', { ...sb.creds, request_id: id, code: pin }), '0')
  })
})

describe('status 10: concurrent verification to the same number', () => {
  it('returns the in-flight request_id', async () => {
    const number = uniqueNumber()
    const first = await call('request', { ...base(), number })
    expectStatus(first, '0')
    const second = await call('request', { ...base(), number, brand: 'Other' })
    expectStatus(second, '10', [T.CONCURRENT, `${T.CONCURRENT}.`])
    expect(second.body.request_id).toBe(first.body.request_id)
  })

  it('lets exactly one of 20 simultaneous requests to a number through', async () => {
    const number = uniqueNumber()
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('request', { ...base(), number: i % 2 ? number : `+${number}` }),
      ),
    )
    const ok = answers.filter((a) => a.body.status === '0')
    expect(ok).toHaveLength(1)
    const id = ok[0]?.body.request_id
    for (const a of answers.filter((x) => x !== ok[0])) {
      expect(a.body).toMatchObject({ status: '10', request_id: id })
    }
  })

  it('treats the same number written differently as the same number', async () => {
    const number = uniqueNumber()
    const first = await call('request', { ...base(), number })
    const id = first.body.request_id
    for (const variant of [
      { number: `+${number}` },
      { number: `0${number.slice(2)}`, country: 'GB' },
      { number: `00${number}` },
    ]) {
      const res = await call('request', { ...base(), ...variant })
      expectStatus(res, '10', [T.CONCURRENT, `${T.CONCURRENT}.`])
      expect(res.body.request_id, JSON.stringify(variant)).toBe(id)
    }
    const viaPsd2 = await call('psd2', { ...psd2(), number })
    expectStatus(viaPsd2, '10', [T.CONCURRENT, `${T.CONCURRENT}.`])
    expect(viaPsd2.body.request_id).toBe(id)
  })

  it('allows a new request once the previous one is verified, failed or cancelled', async () => {
    const number = uniqueNumber()
    const a = (await call('request', { ...base(), number })).body.request_id as string
    expectStatus(
      await call('check', { ...sb.creds, request_id: a, code: await pinOf(sb.base, a) }),
      '0',
    )
    const b = await call('request', { ...base(), number })
    expectStatus(b, '0')
    const bid = b.body.request_id as string
    const wrong = wrongCode(await pinOf(sb.base, bid))
    for (let i = 0; i < 3; i++) await call('check', { ...sb.creds, request_id: bid, code: wrong })
    const c = await call('request', { ...base(), number })
    expectStatus(c, '0')
    await advance(sb.base, 30)
    expectStatus(
      await call('control', {
        ...sb.creds,
        request_id: c.body.request_id as string,
        cmd: 'cancel',
      }),
      '0',
    )
    expectStatus(await call('request', { ...base(), number }), '0')
  })
})

describe('statuses 16 and 17: wrong codes', () => {
  it('accepts the right code after two wrong ones', async () => {
    const id = await start()
    const pin = await pinOf(sb.base, id)
    for (let i = 0; i < 2; i++) {
      expectStatus(
        await call('check', { ...sb.creds, request_id: id, code: wrongCode(pin) }),
        '16',
        T.WRONG_CODE,
      )
    }
    expectStatus(await call('check', { ...sb.creds, request_id: id, code: pin }), '0')
    const search = await getJson(sb.base, PATH.search, { ...sb.creds, request_id: id })
    expect((search.body.checks as { status: string }[]).map((c) => c.status)).toEqual([
      'INVALID',
      'INVALID',
      'VALID',
    ])
  })

  it('answers 16, 16, then 17 and the request is FAILED; a fourth check answers 6', async () => {
    const id = await start()
    const pin = await pinOf(sb.base, id)
    const wrong = wrongCode(pin)
    for (let i = 0; i < 2; i++) {
      const res = await call('check', { ...sb.creds, request_id: id, code: wrong })
      expectStatus(res, '16', T.WRONG_CODE)
      expect(res.body.request_id).toBe(id)
    }
    expectStatus(
      await call('check', { ...sb.creds, request_id: id, code: wrong }),
      '17',
      T.TOO_MANY_WRONG,
    )
    const search = await getJson(sb.base, PATH.search, { ...sb.creds, request_id: id })
    expect(search.body.status).toBe('FAILED')
    expect(search.body.checks).toHaveLength(3)
    // Even the right PIN is refused now (KB-PIN: "even if you get the right PIN in the end").
    expectStatus(
      await call('check', { ...sb.creds, request_id: id, code: pin }),
      '6',
      T.CHECK_NOT_FOUND(id),
    )
  })

  it('counts simultaneous wrong codes exactly: one 17, then 6', async () => {
    const id = await start()
    const wrong = wrongCode(await pinOf(sb.base, id))
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call('check', { ...sb.creds, request_id: id, code: wrong })),
    )
    expect(answers.map((a) => a.body.status).sort()).toEqual(['16', '16', '17', '6', '6', '6'])
  })

  it('answers 16 for a code of the wrong length', async () => {
    const id = await start()
    const res = await call('check', { ...sb.creds, request_id: id, code: '12345' })
    expectStatus(res, '16', T.WRONG_CODE)
  })
})

describe('status 18: too many request_ids', () => {
  it('accepts 10 ids and refuses 11', async () => {
    const ids = await Promise.all(Array.from({ length: 11 }, () => start()))
    const ten = await getJson(sb.base, PATH.search, { ...sb.creds, request_ids: ids.slice(0, 10) })
    expect((ten.body.verification_requests as unknown[]).length).toBe(10)
    expectStatus(
      await getJson(sb.base, PATH.search, { ...sb.creds, request_ids: ids }),
      '18',
      T.TOO_MANY_IDS,
    )
  })
})

describe('status 19: control outside its window', () => {
  it('cancel within the first 30 seconds', async () => {
    // A sandbox of its own on a clock that moves only when told: at 29 s it is 29 s, however long
    // the calls took (on the shared one real time runs on, and a slow second would pass 30 s).
    const own = await startSandbox(frozenClock())
    try {
      const started = await startVerify(own)
      expectStatus(started, '0')
      const id = started.body.request_id as string
      await advance(own.base, 29)
      expectStatus(
        await postForm(own.base, PATH.control, { ...own.creds, request_id: id, cmd: 'cancel' }),
        '19',
        T.CANCEL_TOO_EARLY(id),
      )
    } finally {
      await own.close()
    }
  })

  it('cancel after the second event', async () => {
    const id = await start()
    await advance(sb.base, 30)
    expectStatus(
      await call('control', { ...sb.creds, request_id: id, cmd: 'trigger_next_event' }),
      '0',
    )
    expectStatus(
      await call('control', { ...sb.creds, request_id: id, cmd: 'cancel' }),
      '19',
      T.CANCEL_TOO_LATE(id),
    )
  })

  it('trigger_next_event with no more events', async () => {
    const id = await start({ workflow_id: '6' })
    expectStatus(
      await call('control', { ...sb.creds, request_id: id, cmd: 'trigger_next_event' }),
      '19',
      T.NO_MORE_EVENTS(id),
    )
  })
})

describe('status 20, 101 and 999', () => {
  it('refuses pin_code on an account without the feature', async () => {
    expectStatus(
      await call('request', { ...base(), pin_code: 'AKFG3424' }),
      '20',
      T.PIN_CODE_NOT_ALLOWED,
    )
  })

  it('search finds nothing for an unknown or over-long id', async () => {
    expectStatus(
      await getJson(sb.base, PATH.search, { ...sb.creds, request_id: 'd'.repeat(32) }),
      '101',
      T.NO_RESPONSE,
    )
    expectStatus(
      await getJson(sb.base, PATH.search, { ...sb.creds, request_id: 'd'.repeat(33) }),
      '101',
      T.NO_RESPONSE,
    )
  })

  it('answers bad JSON on every JSON endpoint with 999', async () => {
    for (const path of Object.values(PATH)) {
      const res = await raw(sb.base, {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        body: '{',
      })
      expect(JSON.parse(res.text), path).toEqual({ status: '999', error_text: T.UNPARSEABLE_JSON })
    }
    // JSON that parses but is not an object cannot be read as a request either: 999 as well.
    for (const body of [[], ['a'], 'x', 42, null]) {
      const res = await postJson(sb.base, PATH.request, body as unknown as Record<string, unknown>)
      expectStatus(res, '999', T.UNPARSEABLE_JSON)
    }
  })
})

describe('status 1: throttle', () => {
  it('answers Throttled beyond 30 requests per second for one account (the default)', async () => {
    // A frozen real-time base: the second only ends when the admin API moves the clock.
    const frozen = Date.now()
    const throttled = await startSandbox({ now: () => frozen, throttlePerSecond: undefined })
    const other = { api_key: 'sandbox-pin', api_secret: 'sandbox-pin-secret' }
    const search = (creds: Params) =>
      postForm(throttled.base, PATH.search, { ...creds, request_id: 'e'.repeat(32) })
    try {
      const results = await Promise.all(Array.from({ length: 45 }, () => search(throttled.creds)))
      const statuses = results.map((r) => r.body.status)
      expect(statuses.filter((s) => s === '101')).toHaveLength(30)
      const limited = results.filter((r) => r.body.status === '1')
      expect(limited).toHaveLength(15)
      for (const r of limited) expectStatus(r, '1', T.THROTTLED)
      // Every endpoint counts, and another account has its own budget.
      const start = await postForm(throttled.base, PATH.request, {
        ...throttled.creds,
        number: uniqueNumber(),
        brand: 'Acme',
      })
      expectStatus(start, '1', T.THROTTLED)
      expectStatus(await search(other), '101')
      // The next second brings a new budget.
      await advance(throttled.base, 1)
      expectStatus(await search(throttled.creds), '101', T.NO_RESPONSE)
    } finally {
      await throttled.close()
    }
  })
})
