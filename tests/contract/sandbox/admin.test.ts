import { describe, expect, it, vi } from 'vitest'
import { REQUEST_ID } from './support/assert'
import { basic, getJson, postForm, postJson, raw, type Body } from './support/http'
import {
  admin,
  advance,
  expectStarted,
  listOf,
  messages,
  pinOf,
  sandboxForAllTests,
  startSandbox,
  uniqueNumber,
  wrongCode,
  type Running,
} from './support/sandbox'
import { openSse } from './support/sse'
import * as T from './support/texts'

// The admin API under /__admin/: listing, handset, live stream, clock, faults, test numbers,
// reset, accounts and throttle. Each block gets its own sandbox over real HTTP.
const sb = sandboxForAllTests()

const DIGIT_NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']

/** The admin API's error answer: HTTP status and `{"error":{"code","message"}}`. */
async function adminError(path: string, body: string) {
  const res = await raw(sb.base, {
    method: 'POST',
    path: `/__admin${path}`,
    headers: { 'content-type': 'application/json' },
    body,
  })
  expect(res.headers['content-type'], body).toBe('application/json')
  return { status: res.status, body: JSON.parse(res.text) as unknown }
}

const start = (params: Record<string, string> = {}, on: Running = sb) => expectStarted(on, params)

const check = (id: string, code: string, on: Running = sb) =>
  postForm(on.base, '/verify/check/json', { ...on.creds, request_id: id, code })

const requests = async (query: string, on: Running = sb) =>
  listOf(await admin(on.base, `/requests${query}`), 'requests')

describe('GET /__admin/requests', () => {
  it('lists every request with its PIN, events, checks and status', async () => {
    const number = uniqueNumber()
    const id = await start({ number })
    const pin = await pinOf(sb.base, id)
    await check(id, wrongCode(pin))
    const [req] = await requests(`?number=${number}`)
    expect(req).toMatchObject({ request_id: id, number, pin, status: 'IN PROGRESS' })
    expect(req?.events).toHaveLength(1)
    expect(req?.checks).toEqual([
      expect.objectContaining({ code: wrongCode(pin), status: 'INVALID' }),
    ])
    const one = (await admin(sb.base, `/requests/${id}`)) as Body
    expect(one).toMatchObject({ request_id: id, pin })
  })

  it('filters by number (in any notation), status and account', async () => {
    const number = uniqueNumber()
    const done = await start({ number })
    expect((await check(done, await pinOf(sb.base, done))).body.status).toBe('0')
    const open = await start({ number })
    const other = await start()

    const byNumber = await requests(`?number=%2B${number}`)
    expect(byNumber.map((r) => r.request_id).sort()).toEqual([done, open].sort())

    const success = await requests('?status=SUCCESS')
    expect(success.map((r) => r.request_id)).toContain(done)
    expect(success.every((r) => r.status === 'SUCCESS')).toBe(true)
    const inProgress = await requests(`?status=${encodeURIComponent('IN PROGRESS')}`)
    expect(inProgress.map((r) => r.request_id)).toEqual(expect.arrayContaining([open, other]))
    expect(inProgress.map((r) => r.request_id)).not.toContain(done)

    const mine = await requests(`?account=${sb.key}`)
    expect(mine.map((r) => r.request_id)).toEqual(expect.arrayContaining([done, open, other]))
    expect(await requests('?account=nobody')).toEqual([])
  })

  it('looks one request up by request_id: an unknown id is an empty list, not a 404', async () => {
    const id = await start()
    const found = (await admin(sb.base, `/requests?request_id=${id}`)) as Body
    expect(found.total).toBe(1)
    expect(found.requests).toEqual([expect.objectContaining({ request_id: id })])
    const res = await raw(sb.base, {
      method: 'GET',
      path: `/__admin/requests?request_id=${'f'.repeat(32)}`,
    })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text)).toEqual({ requests: [], total: 0 })
  })

  it('looks several requests up in one read: comma-separated or repeated, unknown ids left out', async () => {
    const first = await start({ brand: 'First' })
    const second = await start({ brand: 'Second' })
    await start({ brand: 'Not named' })
    const unknown = 'f'.repeat(32)
    const brands = (answer: unknown) =>
      listOf(answer, 'requests').map((r) => [r.request_id, r.brand])
    const newestFirst = [
      [second, 'Second'],
      [first, 'First'],
    ]
    const comma = await admin(sb.base, `/requests?request_id=${first},${unknown},${second}`)
    expect(brands(comma)).toEqual(newestFirst)
    expect((comma as Body).total).toBe(2)
    const repeated = `/requests?request_id=${first}&request_id=${unknown}&request_id=${second}`
    expect(brands(await admin(sb.base, repeated))).toEqual(newestFirst)
  })
})

