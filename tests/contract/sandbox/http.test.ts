import { describe, expect, it } from 'vitest'
import { DATE, REQUEST_ID, expectAllStrings, expectSearchObject } from './support/assert'
import { basic, getJson, postForm, postJson, qs, raw, type Body } from './support/http'
import {
  admin,
  advance,
  expectStarted,
  messages,
  pinOf,
  sandboxForAllTests,
  startSandbox,
  uniqueNumber,
  wrongCode,
} from './support/sandbox'
import { UNPARSEABLE_JSON } from './support/texts'

// Raw HTTP against a running sandbox: every encoding and auth style the reference (§1) lists.
const sb = sandboxForAllTests()

const start = (extra: Record<string, string> = {}) =>
  expectStarted(sb, { brand: 'Acme Inc', ...extra })

describe('encodings and authentication', () => {
  it('accepts the seed GET with everything in the query string, as written', async () => {
    const number = uniqueNumber()
    const path = `/verify/json?api_key=${sb.key}&api_secret=${encodeURIComponent(sb.secret)}&number=${number}&brand=Acme`
    const res = await raw(sb.base, { path })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json(;|$)/)
    const body = JSON.parse(res.text) as Body
    expect(Object.keys(body).sort()).toEqual(['request_id', 'status'])
    expect(body.status).toBe('0')
    expect(body.request_id).toMatch(REQUEST_ID)

    // The cURL-style GET works for search, check and control too.
    const id = body.request_id as string
    const search = await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_id: id })
    expectSearchObject(search.body, id)
    expect(search.body.number).toBe(number)
    expect(search.body.status).toBe('IN PROGRESS')
    const pin = await pinOf(sb.base, id)
    const check = await getJson(sb.base, '/verify/check/json', {
      ...sb.creds,
      request_id: id,
      code: pin,
    })
    expect(check.body.status).toBe('0')
  })

  it('accepts a form POST for request, check, search and control', async () => {
    const id = await start()
    const wrong = await postForm(sb.base, '/verify/check/json', {
      ...sb.creds,
      request_id: id,
      code: wrongCode(await pinOf(sb.base, id)),
    })
    expect(wrong.body.status).toBe('16')
    expect(wrong.body.request_id).toBe(id)
    const search = await postForm(sb.base, '/verify/search/json', { ...sb.creds, request_id: id })
    expectSearchObject(search.body, id)
    expect((search.body.checks as Body[]).map((c) => c.status)).toEqual(['INVALID'])
    const control = await postForm(sb.base, '/verify/control/json', {
      ...sb.creds,
      request_id: id,
      cmd: 'trigger_next_event',
    })
    expect(control.body).toEqual({ status: '0', command: 'trigger_next_event' })
  })

  it('accepts a JSON POST with numbers as JSON numbers or strings', async () => {
    const res = await postJson(sb.base, '/verify/json', {
      ...sb.creds,
      number: uniqueNumber(),
      brand: 'Acme Inc',
      code_length: 6,
      pin_expiry: 240,
      next_event_wait: '120',
      workflow_id: '4',
      lg: 'en-gb',
    })
    expect(res.body.status).toBe('0')
    const id = res.body.request_id as string
    const pin = await pinOf(sb.base, id)
    expect(pin).toMatch(/^\d{6}$/)
    const check = await postJson(sb.base, '/verify/check/json', {
      ...sb.creds,
      request_id: id,
      code: pin,
    })
    expect(check.body.status).toBe('0')
  })

  it('accepts a code sent as a JSON number', async () => {
    const number = uniqueNumber()
    await admin(sb.base, '/test-numbers', { number, pin: '4321' }, 'PUT')
    const id = (await postJson(sb.base, '/verify/json', { ...sb.creds, number, brand: 'Acme' }))
      .body.request_id as string
    const check = await postJson(sb.base, '/verify/check/json', {
      ...sb.creds,
      request_id: id,
      code: 4321,
    })
    expect(check.body.status).toBe('0')
  })

  it('accepts credentials from an Authorization: Basic header alone', async () => {
    const auth = { authorization: basic(sb.key, sb.secret) }
    const started = await postJson(
      sb.base,
      '/verify/json',
      { number: uniqueNumber(), brand: 'Acme' },
      auth,
    )
    expect(started.body.status).toBe('0')
    const id = started.body.request_id as string
    const search = await raw(sb.base, {
      path: `/verify/search/json?request_id=${id}`,
      headers: auth,
    })
    expect((JSON.parse(search.text) as Body).request_id).toBe(id)
    const check = await postForm(
      sb.base,
      '/verify/check/json',
      { request_id: id, code: await pinOf(sb.base, id) },
      auth,
    )
    expect(check.body.status).toBe('0')
  })

  it('rejects a Basic header with a wrong secret with status 4', async () => {
    const res = await postJson(
      sb.base,
      '/verify/json',
      { number: uniqueNumber(), brand: 'Acme' },
      { authorization: basic(sb.key, 'not-the-secret') },
    )
    expect(res.http).toBe(200)
    expect(res.body.status).toBe('4')
  })

  it('lets credentials in the parameters override a Basic header', async () => {
    const res = await postForm(
      sb.base,
      '/verify/json',
      { ...sb.creds, number: uniqueNumber(), brand: 'Acme' },
      { authorization: basic(sb.key, 'stale-secret') },
    )
    expect(res.body.status).toBe('0')
  })

  it('sends a 4-digit PIN by default and a 6-digit one with code_length 6', async () => {
    expect(await pinOf(sb.base, await start())).toMatch(/^\d{4}$/)
    expect(await pinOf(sb.base, await start({ code_length: '6' }))).toMatch(/^\d{6}$/)
  })

  it('merges the query string with the form body', async () => {
    const res = await raw(sb.base, {
      method: 'POST',
      path: `/verify/json?${qs(sb.creds)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: qs({ number: uniqueNumber(), brand: 'Acme' }),
    })
    expect(res.status).toBe(200)
    expect((JSON.parse(res.text) as Body).status).toBe('0')
  })

  it("accepts the spec's own example number 447700900000", async () => {
    const res = await getJson(sb.base, '/verify/json', {
      ...sb.creds,
      number: '447700900000',
      brand: 'Acme',
    })
    expect(res.body.status).toBe('0')
    expect(res.body.request_id).toMatch(REQUEST_ID)
  })
})

describe('answers on the wire', () => {
  it('answers unparseable JSON with status 999 and the exact text', async () => {
    for (const body of ['{"number": ', '', 'not json', '{"a":1}}']) {
      const res = await raw(sb.base, {
        method: 'POST',
        path: '/verify/json',
        headers: { 'content-type': 'application/json' },
        body,
      })
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toMatch(/^application\/json(;|$)/)
      expect(JSON.parse(res.text)).toEqual({ status: '999', error_text: UNPARSEABLE_JSON })
    }
  })

  it('answers other HTTP methods with HTTP 403', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      for (const path of [
        '/verify/json',
        '/verify/check/json',
        '/verify/search/json',
        '/verify/control/xml',
      ]) {
        const res = await raw(sb.base, { method, path: `${path}?${qs(sb.creds)}` })
        expect(res.status, `${method} ${path}`).toBe(403)
      }
    }
  })

  it('answers unknown paths with HTTP 404 and a JSON body', async () => {
    for (const path of [
      '/verify/nope/json',
      '/verify/json/extra',
      '/verify/psd2/xml',
      '/nothing',
      '/verify/check/yaml',
    ]) {
      const res = await raw(sb.base, { path: `${path}?${qs(sb.creds)}` })
      expect(res.status, path).toBe(404)
      expect(res.headers['content-type'], path).toMatch(/^application\/json(;|$)/)
      expect(JSON.parse(res.text), path).toEqual({
        error: { code: 'not_found', message: `No such endpoint: GET ${path}` },
      })
    }
  })

  it('answers API-level errors with HTTP 200, application/json and string values', async () => {
    const cases: [string, Record<string, string>][] = [
      ['/verify/json', { number: uniqueNumber() }],
      ['/verify/check/json', { ...sb.creds, request_id: 'f'.repeat(32), code: '1234' }],
      ['/verify/search/json', { ...sb.creds, request_id: 'f'.repeat(32) }],
      ['/verify/control/json', { ...sb.creds, request_id: 'f'.repeat(32), cmd: 'cancel' }],
      ['/verify/psd2/json', { ...sb.creds, number: uniqueNumber() }],
    ]
    for (const [path, params] of cases) {
      const res = await getJson(sb.base, path, params)
      expect(res.http, path).toBe(200)
      expect(res.contentType, path).toMatch(/^application\/json(;|$)/)
      expect(res.body.status, path).not.toBe('0')
      expect(typeof res.body.error_text, path).toBe('string')
      expectAllStrings(res.body)
    }
  })

  it('gives 32-hex ids, UTC dates and an empty date_finalized while in progress', async () => {
    const before = Date.now()
    const id = await start()
    const after = Date.now()
    expect(id).toMatch(REQUEST_ID)
    const res = await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_id: id })
    expectSearchObject(res.body, id)
    expect(res.body.status).toBe('IN PROGRESS')
    expect(res.body.date_finalized).toBe('')
    expect(res.body.date_submitted).toMatch(DATE)
    expect(res.body.first_event_date).toMatch(DATE)
    expect(res.body.sender_id).toBe('verify')
    expect(res.body.account_id).not.toBe('')
    // UTC: the submission date is "now" in UTC (the sandbox clock has not been moved here): the
    // second of the start, between the moments before and after it however long it took.
    const submitted = Date.parse(`${String(res.body.date_submitted).replace(' ', 'T')}Z`)
    expect(submitted).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
    expect(submitted).toBeLessThanOrEqual(after)

    const pin = await pinOf(sb.base, id)
    await postForm(sb.base, '/verify/check/json', { ...sb.creds, request_id: id, code: pin })
    const done = await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_id: id })
    expectSearchObject(done.body, id)
    expect(done.body.status).toBe('SUCCESS')
    expect(done.body.date_finalized).toMatch(DATE)
    expect((done.body.checks as Body[])[0]).toMatchObject({
      code: pin,
      status: 'VALID',
      ip_address: '',
    })
  })

  it('answers every endpoint with only string values', async () => {
    const id = await start({ sender_id: 'ACME' })
    const search = await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_id: id })
    expectAllStrings(search.body)
    expect(search.body.sender_id).toBe('ACME')
    const check = await postForm(sb.base, '/verify/check/json', {
      ...sb.creds,
      request_id: id,
      code: await pinOf(sb.base, id),
    })
    expectAllStrings(check.body)
    expect(Object.keys(check.body)).toEqual(
      expect.arrayContaining(['request_id', 'status', 'event_id', 'price', 'currency']),
    )
  })

  it('uses the first value of a repeated request_id', async () => {
    const a = await start()
    const b = await start()
    const res = await raw(sb.base, {
      path: `/verify/search/json?${qs({ ...sb.creds, request_id: [a, b] })}`,
    })
    expectSearchObject(JSON.parse(res.text) as Body, a)
  })

  it('moves last_event_date and the estimated message price on with every event', async () => {
    // A frozen real-time base: the sandbox clock only moves when the admin API moves it.
    const own = await startSandbox({ now: () => Date.parse('2026-03-01T10:00:00.000Z') })
    const search = async () =>
      (await getJson(own.base, '/verify/search/json', { ...own.creds, request_id: id })).body
    const started = await postForm(own.base, '/verify/json', {
      ...own.creds,
      number: uniqueNumber(),
      brand: 'Acme Inc',
      workflow_id: '1',
    })
    const id = started.body.request_id as string
    try {
      const before = await search()
      expect(before).toMatchObject({
        date_submitted: '2026-03-01 10:00:00',
        first_event_date: '2026-03-01 10:00:00',
        last_event_date: '2026-03-01 10:00:00',
      })
      await advance(own.base, 47)
      await postForm(own.base, '/verify/control/json', {
        ...own.creds,
        request_id: id,
        cmd: 'trigger_next_event',
      })
      const after = await search()
      expect(after.events).toHaveLength(2)
      expect(after).toMatchObject({
        first_event_date: '2026-03-01 10:00:00',
        last_event_date: '2026-03-01 10:00:47',
      })
      expect(Number(after.estimated_price_messages_sent)).toBeGreaterThan(
        Number(before.estimated_price_messages_sent),
      )
    } finally {
      await own.close()
    }
  })

  it('returns verification_requests for several request_ids', async () => {
    const a = await start()
    const b = await start()
    const res = await raw(sb.base, {
      path: `/verify/search/json?${qs({ ...sb.creds, request_ids: [a, b] })}`,
    })
    const body = JSON.parse(res.text) as Body
    expect(Object.keys(body)).toEqual(['verification_requests'])
    const list = body.verification_requests as Body[]
    expect(list.map((r) => r.request_id).sort()).toEqual([a, b].sort())
    for (const r of list) expectSearchObject(r)
  })

  it('uses only request_id when both request_id and request_ids are given', async () => {
    const a = await start()
    const b = await start()
    const res = await getJson(sb.base, '/verify/search/json', {
      ...sb.creds,
      request_id: a,
      request_ids: [a, b],
    })
    expectSearchObject(res.body, a)
  })

  it('puts payee and amount of a PSD2 request into the message', async () => {
    const res = await postForm(sb.base, '/verify/psd2/json', {
      ...sb.creds,
      number: uniqueNumber(),
      payee: 'Acme Shop',
      amount: '48.00',
    })
    expect(res.body.status).toBe('0')
    const id = res.body.request_id as string
    const [msg] = await messages(sb.base, id)
    expect(msg?.text).toContain('Acme Shop')
    expect(msg?.text).toContain('48.00 EUR')
  })
})

describe('the documented sandbox price list (EUR)', () => {
  let n = 0
  const numbers: Record<string, () => string> = {
    GB: () => uniqueNumber(),
    US: () => `1415555${String(1000 + (n++ % 9000))}`,
    other: () => `81901234${String(1000 + (n++ % 9000))}`,
  }
  it.each([
    ['GB', 0.05, 0.033, 0.022],
    ['US', 0.05, 0.0075, 0.013],
    ['other', 0.1, 0.0333, 0.0333],
  ])(
    '%s: price on success, and each SMS or call adds to the estimate',
    async (country, price, sms, call) => {
      const id = await start({ number: (numbers[country] as () => string)(), workflow_id: '5' })
      const s1 = (await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_id: id }))
        .body
      expect(Number(s1.estimated_price_messages_sent)).toBeCloseTo(sms, 6)
      await postForm(sb.base, '/verify/control/json', {
        ...sb.creds,
        request_id: id,
        cmd: 'trigger_next_event',
      })
      const s2 = (await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_id: id }))
        .body
      expect(Number(s2.estimated_price_messages_sent)).toBeCloseTo(sms + call, 6)
      const check = await postForm(sb.base, '/verify/check/json', {
        ...sb.creds,
        request_id: id,
        code: await pinOf(sb.base, id),
      })
      expect(check.body.status).toBe('0')
      expect(Number(check.body.price)).toBeCloseTo(price, 6)
      expect(Number(check.body.estimated_price_messages_sent)).toBeCloseTo(sms + call, 6)
      const s3 = (await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_id: id }))
        .body
      expect(s3.price).toBe(check.body.price)
    },
  )
})

describe('XML endpoints', () => {
  const decl = '<?xml version="1.0" encoding="UTF-8"?>'
  const root = (xml: string) => /^<\?xml[^>]*\?>\s*<([a-z_]+)[\s>/]/.exec(xml)?.[1]
  /** The last element of that name: the request's own, after any nested <check> elements. */
  const lastTag = (xml: string, name: string) =>
    [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].at(-1)?.[1]
  const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1]

  it('answers /verify/xml with <verify_response>', async () => {
    const res = await raw(sb.base, {
      path: `/verify/xml?${qs({ ...sb.creds, number: uniqueNumber(), brand: 'Acme' })}`,
    })
    expect(res.status).toBe(200)
    // The spec's content type (the live API was seen sending text/plain in 2018).
    expect(res.headers['content-type']).toBe('text/xml')
    expect(res.text.startsWith(decl)).toBe(true)
    expect(root(res.text)).toBe('verify_response')
    expect(tag(res.text, 'status')).toBe('0')
    expect(tag(res.text, 'request_id')).toMatch(REQUEST_ID)
  })

  it('escapes XML special characters in values', async () => {
    const id = await start({ sender_id: '<a&b>' })
    const res = await raw(sb.base, {
      path: `/verify/search/xml?${qs({ ...sb.creds, request_id: id })}`,
    })
    expect(res.text).toContain('<sender_id>&lt;a&amp;b&gt;</sender_id>')
    const check = await raw(sb.base, {
      path: `/verify/check/xml?${qs({ ...sb.creds, request_id: '<x>&', code: '1234' })}`,
    })
    expect(check.text).toContain('<request_id>&lt;x&gt;&amp;</request_id>')
    expect(check.text).not.toContain('<x>')
  })

  it('renders an injected fault in XML on an XML endpoint', async () => {
    await admin(sb.base, '/faults', { endpoint: 'request', status: '5' })
    const res = await raw(sb.base, {
      path: `/verify/xml?${qs({ ...sb.creds, number: uniqueNumber(), brand: 'Acme' })}`,
    })
    expect(res.status).toBe(200)
    expect(res.text.startsWith(decl)).toBe(true)
    expect(root(res.text)).toBe('verify_response')
    expect(tag(res.text, 'status')).toBe('5')
    expect(tag(res.text, 'error_text')).toBe('Internal Error')
  })

  it('answers check, search and control in XML with their documented roots', async () => {
    const id = await start()
    const a = await start()
    const wrong = await raw(sb.base, {
      method: 'POST',
      path: '/verify/check/xml',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: qs({ ...sb.creds, request_id: id, code: wrongCode(await pinOf(sb.base, id)) }),
    })
    expect(wrong.text.startsWith(decl)).toBe(true)
    expect(root(wrong.text)).toBe('verify_response')
    expect(tag(wrong.text, 'status')).toBe('16')
    expect(tag(wrong.text, 'request_id')).toBe(id)

    const one = await raw(sb.base, {
      path: `/verify/search/xml?${qs({ ...sb.creds, request_id: id })}`,
    })
    expect(one.text.startsWith(decl)).toBe(true)
    expect(root(one.text)).toBe('verify_request')
    expect(tag(one.text, 'request_id')).toBe(id)
    expect(lastTag(one.text, 'status')).toBe('IN PROGRESS')
    expect(one.text).toMatch(/<check>.*<status>INVALID<\/status>.*<\/check>/s)

    const many = await raw(sb.base, {
      path: `/verify/search/xml?${qs({ ...sb.creds, request_ids: [id, a] })}`,
    })
    expect(many.text.startsWith(decl)).toBe(true)
    expect(root(many.text)).toBe('verification_requests')
    expect(many.text.match(/<verify_request>/g)).toHaveLength(2)

    const control = await raw(sb.base, {
      path: `/verify/control/xml?${qs({ ...sb.creds, request_id: id, cmd: 'trigger_next_event' })}`,
    })
    expect(control.text.startsWith(decl)).toBe(true)
    expect(root(control.text)).toBe('response')
    expect(tag(control.text, 'status')).toBe('0')
    expect(tag(control.text, 'command')).toBe('trigger_next_event')

    const missing = await raw(sb.base, {
      path: `/verify/search/xml?${qs({ ...sb.creds, request_id: 'a'.repeat(32) })}`,
    })
    expect(missing.status).toBe(200)
    expect(missing.text.startsWith(decl)).toBe(true)
    expect(tag(missing.text, 'status')).toBe('101')
    expect(tag(missing.text, 'error_text')).toBe('No response found')
  })
})

describe('the web-standard fetch handler', () => {
  it('answers like the HTTP server: start, check, 999, 403, 404, XML', async () => {
    const f = (path: string, init?: RequestInit) =>
      sb.sandbox.fetch(new Request(`http://sandbox${path}`, init))
    const started = await f('/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...sb.creds, number: uniqueNumber(), brand: 'Fetch' }),
    })
    expect(started.status).toBe(200)
    expect(started.headers.get('content-type')).toMatch(/^application\/json(;|$)/)
    const { request_id: id, status } = (await started.json()) as Body
    expect(status).toBe('0')
    // The same sandbox behind HTTP sees it.
    const pin = await pinOf(sb.base, id as string)
    const check = await f(
      `/verify/check/json?${qs({ ...sb.creds, request_id: id as string, code: pin })}`,
    )
    expect(((await check.json()) as Body).status).toBe('0')
    const bad = await f('/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    })
    expect(await bad.json()).toEqual({ status: '999', error_text: UNPARSEABLE_JSON })
    expect((await f('/verify/json', { method: 'DELETE' })).status).toBe(403)
    const missing = await f('/nowhere')
    expect(missing.status).toBe(404)
    await expect(missing.json()).resolves.toEqual({
      error: { code: 'not_found', message: 'No such endpoint: GET /nowhere' },
    })
    const xml = await f(`/verify/search/xml?${qs({ ...sb.creds, request_id: id as string })}`)
    expect(await xml.text()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\s*<verify_request>/)
  })
})
