import { afterEach, describe, expect, it } from 'vitest'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { createSandbox } from '../../../server/sandbox/index'
import type { Sandbox } from '../../../server/sandbox/index'

const KEY = 'api_key=sandbox&api_secret=sandbox-secret'
const BASIC = 'Basic ' + Buffer.from('sandbox:sandbox-secret').toString('base64')
const opened: Sandbox[] = []

function sandbox(options: Parameters<typeof createSandbox>[0] = {}) {
  const s = createSandbox({ stateFile: false, ...options })
  opened.push(s)
  return s
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
})

function req(path: string, init: RequestInit = {}) {
  return new Request(`http://sandbox${path}`, init)
}

describe('HTTP adapter', () => {
  it('a GET with everything in the query string works as written', async () => {
    const s = sandbox()
    const res = await s.fetch(req(`/verify/json?${KEY}&number=447700900000&brand=AcmeInc`))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    const body = (await res.json()) as Record<string, string>
    expect(body).toEqual({ request_id: expect.stringMatching(/^[0-9a-f]{32}$/), status: '0' })
  })

  it('form POST, JSON POST with numbers coerced, Basic auth, query merged with body', async () => {
    const s = sandbox()
    const form = await s.fetch(
      req('/verify/json', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${KEY}&number=447700900001&brand=Acme&code_length=6`,
      }),
    )
    expect(((await form.json()) as { status: string }).status).toBe('0')
    const json = await s.fetch(
      req('/verify/json?brand=Acme', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: BASIC },
        body: JSON.stringify({
          number: 447700900002,
          code_length: 6,
          workflow_id: '3',
          pin_expiry: 600,
        }),
      }),
    )
    const { request_id } = (await json.json()) as { request_id: string }
    const admin = (await (await s.fetch(req(`/__admin/requests/${request_id}`))).json()) as Record<
      string,
      unknown
    >
    expect(admin).toMatchObject({ code_length: 6, workflow_id: 3, pin_expiry: 600, brand: 'Acme' })
    expect(admin.pin).toMatch(/^[0-9]{6}$/)
  })

  it('unparseable JSON answers 999, also for an empty JSON body', async () => {
    const s = sandbox()
    for (const body of ['{bad', '', '[1]']) {
      const res = await s.fetch(
        req('/verify/check/json', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: BASIC },
          body,
        }),
      )
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({
        status: '999',
        error_text: 'Could not parse request :: Unparseable JSON',
      })
    }
  })

  it('other methods answer 403, unknown paths 404 with a JSON body, big bodies 413', async () => {
    const s = sandbox({ bodyLimit: 100 })
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect((await s.fetch(req('/verify/json', { method }))).status).toBe(403)
    }
    const missing = await s.fetch(req('/verify/nothing/json'))
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } })
    expect((await s.fetch(req('/verify/psd2/xml'))).status).toBe(404)
    const big = await s.fetch(req('/verify/json', { method: 'POST', body: 'x='.padEnd(200, 'y') }))
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } })
  })

  it('a query string over 8,000 bytes answers 413, as the live API does; up to 8,000 is a call', async () => {
    const s = sandbox()
    const query = (length: number) => {
      const head = `${KEY}&number=447700900000&brand=`
      return head + 'b'.repeat(length - head.length)
    }
    const atLimit = await s.fetch(req(`/verify/json?${query(8000)}`))
    expect(atLimit.status).toBe(200)
    expect(await atLimit.json()).toEqual({
      status: '3',
      error_text: 'Invalid value for param: brand. Parameter is too long.',
    })
    const over = await s.fetch(req(`/verify/json?${query(8001)}`))
    expect(over.status).toBe(413)
    expect(await over.json()).toEqual({
      error: {
        code: 'payload_too_large',
        message: 'The query string is longer than the limit of 8000 bytes.',
      },
    })
    const listed = (await (await s.fetch(req('/__admin/requests'))).json()) as { total: number }
    expect(listed.total).toBe(0)
  })

  it('XML endpoints answer XML with the documented roots', async () => {
    const s = sandbox()
    const start = await (
      await s.fetch(req(`/verify/xml?${KEY}&number=447700900000&brand=A`))
    ).text()
    expect(start).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<verify_response><request_id>[0-9a-f]{32}<\/request_id><status>0<\/status><\/verify_response>$/,
    )
    const id = /<request_id>(\w+)</.exec(start)?.[1] as string
    const search = await s.fetch(req(`/verify/search/xml?${KEY}&request_id=${id}`))
    expect(search.headers.get('content-type')).toBe('text/xml')
    const text = await search.text()
    expect(text).toContain('<verify_request><request_id>')
    expect(text).toContain('<checks/>')
    expect(text).toMatch(
      /<events><event><id>[0-9A-F]{16}<\/id><type>sms<\/type><\/event><\/events>/,
    )
    const list = await (
      await s.fetch(
        req(`/verify/search/xml?${KEY}&request_ids=${id}&request_ids=${'0'.repeat(32)}`),
      )
    ).text()
    expect(list).toContain('<verification_requests><verify_request>')
    const control = await (
      await s.fetch(req(`/verify/control/xml?${KEY}&request_id=${id}&cmd=trigger_next_event`))
    ).text()
    expect(control).toContain(
      '<response><status>0</status><command>trigger_next_event</command></response>',
    )
    const check = await (
      await s.fetch(req(`/verify/check/xml?${KEY}&request_id=${id}&code=00000`))
    ).text()
    expect(check).toContain('<verify_response><request_id>')
  })

  it('the node middleware serves the same over real HTTP', async () => {
    const s = sandbox()
    const server = createServer((rq, rs) => s.middleware(rq, rs))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const res = await fetch(`${base}/verify/json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: BASIC },
        body: JSON.stringify({ number: '447700900000', brand: 'Acme' }),
      })
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(((await res.json()) as { status: string }).status).toBe('0')
      expect((await fetch(`${base}/verify/json`, { method: 'DELETE' })).status).toBe(403)
    } finally {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
  })

  it('never answers 500 and always a documented status, whatever the parameters', async () => {
    const s = sandbox({ throttlePerSecond: null })
    const documented = new Set([
      '0',
      '1',
      '2',
      '3',
      '4',
      '6',
      '10',
      '16',
      '17',
      '18',
      '19',
      '20',
      '101',
      '999',
    ])
    const paths = [
      '/verify/json',
      '/verify/psd2/json',
      '/verify/check/json',
      '/verify/search/json',
      '/verify/control/json',
    ]
    const names = [
      'number',
      'brand',
      'country',
      'code_length',
      'lg',
      'pin_expiry',
      'next_event_wait',
      'workflow_id',
      'request_id',
      'request_ids',
      'code',
      'cmd',
      'payee',
      'amount',
      'pin_code',
      'api_key',
      'api_secret',
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.dictionary(
          fc.constantFrom(...names),
          fc.oneof(fc.string(), fc.integer().map(String), fc.constant('447700900000')),
        ),
        fc.constantFrom('json', 'form', 'raw'),
        fc.string(),
        async (path, params, encoding, raw) => {
          const init: RequestInit = { method: 'POST', headers: { authorization: BASIC } }
          if (encoding === 'json') {
            init.headers = { ...init.headers, 'content-type': 'application/json' }
            init.body = JSON.stringify(params)
          } else if (encoding === 'form') {
            init.headers = { ...init.headers, 'content-type': 'application/x-www-form-urlencoded' }
            init.body = new URLSearchParams(params).toString()
          } else {
            init.headers = { ...init.headers, 'content-type': 'application/json' }
            init.body = raw
          }
          const res = await s.fetch(req(path, init))
          expect(res.status).toBe(200)
          const body = (await res.json()) as { status?: unknown }
          expect(
            typeof body.status === 'string'
              ? documented.has(body.status)
              : 'verification_requests' in body,
          ).toBe(true)
        },
      ),
      { numRuns: 300, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
  })
})