describe('paging and channel filter', () => {
  it('pages requests with limit/offset and a total, and filters messages by channel', async () => {
    const own = await startSandbox()
    try {
      const ids: string[] = []
      for (let i = 0; i < 5; i++) ids.push(await start({ workflow_id: '5' }, own))
      const page = (await admin(own.base, '/requests?limit=2&offset=1')) as Body
      expect(page.total).toBe(5)
      expect(page.requests).toHaveLength(2)
      const all = await requests('?limit=100', own)
      expect(all.map((r) => r.request_id).sort()).toEqual([...ids].sort())
      await advance(own.base, 121)
      const tts = listOf(await admin(own.base, '/messages?channel=tts'), 'messages')
      expect(tts).toHaveLength(5)
      expect(tts.every((m) => m.channel === 'tts')).toBe(true)
      const sms = (await admin(own.base, '/messages?channel=sms&limit=1')) as Body
      expect(sms.total).toBe(5)
      expect(sms.messages).toHaveLength(1)
    } finally {
      await own.close()
    }
  })
})

describe('GET /__admin/messages', () => {
  it('lists the handset newest first, per number or request, with the PIN, sender and text', async () => {
    const number = uniqueNumber()
    const id = await start({ number, workflow_id: '1', sender_id: 'ACME', lg: 'en-gb' })
    await advance(sb.base, 126)
    const list = listOf(await admin(sb.base, `/messages?number=${number}`), 'messages')
    expect(list).toHaveLength(2)
    const [tts, sms] = list as [Body, Body]
    expect(tts).toMatchObject({ channel: 'tts', number, request_id: id })
    expect(sms).toMatchObject({
      channel: 'sms',
      number,
      request_id: id,
      sender: 'ACME',
      lg: 'en-gb',
    })
    expect(Date.parse(String(tts.sent_at))).toBeGreaterThan(Date.parse(String(sms.sent_at)))
    const pin = String(sms.pin)
    expect(pin).toMatch(/^\d{4}$/)
    expect(sms.text).toContain(pin)
    expect(sms.text).toContain('Acme')
    // A call transcript spells the digits out: the PIN never appears as one number.
    expect(tts.text).not.toContain(pin)
    const spoken = [...pin].map((d) => DIGIT_NAMES[Number(d)]).join(', ')
    expect(tts.text).toContain(`Your Acme PIN is: ${spoken}. I repeat: ${spoken}.`)
    const byRequest = await messages(sb.base, id)
    expect(byRequest.map((m) => m.channel)).toEqual(['tts', 'sms'])
  })

  it("keeps the request's lg on every message, in English where there is no translation", async () => {
    // Documented: English, German, French, Spanish, Italian, Portuguese and Dutch texts.
    const cases: [string, string][] = [
      ['de-de', 'de'],
      ['fr-ca', 'fr'],
      ['es-mx', 'es'],
      ['it-it', 'it'],
      ['pt-br', 'pt'],
      ['nl-nl', 'nl'],
      ['en-gb', 'en'],
      ['is-is', 'en'],
      ['ja-jp', 'en'],
    ]
    for (const [lg, language] of cases) {
      const id = await start({ lg })
      const [m] = listOf(await admin(sb.base, `/messages?request_id=${id}`), 'messages')
      expect(m?.lg).toBe(lg)
      expect(String(m?.language).slice(0, 2), lg).toBe(language)
    }
    // The German and the English text differ.
    const de = await start({ lg: 'de-de' })
    const en = await start({ lg: 'en-us' })
    const [deMsg] = await messages(sb.base, de)
    const [enMsg] = await messages(sb.base, en)
    expect(deMsg?.text.replace(/\d+/g, '')).not.toBe(enMsg?.text.replace(/\d+/g, ''))
  })
})

