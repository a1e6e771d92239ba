import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { REQUEST_ID } from './support/assert'
import {
  basic,
  postForm,
  qs,
  raw,
  type Body,
  type RawRequest,
  type RawResponse,
} from './support/http'
import { admin, listOf, sandboxForAllTests, uniqueNumber } from './support/sandbox'
import { DOCUMENTED, SEARCH_STATUSES } from './support/texts'

// Random and malformed requests at the HTTP layer: the sandbox never answers 500, never stops
// answering, and every answer is a documented API status or a documented HTTP 403/404/413.
const sb = sandboxForAllTests()

const API_PATHS = [
  '/verify/json',
  '/verify/xml',
  '/verify/check/json',
  '/verify/check/xml',
  '/verify/search/json',
  '/verify/search/xml',
  '/verify/control/json',
  '/verify/control/xml',
  '/verify/psd2/json',
]
const PARAM_NAMES = [
  'api_key',
  'api_secret',
  'number',
  'country',
  'brand',
  'sender_id',
  'code_length',
  'lg',
  'pin_expiry',
  'next_event_wait',
  'workflow_id',
  'pin_code',
  'request_id',
  'request_ids',
  'code',
  'cmd',
  'payee',
  'amount',
  'ip_address',
]

const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer({ min: -10_000, max: 1_000_000 }).map(String),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '4',
    '6',
    '60',
    '3600',
    '1e3',
    'NaN',
    '-0',
    '447400123456',
    '+44 7400 123456',
    'en-us',
    'cancel',
    'trigger_next_event',
    'a'.repeat(32),
    '%00',
    '\u0000',
    '<x>&amp;</x>',
    '{"a":1}',
    '__proto__',
    'constructor',
  ),
  fc.stringMatching(/^[0-9a-f]{32}$/),
)

const paramsArb = fc.dictionary(
  fc.oneof(
    fc.constantFrom(...PARAM_NAMES),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('__proto__', 'constructor', 'toString'),
  ),
  fc.oneof(value, fc.array(value, { maxLength: 12 })),
  { maxKeys: 8 },
)