describe('admin API', () => {
  async function json(s: Sandbox, path: string, method = 'GET', body?: unknown) {
    const res = await s.fetch(
      req(path, { method, body: body === undefined ? undefined : JSON.stringify(body) }),
    )
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  it('lists requests with PIN and status, filtered; messages newest first', async () => {
    const s = sandbox()
    await s.fetch(req(`/verify/json?${KEY}&number=447700900001&brand=A`))
    await s.fetch(req(`/verify/json?${KEY}&number=447700900002&brand=B`))
    const all = await json(s, '/__admin/requests')
    expect(all.body.total).toBe(2)
    const one = await json(s, '/__admin/requests?number=%2B44%207700%20900001&status=in_progress')
    const list = one.body.requests as { normalized_number: string; pin: string; status: string }[]
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ normalized_number: '447700900001', status: 'IN PROGRESS' })
    const messages = await json(s, '/__admin/messages?number=447700900001')
    expect((messages.body.messages as { pin: string }[])[0]?.pin).toBe(list[0]?.pin)
    expect((await json(s, '/__admin/requests?account=sandbox-pin')).body.total).toBe(0)
    expect((await json(s, '/__admin/requests/none')).status).toBe(404)
    expect((await json(s, '/__admin/requests?limit=x')).status).toBe(400)
  })

  it('an unknown status filter or a malformed path is a clear 400, not an empty list or status 5', async () => {
    const s = sandbox()
    await s.fetch(req(`/verify/json?${KEY}&number=447700900001&brand=A`))
    const bogus = await json(s, '/__admin/requests?status=bogus')
    expect(bogus.status).toBe(400)
    expect(bogus.body).toMatchObject({ error: { code: 'invalid_value' } })
    expect(JSON.stringify(bogus.body)).toContain('IN PROGRESS')
    for (const status of ['IN PROGRESS', 'in_progress', 'Success', 'cancelled']) {
      expect((await json(s, `/__admin/requests?status=${encodeURIComponent(status)}`)).status).toBe(
        200,
      )
    }
    const malformed = await json(s, '/__admin/requests/%E0%A4%A')
    expect(malformed.status).toBe(400)
    expect(malformed.body).toMatchObject({ error: { code: 'invalid_path' } })
  })

  it('the clock moves forward, fires due events and answers the new time', async () => {
    const s = sandbox()
    await s.fetch(req(`/verify/json?${KEY}&number=447700900001&brand=A`))
    const before = (await json(s, '/__admin/clock')).body
    const after = await json(s, '/__admin/clock', 'POST', { advance_seconds: 125 })
    expect(after.status).toBe(200)
    expect(after.body.offset_ms).toBe(125_000)
    expect((after.body.now_ms as number) - (before.now_ms as number)).toBeGreaterThanOrEqual(
      125_000,
    )
    expect((await json(s, '/__admin/messages')).body.total).toBe(2)
    for (const bad of [{}, { advance_seconds: -1 }, { advance_seconds: 'x' }]) {
      expect((await json(s, '/__admin/clock', 'POST', bad)).status).toBe(400)
    }
    const invalid = await s.fetch(req('/__admin/clock', { method: 'POST', body: '{' }))
    expect(invalid.status).toBe(400)
  })

  it('faults: a chosen status for the next N calls, a dropped connection, then normal', async () => {
    const s = sandbox()
    const added = await json(s, '/__admin/faults', 'POST', {
      endpoint: 'request',
      count: 2,
      status: '15',
    })
    expect(added.status).toBe(201)
    expect((await json(s, '/__admin/faults')).body.faults).toHaveLength(1)
    const start = () => s.fetch(req(`/verify/json?${KEY}&number=447700900001&brand=A`))
    expect(await (await start()).json()).toEqual({
      status: '15',
      error_text: 'The destination number is not in a supported network',
    })
    expect(((await (await start()).json()) as { status: string }).status).toBe('15')
    expect(((await (await start()).json()) as { status: string }).status).toBe('0')
    await json(s, '/__admin/faults', 'POST', { endpoint: 'check', drop: true })
    // In-process the dropped connection is what fetch() reports for a reset: a TypeError.
    const dropped = s.fetch(req(`/verify/check/json?${KEY}&request_id=x&code=1234`))
    await expect(dropped).rejects.toThrow(TypeError)
    await expect(dropped).rejects.toThrow('fetch failed: the sandbox dropped the connection')
    expect((await json(s, '/__admin/faults')).body.faults).toEqual([])
    await json(s, '/__admin/faults', 'POST', { endpoint: 'any', status: 5, count: 5 })
    expect((await json(s, '/__admin/faults', 'DELETE')).body.faults).toEqual([])
    expect(
      (await json(s, '/__admin/faults', 'POST', { endpoint: 'nope', status: '5' })).status,
    ).toBe(400)
    expect((await json(s, '/__admin/faults', 'POST', { endpoint: 'request' })).status).toBe(400)
  })

  it('test numbers get their fixed PIN; reset clears requests and messages', async () => {
    const s = sandbox()
    const put = await json(s, '/__admin/test-numbers', 'PUT', {
      number: '+44 7700 900123',
      pin: '1234',
    })
    expect(put.body).toEqual({ number: '447700900123', pin: '1234' })
    expect((await json(s, '/__admin/test-numbers', 'PUT', { number: '1', pin: '12' })).status).toBe(
      400,
    )
    const started = await (
      await s.fetch(req(`/verify/json?${KEY}&number=447700900123&brand=A`))
    ).json()
    const id = (started as { request_id: string }).request_id
    const check = await s.fetch(req(`/verify/check/json?${KEY}&request_id=${id}&code=1234`))
    expect(((await check.json()) as { status: string }).status).toBe('0')
    expect((await json(s, '/__admin/reset', 'POST')).status).toBe(200)
    expect((await json(s, '/__admin/requests')).body.total).toBe(0)
    expect((await json(s, '/__admin/test-numbers')).body.test_numbers).toHaveLength(1)
    expect((await json(s, '/__admin/test-numbers/447700900123', 'DELETE')).status).toBe(200)
    expect((await json(s, '/__admin/test-numbers')).body.test_numbers).toEqual([])
  })

  it('the event stream sends request changes and new messages, and stops on cancel', async () => {
    const s = sandbox()
    const res = await s.fetch(req('/__admin/events'))
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let text = ''
    await s.fetch(req(`/verify/json?${KEY}&number=447700900001&brand=A`))
    while (!text.includes('event: request')) {
      const chunk = await reader.read()
      if (chunk.done) break
      text += decoder.decode(chunk.value)
    }
    expect(text).toContain(': connected')
    expect(text).toContain('event: message')
    expect(text).toContain('"status":"IN PROGRESS"')
    await reader.cancel()
  })

  it('accounts and throttle can be listed and changed', async () => {
    const s = sandbox({ accounts: 'k1:s1,k2:s2:pin_code', throttlePerSecond: 1 })
    const accounts = (await json(s, '/__admin/accounts')).body.accounts
    expect(accounts).toEqual([
      {
        api_key: 'k1',
        account_id: 'k1',
        pin_code_allowed: false,
        throttle_per_second: 1,
        search_per_second: null,
        is_default: true,
      },
      {
        api_key: 'k2',
        account_id: 'k2',
        pin_code_allowed: true,
        throttle_per_second: 1,
        search_per_second: null,
        is_default: false,
      },
    ])
    expect(s.defaultAccount).toEqual({ apiKey: 'k1', apiSecret: 's1' })
    const q = '/verify/search/json?api_key=k1&api_secret=s1&request_id=x'
    await s.fetch(req(q))
    expect(((await (await s.fetch(req(q))).json()) as { status: string }).status).toBe('1')
    await json(s, '/__admin/throttle', 'PUT', { per_second: null })
    expect(((await (await s.fetch(req(q))).json()) as { status: string }).status).toBe('101')
  })

  it('throttle 0 lets no call through (status 1) until it is switched off with null', async () => {
    const s = sandbox({ accounts: 'k1:s1' })
    const set = await json(s, '/__admin/throttle', 'PUT', { per_second: 0 })
    expect(set.body.accounts).toEqual([
      expect.objectContaining({ api_key: 'k1', throttle_per_second: 0 }),
    ])
    const statusOf = async (path: string) =>
      ((await (await s.fetch(req(path))).json()) as { status: string }).status
    const creds = 'api_key=k1&api_secret=s1'
    expect(await statusOf(`/verify/json?${creds}&number=447700900001&brand=A`)).toBe('1')
    expect(await statusOf(`/verify/search/json?${creds}&request_id=x`)).toBe('1')
    expect(await statusOf(`/verify/check/json?${creds}&request_id=x&code=1234`)).toBe('1')
    expect((await json(s, '/__admin/requests')).body.requests).toEqual([])
    await json(s, '/__admin/throttle', 'PUT', { per_second: null })
    expect(await statusOf(`/verify/search/json?${creds}&request_id=x`)).toBe('101')
  })

  it('refuses an unknown channel filter of the messages list with 400, as a bad status filter', async () => {
    const s = sandbox()
    const fax = await s.fetch(req('/__admin/messages?channel=fax'))
    expect(fax.status).toBe(400)
    expect(await fax.json()).toEqual({
      error: { code: 'invalid_value', message: 'channel must be one of sms, tts.' },
    })
    const status = await s.fetch(req('/__admin/requests?status=NOPE'))
    expect(status.status).toBe(400)
    for (const channel of ['sms', 'tts', '']) {
      const res = await s.fetch(req(`/__admin/messages?channel=${channel}`))
      expect(res.status).toBe(200)
    }
  })
})