describe('GET /__admin/events (Server-Sent Events)', () => {
  it('delivers a request change and a new message, and a clock move', async () => {
    const stream = await openSse(sb.base, '/__admin/events')
    try {
      expect(stream.status).toBe(200)
      expect(stream.contentType).toMatch(/^text\/event-stream/)
      const id = await start({ workflow_id: '4' })
      const req = await stream.waitFor(
        (e) => e.event === 'request' && (e.data as Body).request_id === id,
      )
      expect((req.data as Body).status).toBe('IN PROGRESS')
      const msg = await stream.waitFor(
        (e) => e.event === 'message' && (e.data as Body).request_id === id,
      )
      expect((msg.data as Body).channel).toBe('sms')

      await advance(sb.base, 121)
      await stream.waitFor(
        (e) =>
          e.event === 'message' &&
          (e.data as Body).request_id === id &&
          (e.data as Body).channel === 'sms' &&
          e !== msg,
      )
      await stream.waitFor((e) => e.event === 'clock')

      expect((await check(id, await pinOf(sb.base, id))).body.status).toBe('0')
      const success = await stream.waitFor(
        (e) =>
          e.event === 'request' &&
          (e.data as Body).request_id === id &&
          (e.data as Body).status === 'SUCCESS',
      )
      expect((success.data as Body).checks).toHaveLength(1)
    } finally {
      stream.close()
    }
  })

  it('sends the whole list of faults on each change: added, used, used up, removed, cleared', async () => {
    const own = await startSandbox()
    const stream = await openSse(own.base, '/__admin/events')
    /** The `n`th faults event (1-based), as the list it carries. */
    const nth = async (n: number) => {
      const faultEvents = () => stream.events.filter((e) => e.event === 'faults')
      await stream.waitFor(() => faultEvents().length >= n)
      return (faultEvents()[n - 1]?.data as { faults: Body[] }).faults
    }
    const search = () =>
      getJson(own.base, '/verify/search/json', { ...own.creds, request_id: 'a'.repeat(32) })
    try {
      const added = (await admin(own.base, '/faults', {
        endpoint: 'search',
        status: '5',
        count: 2,
      })) as Body
      expect(await nth(1)).toEqual([added])
      expect((await search()).body.status).toBe('5')
      expect(await nth(2)).toEqual([{ ...added, remaining: 1 }])
      expect((await search()).body.status).toBe('5')
      expect(await nth(3)).toEqual([])
      // A call that meets no fault sends nothing.
      expect((await search()).body.status).toBe('101')

      const a = (await admin(own.base, '/faults', { endpoint: 'check', drop: true })) as Body
      const b = (await admin(own.base, '/faults', { endpoint: 'any', delay_ms: 10 })) as Body
      expect(await nth(4)).toEqual([a])
      expect(await nth(5)).toEqual([a, b])
      await admin(own.base, `/faults/${String(a.id)}`, undefined, 'DELETE')
      expect(await nth(6)).toEqual([b])
      await admin(own.base, '/faults', undefined, 'DELETE')
      expect(await nth(7)).toEqual([])

      await admin(own.base, '/faults', { endpoint: 'control', status: '19' })
      expect(await nth(8)).toHaveLength(1)
      await admin(own.base, '/reset', {})
      expect(await nth(9)).toEqual([])
      await stream.waitFor((e) => e.event === 'reset')
      expect(stream.events.filter((e) => e.event === 'faults')).toHaveLength(9)
    } finally {
      stream.close()
      await own.close()
    }
  })

  it('sends the whole list of test numbers on each change: set, removed, cleared', async () => {
    const own = await startSandbox()
    const stream = await openSse(own.base, '/__admin/events')
    const nth = async (n: number) => {
      const numberEvents = () => stream.events.filter((e) => e.event === 'test-numbers')
      await stream.waitFor(() => numberEvents().length >= n)
      return (numberEvents()[n - 1]?.data as { test_numbers: Body[] }).test_numbers
    }
    try {
      await admin(own.base, '/test-numbers', { number: '447700900111', pin: '1234' }, 'PUT')
      expect(await nth(1)).toEqual([{ number: '447700900111', pin: '1234' }])
      await admin(own.base, '/test-numbers/447700900222', { pin: '98765' }, 'PUT')
      expect(await nth(2)).toEqual([
        { number: '447700900111', pin: '1234' },
        { number: '447700900222', pin: '98765' },
      ])
      await admin(own.base, '/test-numbers/447700900111', undefined, 'DELETE')
      expect(await nth(3)).toEqual([{ number: '447700900222', pin: '98765' }])
      await admin(own.base, '/test-numbers', undefined, 'DELETE')
      expect(await nth(4)).toEqual([])
      await admin(own.base, '/test-numbers', { number: '447700900333', pin: '4321' }, 'PUT')
      expect(await nth(5)).toHaveLength(1)
      await admin(own.base, '/reset', { test_numbers: true })
      expect(await nth(6)).toEqual([])
    } finally {
      stream.close()
      await own.close()
    }
  })

  it('announces a reset', async () => {
    const own = await startSandbox()
    const stream = await openSse(own.base, '/__admin/events')
    try {
      await admin(own.base, '/reset', {})
      const reset = await stream.waitFor((e) => e.event === 'reset')
      expect(Date.parse(String((reset.data as Body).at))).not.toBeNaN()
    } finally {
      stream.close()
      await own.close()
    }
  })
})

describe('/__admin/clock', () => {
  it('answers the time and moves it forward, firing what falls due', async () => {
    const before = (await admin(sb.base, '/clock')) as Body
    expect(typeof before.now).toBe('string')
    const moved = (await advance(sb.base, 3600)) as Body
    const delta = Date.parse(String(moved.now)) - Date.parse(String(before.now))
    expect(delta).toBeGreaterThanOrEqual(3600_000)
    expect(delta).toBeLessThan(3600_000 + 60_000)
  })

  it('refuses a negative or non-numeric advance with a 400 and the reason', async () => {
    const invalidValue = {
      status: 400,
      body: {
        error: {
          code: 'invalid_value',
          message: 'advance_seconds must be a number from 0 to 31622400.',
        },
      },
    }
    const offset = ((await admin(sb.base, '/clock')) as Body).offset_ms
    for (const body of ['{"advance_seconds":-5}', '{"advance_seconds":"ten"}', '{}']) {
      expect(await adminError('/clock', body), body).toEqual(invalidValue)
    }
    expect(await adminError('/clock', 'nope')).toEqual({
      status: 400,
      body: { error: { code: 'invalid_json', message: 'The body is not valid JSON.' } },
    })
    // Nothing moved.
    expect(((await admin(sb.base, '/clock')) as Body).offset_ms).toBe(offset)
  })
})