const pathArb = fc
  .oneof(
    { weight: 6, arbitrary: fc.constantFrom(...API_PATHS) },
    {
      weight: 2,
      arbitrary: fc
        .array(
          fc.oneof(
            fc.constantFrom('verify', 'json', 'xml', 'check', 'psd2', '..', '.', '', '%2e%2e'),
            fc.webSegment(),
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        )
        .map((segments) => `/${segments.join('/')}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '/verify/json/',
        '/verify//json',
        '/VERIFY/JSON',
        '/verify/json.json',
        '/verify/psd2/xml',
      ),
    },
    // The admin API is its own surface (tested below and in admin.test.ts).
  )
  .filter((p) => !p.startsWith('/__admin'))

const credsArb = fc.constantFrom<'params' | 'basic' | 'wrong' | 'none' | 'garbage-header'>(
  'params',
  'basic',
  'wrong',
  'none',
  'garbage-header',
)

const bodyKindArb = fc.constantFrom<
  'none' | 'form' | 'json' | 'json-bad' | 'json-scalar' | 'other-type' | 'bytes'
>('none', 'form', 'json', 'json-bad', 'json-scalar', 'other-type', 'bytes')

const requestArb = fc.record({
  method: fc.constantFrom(
    'GET',
    'GET',
    'POST',
    'POST',
    'PUT',
    'DELETE',
    'PATCH',
    'HEAD',
    'OPTIONS',
  ),
  path: pathArb,
  query: paramsArb,
  body: paramsArb,
  bodyKind: bodyKindArb,
  creds: credsArb,
  noise: fc.string({ maxLength: 60 }),
  contentType: fc.constantFrom(
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/json; charset=latin1',
    'application/x-www-form-urlencoded; charset=utf-8',
    '',
    'garbage',
  ),
  bytes: fc.uint8Array({ maxLength: 200 }),
})

type Generated = typeof requestArb extends fc.Arbitrary<infer R> ? R : never

function build(g: Generated): {
  method: string
  path: string
  headers: Record<string, string>
  body?: string | Buffer
} {
  const query: Record<string, unknown> = { ...g.query }
  const body: Record<string, unknown> = { ...g.body }
  const headers: Record<string, string> = {}
  if (g.creds === 'params') Object.assign(body, sb.creds)
  if (g.creds === 'wrong') Object.assign(query, { api_key: sb.key, api_secret: 'wrong' })
  if (g.creds === 'basic') headers.authorization = basic(sb.key, sb.secret)
  if (g.creds === 'garbage-header') headers.authorization = `Basic ${g.noise}`
  const q = qs(query as Record<string, string>)
  const path = q ? `${g.path}?${q}` : g.path
  switch (g.bodyKind) {
    case 'none':
      return {
        method: g.method,
        path: `${path}${q ? '&' : '?'}${qs(body as Record<string, string>)}`,
        headers,
      }
    case 'form':
      return {
        method: g.method,
        path,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: qs(body as Record<string, string>),
      }
    case 'json':
      return {
        method: g.method,
        path,
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }
    case 'json-bad':
      return {
        method: g.method,
        path,
        headers: { ...headers, 'content-type': 'application/json' },
        body: `{${g.noise}`,
      }
    case 'json-scalar':
      return {
        method: g.method,
        path,
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(g.noise.length % 2 ? [g.noise] : g.noise.length),
      }
    case 'other-type':
      return {
        method: g.method,
        path,
        headers: { ...headers, 'content-type': g.contentType },
        body: g.noise,
      }
    case 'bytes':
      return {
        method: g.method,
        path,
        headers: { ...headers, 'content-type': g.contentType || 'application/octet-stream' },
        body: Buffer.from(g.bytes),
      }
  }
}

/** A documented API-level answer: a status from the reference's table with its text, or a search result. */
function expectDocumentedBody(body: Body, where: string): void {
  if ('verification_requests' in body) {
    expect(Array.isArray(body.verification_requests), where).toBe(true)
    return
  }
  const status = body.status
  expect(typeof status, where).toBe('string')
  if (SEARCH_STATUSES.includes(status as string)) {
    expect(body.request_id, where).toMatch(REQUEST_ID)
    return
  }
  if (status === '0') return
  const pattern = DOCUMENTED[status as string]
  expect(pattern, `${where}: undocumented status ${String(status)}`).toBeDefined()
  expect(body.error_text, where).toMatch(pattern as RegExp)
}

/** The documented body of each HTTP-level error of the API surface, by HTTP status. */
const HTTP_ERRORS: Record<number, (method: string) => Body> = {
  403: (method) => ({
    error: { code: 'method_not_allowed', message: `Method ${method} is not allowed here.` },
  }),
  404: (method) => ({
    error: {
      code: 'not_found',
      message: expect.stringMatching(new RegExp(`^No such endpoint: ${method} /`)),
    },
  }),
  413: () => ({
    error: {
      code: 'payload_too_large',
      message: expect.stringMatching(/^The (request body|query string) is (larger|longer) than/),
    },
  }),
}

/** The admin API's error codes by HTTP status (`{"error":{"code","message"}}`). */
const ADMIN_ERROR_CODES: Record<number, string[]> = {
  400: ['invalid_json', 'invalid_value', 'invalid_number', 'invalid_pin', 'invalid_path'],
  404: ['not_found'],
  405: ['method_not_allowed'],
  413: ['payload_too_large'],
}

/** An admin answer: an error with a documented code for its HTTP status, or a JSON object. */
function expectAdminAnswer(status: number, answer: unknown, where: string): void {
  if (status < 400) {
    expect(answer, where).toEqual(expect.any(Object))
    expect(answer, where).not.toHaveProperty('error')
    return
  }
  expect(ADMIN_ERROR_CODES[status], where).toBeDefined()
  expect(answer, where).toEqual({
    error: {
      code: expect.toBeOneOf(ADMIN_ERROR_CODES[status] ?? []),
      message: expect.stringMatching(/\S/),
    },
  })
}

function expectDocumented(res: RawResponse, path: string, where: string, method = 'GET'): void {
  expect(
    [200, 403, 404, 413],
    `${where} -> HTTP ${res.status}: ${res.text.slice(0, 200)}`,
  ).toContain(res.status)
  // An answer to HEAD has no body by definition; its status is all there is.
  if (method === 'HEAD') {
    expect(res.text).toBe('')
    return
  }
  if (res.status !== 200) {
    expect(res.headers['content-type'], where).toBe('application/json')
    expect(JSON.parse(res.text), where).toEqual(HTTP_ERRORS[res.status]?.(method))
    return
  }
  if (path.split('?')[0]?.endsWith('/xml')) {
    expect(res.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), where).toBe(true)
    const status = /<status>([^<]*)<\/status>/.exec(res.text)?.[1]
    expect(status, where).toBeDefined()
    const text = /<error_text>([^<]*)<\/error_text>/.exec(res.text)?.[1]
    if (status !== '0' && !SEARCH_STATUSES.includes(status as string) && text !== undefined) {
      const unescaped = text
        .replace(/&apos;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&')
      expect(unescaped, where).toMatch(DOCUMENTED[status as string] as RegExp)
    }
    return
  }
  expect(res.headers['content-type'], where).toMatch(/^application\/json(;|$)/)
  let body: Body
  try {
    body = JSON.parse(res.text) as Body
  } catch {
    throw new Error(`${where}: HTTP 200 without JSON: ${res.text.slice(0, 200)}`)
  }
  expectDocumentedBody(body, where)
}

describe('random and malformed requests', () => {
  it('always get a documented answer, and the sandbox keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (g) => {
        const req = build(g)
        const where = `${req.method} ${req.path.slice(0, 200)} [${req.headers['content-type'] ?? ''}]`
        const res = await raw(sb.base, req)
        expectDocumented(res, req.path, where, req.method)
      }),
      { numRuns: 300, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
    // Still alive and still correct after the barrage.
    const res = await postForm(sb.base, '/verify/json', {
      ...sb.creds,
      number: uniqueNumber(),
      brand: 'After',
    })
    expect(res.body.status).toBe('0')
  }, 60_000)

  it('answers structurally valid requests with random values with a documented status', async () => {
    const endpointArb = fc.constantFrom(
      '/verify/json',
      '/verify/check/json',
      '/verify/search/json',
      '/verify/control/json',
      '/verify/psd2/json',
    )
    await fc.assert(
      fc.asyncProperty(endpointArb, paramsArb, fc.boolean(), async (path, params, asJson) => {
        const merged = { ...params, ...sb.creds }
        const req: RawRequest = asJson
          ? {
              method: 'POST',
              path,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(merged),
            }
          : { method: 'GET', path: `${path}?${qs(merged as Record<string, string>)}`, headers: {} }
        const res = await raw(sb.base, req)
        expectDocumented(
          res,
          path,
          `${req.method ?? 'GET'} ${path} ${JSON.stringify(merged).slice(0, 200)}`,
        )
        expect(res.status).toBe(200)
      }),
      { numRuns: 200, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
  }, 60_000)

  it('answers a request URI over 16,000 bytes with 414, as the live API does, not a bare 431', async () => {
    const q = await raw(sb.base, {
      path: `/verify/json?${qs({ ...sb.creds, brand: 'x'.repeat(16_500), number: uniqueNumber() })}`,
    })
    expect(q.status).toBe(414)
    expect(JSON.parse(q.text)).toEqual({
      error: {
        code: 'uri_too_long',
        message: 'The request URI is longer than the limit of 16000 bytes.',
      },
    })
  })

  it('survives an oversized query string and body with a documented answer', async () => {
    // The live API answers HTTP 413 to a query of about 8 KB; the sandbox's limit is 8,000 bytes.
    const huge = 'x'.repeat(9_000)
    const q = await raw(sb.base, {
      path: `/verify/json?${qs({ ...sb.creds, brand: huge, number: uniqueNumber() })}`,
    })
    expect(q.status).toBe(413)
    expect(JSON.parse(q.text)).toEqual({
      error: {
        code: 'payload_too_large',
        message: 'The query string is longer than the limit of 8000 bytes.',
      },
    })
    // A body over the documented 64 KiB default limit: HTTP 413 before any parsing.
    const b = await raw(sb.base, {
      method: 'POST',
      path: '/verify/json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: qs({ ...sb.creds, number: uniqueNumber(), brand: 'y'.repeat(2_000_000) }),
    })
    expect(b.status).toBe(413)
    expect(JSON.parse(b.text)).toEqual({
      error: {
        code: 'payload_too_large',
        message: 'The request body is larger than the limit of 65536 bytes.',
      },
    })
    // Neither became a request.
    const brands = listOf(await admin(sb.base, '/requests?limit=1000'), 'requests').map((r) =>
      String(r.brand),
    )
    expect(brands.filter((brand) => /^(x{100}|y{100})/.test(brand))).toEqual([])
    const alive = await postForm(sb.base, '/verify/json', {
      ...sb.creds,
      number: uniqueNumber(),
      brand: 'Alive',
    })
    expect(alive.body.status).toBe('0')
  })

  it('never answers the admin API with a 5xx or a non-JSON body', async () => {
    const adminPath = fc.oneof(
      fc.constantFrom(
        '/__admin',
        '/__admin/requests',
        '/__admin/requests/abc',
        '/__admin/messages',
        '/__admin/clock',
        '/__admin/faults',
        '/__admin/faults/x',
        '/__admin/test-numbers',
        '/__admin/test-numbers/123',
        '/__admin/accounts',
        '/__admin/throttle',
        '/__admin/nope',
        '/__admin/a/b/c',
      ),
      fc.webSegment().map((s) => `/__admin/${s}`),
    )
    const query = fc.constantFrom(
      '',
      '?limit=abc',
      '?limit=5&offset=-1',
      '?number=%zz',
      '?status=NOPE',
    )
    const body = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc.constantFrom(
        '{"advance_seconds":-1}',
        '{"advance_seconds":"10"}',
        '{"advance_seconds":1e12}',
        '{"endpoint":"check","count":-3}',
        '{"number":"x","pin":"1"}',
        '{"per_second":-1}',
      ),
    )
    const method = fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH')
    await fc.assert(
      fc.asyncProperty(adminPath, query, body, method, async (path, q, b, m) => {
        // GET of /__admin/events is a stream that never ends; every other method is fair game.
        const res = await raw(sb.base, {
          method: m,
          path: `${path}${q}`,
          headers: b === undefined ? {} : { 'content-type': 'application/json' },
          body: b,
        })
        const where = `${m} ${path}${q} ${String(b).slice(0, 80)} -> ${res.status} ${res.text.slice(0, 200)}`
        expect(res.status, where).toBeLessThan(500)
        expect(res.headers['content-type'], where).toMatch(/^application\/json(;|$)/)
        expectAdminAnswer(res.status, JSON.parse(res.text) as unknown, where)
      }),
      { numRuns: 200, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
    // The barrage may have moved the clock, set faults or reset; the sandbox still works.
    await raw(sb.base, { method: 'DELETE', path: '/__admin/faults' })
    await raw(sb.base, {
      method: 'PUT',
      path: '/__admin/throttle',
      headers: { 'content-type': 'application/json' },
      body: '{"per_second":null}',
    })
    const res = await postForm(sb.base, '/verify/json', {
      ...sb.creds,
      number: uniqueNumber(),
      brand: 'Alive',
    })
    expect(res.body.status).toBe('0')
  }, 60_000)
})