describe('POST /__admin/faults', () => {
  it('makes the next N calls to an endpoint answer a chosen status, then behaves again', async () => {
    await admin(sb.base, '/faults', { endpoint: 'request', count: 2, status: '5' })
    const params = { ...sb.creds, number: uniqueNumber(), brand: 'Acme' }
    const first = await postForm(sb.base, '/verify/json', params)
    // Another endpoint is not affected.
    const search = await getJson(sb.base, '/verify/search/json', {
      ...sb.creds,
      request_id: 'a'.repeat(32),
    })
    expect(search.body.status).toBe('101')
    const second = await postForm(sb.base, '/verify/json', params)
    const third = await postForm(sb.base, '/verify/json', params)
    expect(first.body).toEqual({ status: '5', error_text: 'Internal Error' })
    expect(second.body).toEqual({ status: '5', error_text: 'Internal Error' })
    expect(third.body.status).toBe('0')
    expect(third.body.request_id).toMatch(REQUEST_ID)
  })

  it.each([
    ['1', 'request', T.THROTTLED],
    ['7', 'request', 'The number you are trying to verify is blacklisted for verification.'],
    ['15', 'psd2', 'The destination number is not in a supported network'],
    [
      '29',
      'request',
      'Your Vonage account is still in demo mode. While in demo mode you must add target numbers to the approved list for your account. Add funds to your account to remove this limitation.',
    ],
    ['1', 'check', T.THROTTLED],
  ])('answers status %s on %s with the documented text', async (status, endpoint, text) => {
    await admin(sb.base, '/faults', { endpoint, status })
    const res =
      endpoint === 'check'
        ? await check('a'.repeat(32), '1234')
        : await postForm(sb.base, endpoint === 'psd2' ? '/verify/psd2/json' : '/verify/json', {
            ...sb.creds,
            number: uniqueNumber(),
            brand: 'Acme',
            payee: 'Shop',
            amount: '1',
          })
    expect(res.http).toBe(200)
    expect(res.body).toMatchObject({ status, error_text: text })
  })

  it('answers late when asked, uses the fault up and still processes the call', async () => {
    // A sandbox of its own whose wait runs on fake timers (it is in this process), let go only once
    // the test has seen the answer held: on a busy machine the 2 s could pass before it looked.
    const own = await startSandbox()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      await admin(own.base, '/faults', { endpoint: 'request', delay_ms: 2000 })
      expect(listOf(await admin(own.base, '/faults'), 'faults')).toEqual([
        expect.objectContaining({ endpoint: 'request', remaining: 1, delay_ms: 2000 }),
      ])
      const number = uniqueNumber()
      let answered = false
      const pending = postForm(own.base, '/verify/json', { ...own.creds, number, brand: 'Late' })
      void pending.then(() => (answered = true))
      // The call has arrived (it took the fault) and its answer is still held back.
      while (listOf(await admin(own.base, '/faults'), 'faults').length > 0) {
        await new Promise((resolve) => setImmediate(resolve))
      }
      expect(answered).toBe(false)
      await vi.advanceTimersByTimeAsync(2000)
      const res = await pending
      expect(res.http).toBe(200)
      expect(res.body).toEqual({ request_id: expect.stringMatching(REQUEST_ID), status: '0' })
      const [req, ...more] = await requests(`?number=${number}`, own)
      expect(more).toEqual([])
      expect(req).toMatchObject({
        request_id: res.body.request_id,
        brand: 'Late',
        status: 'IN PROGRESS',
      })
      // The next call is answered at once and normally.
      const id = res.body.request_id as string
      expect((await check(id, wrongCode(await pinOf(own.base, id)), own)).body.status).toBe('16')
    } finally {
      vi.useRealTimers()
      await own.close()
    }
  })

  it('drops the connection without an answer when asked, once', async () => {
    await admin(sb.base, '/faults', { endpoint: 'check', drop: true })
    await expect(check('a'.repeat(32), '1234')).rejects.toMatchObject({
      message: 'socket hang up',
      code: 'ECONNRESET',
    })
    const after = await check('a'.repeat(32), '1234')
    expect(after.body.status).toBe('6')
  })

  it('lists pending faults and clears them', async () => {
    await admin(sb.base, '/faults', { endpoint: 'any', count: 3, status: '5' })
    const listed = listOf(await admin(sb.base, '/faults'), 'faults')
    expect(listed).toEqual([
      expect.objectContaining({ endpoint: 'any', remaining: 3, status: '5' }),
    ])
    await admin(sb.base, '/faults', undefined, 'DELETE')
    expect(listOf(await admin(sb.base, '/faults'), 'faults')).toEqual([])
    expect(
      (await postForm(sb.base, '/verify/search/json', { ...sb.creds, request_id: 'a'.repeat(32) }))
        .body.status,
    ).toBe('101')
  })

  it('answers an injected status as the API shapes it on the endpoint called', async () => {
    const id = 'c'.repeat(32)
    const control = (cmd: string) =>
      postForm(sb.base, '/verify/control/json', { ...sb.creds, request_id: id, cmd })
    const cases: Array<[string, string, () => Promise<{ body: Body }>, Body]> = [
      ['4', 'check', () => check(id, '1234'), { status: '4', error_text: 'Bad credentials' }],
      [
        '4',
        'request',
        () =>
          postForm(sb.base, '/verify/json', { ...sb.creds, number: uniqueNumber(), brand: 'A' }),
        { status: '4', error_text: 'Invalid credentials were provided' },
      ],
      [
        '16',
        'check',
        () => check(id, '1234'),
        { request_id: id, status: '16', error_text: T.WRONG_CODE },
      ],
      [
        '6',
        'check',
        () => check(id, '1234'),
        { request_id: id, status: '6', error_text: T.CHECK_NOT_FOUND(id) },
      ],
      [
        '6',
        'control',
        () => control('cancel'),
        { status: '6', error_text: T.CONTROL_NOT_ACTIVE(id) },
      ],
      [
        '19',
        'control',
        () => control('cancel'),
        { status: '19', error_text: T.CANCEL_TOO_EARLY(id) },
      ],
      [
        '19',
        'control',
        () => control('trigger_next_event'),
        { status: '19', error_text: T.NO_MORE_EVENTS(id) },
      ],
    ]
    // A status the endpoint never answers (19 on a start) is refused when injected: see below.
    for (const [status, endpoint, call, expected] of cases) {
      await admin(sb.base, '/faults', { endpoint, status })
      expect((await call()).body, `${status} on ${endpoint}`).toEqual(expected)
    }
    // Nothing was checked or cancelled: the faults answered in place of the calls.
    expect(listOf(await admin(sb.base, '/faults'), 'faults')).toEqual([])
  })

  it('answers an injected status 10 with the id of the request in progress to that number', async () => {
    const number = uniqueNumber()
    const running = await start({ number })
    await admin(sb.base, '/faults', { endpoint: 'request', count: 2, status: '10' })
    // In another notation, with Basic credentials and a JSON body (the Node SDK's style).
    const sdkStyle = await postJson(
      sb.base,
      '/verify/json',
      { number: `+${number}`, brand: 'Acme' },
      { authorization: basic(sb.creds.api_key, sb.creds.api_secret) },
    )
    expect(sdkStyle.body).toEqual({ request_id: running, status: '10', error_text: T.CONCURRENT })
    // A number with nothing in progress: the start is carried out first (as if an earlier one
    // had gone through), so the id named is a real request in progress, with its message sent.
    const other = uniqueNumber()
    const fresh = await postForm(sb.base, '/verify/json', {
      ...sb.creds,
      number: other,
      brand: 'Acme',
    })
    expect(fresh.body).toEqual({
      request_id: expect.stringMatching(REQUEST_ID),
      status: '10',
      error_text: T.CONCURRENT,
    })
    expect(fresh.body.request_id).not.toBe(running)
    const [blocking, ...more] = await requests(`?number=${other}`)
    expect(more).toEqual([])
    expect(blocking).toMatchObject({ request_id: fresh.body.request_id, status: 'IN PROGRESS' })
    expect(await messages(sb.base, String(fresh.body.request_id))).toHaveLength(1)
  })

  it('answers an injected status 7 with a network, the one asked for or the default', async () => {
    const startCall = () =>
      postForm(sb.base, '/verify/psd2/json', {
        ...sb.creds,
        number: uniqueNumber(),
        payee: 'Shop',
        amount: '1',
      })
    await admin(sb.base, '/faults', { endpoint: 'psd2', status: '7' })
    expect((await startCall()).body).toEqual({
      status: '7',
      error_text: 'The number you are trying to verify is blacklisted for verification.',
      network: '244523',
    })
    await admin(sb.base, '/faults', { endpoint: 'psd2', status: '7', network: '23410' })
    expect((await startCall()).body).toMatchObject({ status: '7', network: '23410' })
    expect(await adminError('/faults', '{"endpoint":"psd2","status":"7","network":"O2"}')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid_value',
          message: 'network must be a network id of 5 or 6 digits (country and network code).',
        },
      },
    })
  })

  it('answers the error text a fault names, in JSON and in XML', async () => {
    const number = uniqueNumber()
    const running = await start({ number })
    await admin(sb.base, '/faults', {
      endpoint: 'request',
      count: 2,
      status: '10',
      error_text: 'Busy <now>',
    })
    const json = await postForm(sb.base, '/verify/json', { ...sb.creds, number, brand: 'A' })
    expect(json.body).toEqual({ request_id: running, status: '10', error_text: 'Busy <now>' })
    const xml = await raw(sb.base, {
      method: 'POST',
      path: '/verify/xml',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...sb.creds, number, brand: 'A' }).toString(),
    })
    expect(xml.text).toContain(
      `<request_id>${running}</request_id><status>10</status><error_text>Busy &lt;now&gt;</error_text>`,
    )
  })

  it('refuses a fault with a bad body with a 400 and the reason, and adds nothing', async () => {
    expect(await adminError('/faults', '{"endpoint":"nowhere","status":"5"}')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid_value',
          message: 'endpoint must be one of any, request, check, search, control, psd2.',
        },
      },
    })
    expect(listOf(await admin(sb.base, '/faults'), 'faults')).toEqual([])
  })

  it('refuses a status the endpoint never answers with a 400 naming those it does', async () => {
    expect(await adminError('/faults', '{"endpoint":"check","status":"10"}')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'invalid_value',
          message:
            'status 10 is not one the API answers on check: give one of 1, 2, 3, 4, 5, 6, 16, 17, 999.',
        },
      },
    })
    expect(await adminError('/faults', '{"endpoint":"request","status":"12345"}')).toMatchObject({
      status: 400,
      body: {
        error: { message: expect.stringMatching(/^status 12345 is not one .* on request:/) },
      },
    })
    expect(listOf(await admin(sb.base, '/faults'), 'faults')).toEqual([])
  })
})

describe('test numbers with fixed PINs', () => {
  it('sends the fixed PIN every time, whatever the notation of the number', async () => {
    const number = uniqueNumber()
    await admin(sb.base, '/test-numbers', { number, pin: '2468' }, 'PUT')
    const a = await start({ number })
    expect(await pinOf(sb.base, a)).toBe('2468')
    expect((await check(a, '2468')).body.status).toBe('0')
    const b = await start({ number: `+${number}` })
    expect(await pinOf(sb.base, b)).toBe('2468')
    expect((await check(b, '2468')).body.status).toBe('0')
    const listed = listOf(await admin(sb.base, '/test-numbers'), 'test_numbers')
    expect(listed).toContainEqual({ number, pin: '2468' })
  })

  it('keeps the fixed PIN when a new PIN would be generated', async () => {
    const number = uniqueNumber()
    await admin(sb.base, '/test-numbers', { number, pin: '135790' }, 'PUT')
    const id = await start({ number, code_length: '6', pin_expiry: '60', next_event_wait: '60' })
    await advance(sb.base, 61)
    const pins = (await messages(sb.base, id)).map((m) => m.pin)
    expect(pins).toEqual(['135790', '135790'])
  })

  it('refuses a test number with a code naming the value at fault, and saves nothing', async () => {
    const refusal = (code: string, message: string) => ({
      status: 400,
      body: { error: { code, message } },
    })
    const number = uniqueNumber()
    expect(await adminError('/test-numbers', '{"pin":"1234"}')).toEqual(
      refusal('invalid_number', 'number is required (international format).'),
    )
    expect(await adminError('/test-numbers', '{"number":"12ab","pin":"1234"}')).toEqual(
      refusal('invalid_number', '12ab is not a phone number.'),
    )
    expect(await adminError('/test-numbers', `{"number":"${number}","pin":"12a4"}`)).toEqual(
      refusal('invalid_pin', 'pin must be a string of 4 to 10 digits.'),
    )
    expect(await adminError(`/test-numbers/${number}`, '{"pin":"123"}')).toEqual(
      refusal('invalid_pin', 'pin must be a string of 4 to 10 digits.'),
    )
    expect(await adminError('/test-numbers', '["1234"]')).toEqual(
      refusal('invalid_value', 'Body must be an object.'),
    )
    const listed = listOf(await admin(sb.base, '/test-numbers'), 'test_numbers')
    expect(listed.map((t) => t.number)).not.toContain(number)
  })

  it('removes a test number', async () => {
    const number = uniqueNumber()
    await admin(sb.base, '/test-numbers', { number, pin: '1111' }, 'PUT')
    await admin(sb.base, `/test-numbers/${number}`, undefined, 'DELETE')
    const listed = listOf(await admin(sb.base, '/test-numbers'), 'test_numbers')
    expect(listed.map((t) => t.number)).not.toContain(number)
  })
})

describe('POST /__admin/reset', () => {
  it('forgets requests, messages, faults and the clock offset', async () => {
    // A frozen real-time base: the sandbox clock only moves by its offset.
    const frozen = Date.parse('2026-03-01T10:00:00.000Z')
    const own = await startSandbox({ now: () => frozen })
    try {
      const number = uniqueNumber()
      const id = await start({ number }, own)
      await advance(own.base, 500)
      await admin(own.base, '/faults', { endpoint: 'search', status: '5' })
      await admin(own.base, '/reset', {})
      expect(await requests('', own)).toEqual([])
      expect(listOf(await admin(own.base, '/messages'), 'messages')).toEqual([])
      expect(listOf(await admin(own.base, '/faults'), 'faults')).toEqual([])
      expect(await admin(own.base, '/clock')).toEqual({
        now: '2026-03-01T10:00:00.000Z',
        now_ms: frozen,
        offset_ms: 0,
        next_due_at: null,
      })
      const search = await getJson(own.base, '/verify/search/json', {
        ...own.creds,
        request_id: id,
      })
      expect(search.body).toMatchObject({ status: '101', error_text: T.NO_RESPONSE })
      // The number is free again.
      await start({ number }, own)
    } finally {
      await own.close()
    }
  })

  it('keeps test numbers unless asked to clear them too', async () => {
    const own = await startSandbox()
    try {
      await admin(own.base, '/test-numbers', { number: '447400555000', pin: '9999' }, 'PUT')
      await admin(own.base, '/reset', {})
      expect(listOf(await admin(own.base, '/test-numbers'), 'test_numbers')).toHaveLength(1)
      await admin(own.base, '/reset', { test_numbers: true })
      expect(listOf(await admin(own.base, '/test-numbers'), 'test_numbers')).toEqual([])
    } finally {
      await own.close()
    }
  })
})

describe('accounts and the throttle', () => {
  it('gives each API key its own account: account_id, concurrency scope and requests', async () => {
    const own = await startSandbox({
      accounts: [
        { apiKey: 'alpha', apiSecret: 'alpha-secret' },
        { apiKey: 'beta', apiSecret: 'beta-secret', accountId: 'beta0001' },
      ],
    })
    try {
      expect(own.key).toBe('alpha')
      const number = uniqueNumber()
      const a = await postForm(own.base, '/verify/json', {
        api_key: 'alpha',
        api_secret: 'alpha-secret',
        number,
        brand: 'A',
      })
      const b = await postForm(own.base, '/verify/json', {
        api_key: 'beta',
        api_secret: 'beta-secret',
        number,
        brand: 'B',
      })
      expect(a.body.status).toBe('0')
      expect(b.body.status).toBe('0')
      const search = await getJson(own.base, '/verify/search/json', {
        api_key: 'beta',
        api_secret: 'beta-secret',
        request_id: b.body.request_id as string,
      })
      expect(search.body.account_id).toBe('beta0001')
      // One account cannot see or check another's request.
      const foreign = await getJson(own.base, '/verify/search/json', {
        api_key: 'alpha',
        api_secret: 'alpha-secret',
        request_id: b.body.request_id as string,
      })
      expect(foreign.body.status).toBe('101')
      const foreignCheck = await postForm(own.base, '/verify/check/json', {
        api_key: 'alpha',
        api_secret: 'alpha-secret',
        request_id: b.body.request_id as string,
        code: '1234',
      })
      expect(foreignCheck.body.status).toBe('6')
      expect((await requests('?account=beta0001', own)).map((r) => r.request_id)).toEqual([
        b.body.request_id,
      ])
      // The default accounts are gone when accounts are configured: status 4.
      const gone = await postForm(own.base, '/verify/json', {
        api_key: 'sandbox',
        api_secret: 'sandbox-secret',
        number: uniqueNumber(),
        brand: 'A',
      })
      expect(gone.body.status).toBe('4')
    } finally {
      await own.close()
    }
  })

  it('accepts pin_code only on an account with the feature, and sends that PIN', async () => {
    const own = await startSandbox({ accounts: 'plain:plain-secret,custom:custom-secret:pin_code' })
    try {
      const refused = await postForm(own.base, '/verify/json', {
        api_key: 'plain',
        api_secret: 'plain-secret',
        number: uniqueNumber(),
        brand: 'A',
        pin_code: 'AKFG3424',
      })
      expect(refused.body).toMatchObject({ status: '20', error_text: T.PIN_CODE_NOT_ALLOWED })
      const ok = await postForm(own.base, '/verify/json', {
        api_key: 'custom',
        api_secret: 'custom-secret',
        number: uniqueNumber(),
        brand: 'A',
        pin_code: '24680',
      })
      expect(ok.body.status).toBe('0')
      const id = ok.body.request_id as string
      const [m] = await messages(own.base, id)
      expect(m?.pin).toBe('24680')
      expect(m?.text).toContain('24680')
      const res = await postForm(own.base, '/verify/check/json', {
        api_key: 'custom',
        api_secret: 'custom-secret',
        request_id: id,
        code: '24680',
      })
      expect(res.body.status).toBe('0')
      // The spec's own example of a custom PIN is alphanumeric.
      const alnum = await postForm(own.base, '/verify/json', {
        api_key: 'custom',
        api_secret: 'custom-secret',
        number: uniqueNumber(),
        brand: 'A',
        pin_code: 'AKFG3424',
      })
      expect(alnum.body.status).toBe('0')
    } finally {
      await own.close()
    }
  })

  it('works with the documented default pin_code account out of the box', async () => {
    const res = await postForm(sb.base, '/verify/json', {
      api_key: 'sandbox-pin',
      api_secret: 'sandbox-pin-secret',
      number: uniqueNumber(),
      brand: 'A',
      pin_code: '8642',
    })
    expect(res.body.status).toBe('0')
    expect(await pinOf(sb.base, res.body.request_id as string)).toBe('8642')
  })

  it('switches the throttle off with the throttlePerSecond: null option alone', async () => {
    const { createSandbox } = await import('../../../server/sandbox/index')
    const sandbox = createSandbox({ stateFile: false, throttlePerSecond: null })
    try {
      const { apiKey, apiSecret } = sandbox.defaultAccount
      const statuses = await Promise.all(
        Array.from({ length: 60 }, async () => {
          const res = await sandbox.fetch(
            new Request(
              `http://sandbox/verify/search/json?api_key=${apiKey}&api_secret=${apiSecret}&request_id=${'a'.repeat(32)}`,
            ),
          )
          return ((await res.json()) as Body).status
        }),
      )
      expect(statuses.filter((s) => s === '1')).toEqual([])
    } finally {
      await sandbox.close()
    }
  })

  it('throttles at a configured rate per account', async () => {
    // A frozen real-time base: the second only ends when the admin API moves the clock.
    const frozen = Date.now()
    const own = await startSandbox({
      now: () => frozen,
      throttlePerSecond: 3,
      accounts: [
        { apiKey: 'slow', apiSecret: 'slow-secret' },
        { apiKey: 'other', apiSecret: 'other-secret', throttlePerSecond: null },
      ],
    })
    try {
      const burst = (key: string) =>
        Promise.all(
          Array.from({ length: 10 }, () =>
            postForm(own.base, '/verify/search/json', {
              api_key: key,
              api_secret: `${key}-secret`,
              request_id: 'a'.repeat(32),
            }),
          ),
        )
      const slow = (await burst('slow')).map((r) => r.body)
      expect(slow.filter((b) => b.status === '101')).toHaveLength(3)
      expect(slow.filter((b) => b.status === '1')).toEqual(
        Array.from({ length: 7 }, () => ({ status: '1', error_text: T.THROTTLED })),
      )
      const other = (await burst('other')).map((r) => r.body.status)
      expect(other).toEqual(Array.from({ length: 10 }, () => '101'))
      // The next second brings a new budget of exactly three.
      await advance(own.base, 1)
      const next = (await burst('slow')).map((r) => r.body.status)
      expect(next.filter((s) => s === '101')).toHaveLength(3)
      expect(next.filter((s) => s === '1')).toHaveLength(7)
    } finally {
      await own.close()
    }
  })

  it('lists the accounts without their secrets', async () => {
    const list = listOf(await admin(sb.base, '/accounts'), 'accounts')
    expect(list.map((a) => a.api_key)).toEqual(expect.arrayContaining(['sandbox', 'sandbox-pin']))
    expect(JSON.stringify(list)).not.toContain('sandbox-secret')
  })
})

describe('methods of the admin API', () => {
  it.each([
    ['DELETE', '/__admin/requests', 'GET, HEAD'],
    ['POST', '/__admin/accounts', 'GET, HEAD'],
    ['POST', '/__admin/events', 'GET'],
    ['PUT', '/__admin/clock', 'GET, HEAD, POST'],
    ['PUT', '/__admin/faults', 'GET, HEAD, POST, DELETE'],
    ['POST', '/__admin/faults/f1', 'DELETE'],
    ['PATCH', '/__admin/test-numbers', 'GET, HEAD, PUT, POST, DELETE'],
    ['GET', '/__admin/throttle', 'PUT, POST'],
    ['GET', '/__admin/reset', 'POST'],
  ])('%s %s answers 405 with Allow: %s', async (method, path, allow) => {
    const res = await raw(sb.base, { method, path })
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe(allow)
    expect(JSON.parse(res.text)).toEqual({
      error: {
        code: 'method_not_allowed',
        message: `Method ${method} is not allowed here; use ${allow.split(', ').join(' or ')}.`,
      },
    })
  })

  it('refuses HEAD on the event stream (it would never end) with Allow: GET', async () => {
    const res = await raw(sb.base, { method: 'HEAD', path: '/__admin/events' })
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('GET')
  })

  it('answers HEAD on a read route as GET, without a body', async () => {
    const res = await raw(sb.base, { method: 'HEAD', path: '/__admin/requests' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.text).toBe('')
  })
})
