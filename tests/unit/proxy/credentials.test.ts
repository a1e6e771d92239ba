import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  basicAuthorization,
  bodyKind,
  createRedactor,
  injectParamCredentials,
  maskKey,
  stripBody,
  stripQuery,
  stripToken,
} from '../../../server/proxy/credentials'

const creds = { apiKey: 'abcd1234', apiSecret: 'S3cretValue!' }

describe('stripQuery', () => {
  it('removes api_key and api_secret whatever their case, keeping the rest', () => {
    const params = new URLSearchParams('request_id=r1&api_key=k&API_SECRET=s&api_key=k2&Api_Key=x')
    expect(stripQuery(params)).toBe(4)
    expect(params.toString()).toBe('request_id=r1')
  })

  it('removes a request signature (sig, signature) whatever its case', () => {
    const params = new URLSearchParams('request_id=r1&sig=abc&SIGNATURE=def&Sig=x&signed=keep')
    expect(stripQuery(params)).toBe(3)
    expect(params.toString()).toBe('request_id=r1&signed=keep')
  })
})

describe('stripToken', () => {
  it("removes this server's access token from a query whatever its case, keeping the rest", () => {
    const params = new URLSearchParams(
      'request_id=r1&verify_desk_token=t&VERIFY_DESK_TOKEN=t2&Verify_Desk_Token=t3&token=keep',
    )
    expect(stripToken(params)).toBe(true)
    expect(params.toString()).toBe('request_id=r1&token=keep')
  })

  it('says there was none, and changes nothing, without one', () => {
    const params = new URLSearchParams('request_id=r1&desk_token=keep')
    expect(stripToken(params)).toBe(false)
    expect(params.toString()).toBe('request_id=r1&desk_token=keep')
  })
})

describe('stripBody', () => {
  it('removes credentials from a form body', () => {
    const out = stripBody('number=447700900000&api_key=k&brand=Acme+Inc&api_secret=s', 'form')
    expect(out.removed).toBe(2)
    expect(new URLSearchParams(out.body).get('brand')).toBe('Acme Inc')
    expect(out.body).not.toMatch(/api_/)
    expect(out.params).toEqual({ number: '447700900000', brand: 'Acme Inc' })
  })

  it('removes credentials from a JSON object body and keeps value types', () => {
    const out = stripBody(
      JSON.stringify({ number: '1', code_length: 6, api_key: 'k', API_SECRET: 's' }),
      'json',
    )
    expect(JSON.parse(out.body)).toEqual({ number: '1', code_length: 6 })
    expect(out.removed).toBe(2)
  })

  it('removes a signature from a form and a JSON body', () => {
    const form = stripBody('number=1&sig=abc&brand=b&signature=def', 'form')
    expect(form.removed).toBe(2)
    expect(form.params).toEqual({ number: '1', brand: 'b' })
    const body = stripBody(JSON.stringify({ request_id: 'r1', code: '1', Sig: 'abc' }), 'json')
    expect(body.removed).toBe(1)
    expect(JSON.parse(body.body)).toEqual({ request_id: 'r1', code: '1' })
  })

  it('leaves a body without credentials byte for byte unchanged', () => {
    const body = '{"request_id":"abc",  "code":"1234"}'
    expect(stripBody(body, 'json')).toEqual({
      body,
      params: { request_id: 'abc', code: '1234' },
      removed: 0,
    })
  })

  it('refuses JSON that cannot be parsed (415): it is never forwarded with what it holds', () => {
    expect(() => stripBody('{not json, "api_secret":"s"', 'json')).toThrow(
      expect.objectContaining({ status: 415, code: 'unsupported_media_type' }),
    )
  })

  it('passes an empty JSON body unchanged (the upstream answers its own 999)', () => {
    expect(stripBody('', 'json')).toEqual({ body: '', params: undefined, removed: 0 })
  })

  it('passes JSON that is not an object unchanged (the upstream reads no parameter in it)', () => {
    const body = '[{"api_key":"k"}]'
    expect(stripBody(body, 'json')).toEqual({ body, params: undefined, removed: 0 })
  })

  it('removes the access token from a form and a JSON body, whatever its case', () => {
    const form = stripBody('number=1&verify_desk_token=t0ken&VERIFY_DESK_TOKEN=t1&brand=b', 'form')
    expect(form).toEqual({
      body: 'number=1&brand=b',
      params: { number: '1', brand: 'b' },
      removed: 0,
    })
    const body = stripBody('{"request_id":"r1","code":"1234","Verify_Desk_Token":"t0ken"}', 'json')
    expect(body).toEqual({
      body: '{"request_id":"r1","code":"1234"}',
      params: { request_id: 'r1', code: '1234' },
      removed: 0,
    })
  })

  it('drops a leading byte order mark, then strips the credentials', () => {
    const out = stripBody('\uFEFF{"number":"1","api_key":"k","api_secret":"s"}', 'json')
    expect(out).toEqual({ body: '{"number":"1"}', params: { number: '1' }, removed: 2 })
    const clean = stripBody('\uFEFF{"number":"1"}', 'json')
    expect(clean.body).toBe('{"number":"1"}')
  })
})

describe('bodyKind', () => {
  it.each([
    ['application/json', 5, 'json'],
    ['application/json; charset=utf-8', 5, 'json'],
    ['application/x-www-form-urlencoded;charset=UTF-8', 5, 'form'],
    [undefined, 0, 'none'],
    ['text/plain', 0, 'none'],
    ['text/plain', 3, 'other'],
    ['multipart/form-data; boundary=x', 10, 'other'],
    ['application/x-www-form-urlencoded; charset=ISO-8859-1', 10, 'other'],
    ['application/json; charset="windows-1252"', 10, 'other'],
    ['application/x-www-form-urlencoded; charset=us-ascii', 10, 'form'],
    ['application/x-www-form-urlencoded; charset=ISO-8859-1', 0, 'form'],
  ] as const)('classifies %s (%i bytes) as %s', (type, length, kind) => {
    expect(bodyKind(type, length)).toBe(kind)
  })
})

describe('basicAuthorization', () => {
  it('is the Authorization header value for the key and secret', () => {
    expect(basicAuthorization(creds)).toBe(
      `Basic ${Buffer.from('abcd1234:S3cretValue!').toString('base64')}`,
    )
  })
})

describe('injectParamCredentials', () => {
  const parts = {
    query: new URLSearchParams('request_id=r1'),
    body: '',
    kind: 'none' as const,
    headers: {},
  }

  it('params mode puts them in the query of a GET', () => {
    const out = injectParamCredentials(parts, 'GET', creds)
    expect(Object.fromEntries(out.query)).toEqual({
      request_id: 'r1',
      api_key: 'abcd1234',
      api_secret: 'S3cretValue!',
    })
    expect(out.headers).toEqual({})
  })

  it('params mode puts them in a JSON body of a POST', () => {
    const out = injectParamCredentials(
      { ...parts, kind: 'json', body: '{"number":"1"}' },
      'POST',
      creds,
    )
    expect(JSON.parse(out.body)).toEqual({
      number: '1',
      api_key: 'abcd1234',
      api_secret: 'S3cretValue!',
    })
  })

  it('params mode keeps them with the parameters of a POST that has them only in its query', () => {
    const out = injectParamCredentials(parts, 'POST', creds)
    expect(out.query.toString()).toBe('request_id=r1&api_key=abcd1234&api_secret=S3cretValue%21')
    expect(out.body).toBe('')
    expect(out.headers['content-type']).toBeUndefined()
  })

  it('params mode turns a POST with no parameters at all into a form', () => {
    const out = injectParamCredentials({ ...parts, query: new URLSearchParams() }, 'POST', creds)
    expect(out.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(new URLSearchParams(out.body).get('api_secret')).toBe('S3cretValue!')
  })
})

describe('maskKey and redact', () => {
  it('shows only the first four characters of a key', () => {
    expect(maskKey('ab12cd34')).toBe('ab12…')
    expect(maskKey('abc')).toBe('a…')
  })

  it('shows no more than four characters of a long key', () => {
    expect(maskKey('abcdef123456')).toBe('abcd…')
    expect(maskKey('abcdefghijklmnopqrstuvwxyz0123456789')).toBe('abcd…')
  })

  it('redacts a secret and its URL encoding', () => {
    const text = `x=S3cretValue! y=${encodeURIComponent('S3cretValue!')} ${basicAuthorization(creds)}`
    const out = createRedactor([creds.apiSecret, basicAuthorization(creds).slice(6)])(text)
    expect(out).not.toContain('S3cretValue')
    expect(out).not.toContain(basicAuthorization(creds).slice(6))
    expect(out).toContain('[redacted]')
  })

  it('redacts the forms a secret takes when sent as a form value or echoed in JSON or HTML', () => {
    const secret = `Pa55*word!(x) +y'"<&>`
    const echoes = [
      `api_secret=${new URLSearchParams({ s: secret }).toString().slice(2)}`,
      JSON.stringify({ echo: secret }),
      `<p>${secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')}</p>`,
    ]
    expect(echoes.map((text) => createRedactor([secret])(text))).toEqual([
      'api_secret=[redacted]',
      '{"echo":"[redacted]"}',
      '<p>[redacted]</p>',
    ])
  })
})

describe('createRedactor', () => {
  const secret = 'S3cret/Value!'
  const redactSecrets = createRedactor([secret, secret, 'abc'])

  it('redacts every form of its secrets, as redact does', () => {
    const text = `a=${secret} b=${encodeURIComponent(secret)} c=${JSON.stringify(secret)} d=S3cret\\/Value!`
    expect(redactSecrets(text)).toBe(createRedactor([secret])(text))
    expect(redactSecrets(text)).toBe('a=[redacted] b=[redacted] c="[redacted]" d=[redacted]')
  })

  it('gives back the text unchanged when no secret shows, and never redacts a secret under 4 characters', () => {
    const text = 'status=0 abc request_id=abc123'
    expect(redactSecrets(text)).toBe(text)
  })
})

describe('redact: escapes other servers write', () => {
  const secret = 'p@ss w/rd+&<>"é%'

  it.each([
    ["Go's html.EscapeString (decimal quotes)", 'p@ss w/rd+&amp;&lt;&gt;&#34;é%'],
    ['hex entities (&#x22;)', 'p@ss w/rd+&amp;&lt;&gt;&#x22;é%'],
    ["Python's json.dumps (ensure_ascii)", 'p@ss w/rd+&<>\\"\\u00e9%'],
    ['upper-case \\u escapes', 'p@ss w/rd+&<>\\"\\u00E9%'],
    ["PHP's json_encode (\\/ and \\u)", 'p@ss w\\/rd+&<>\\"\\u00e9%'],
    ["Go's encoding/json (\\u003c for <>&)", 'p@ss w/rd+\\u0026\\u003c\\u003e\\"é%'],
  ])('redacts the secret escaped by %s', (_, form) => {
    const text = `error: bad secret ${form} (end)`
    expect(createRedactor([secret])(text)).toBe('error: bad secret [redacted] (end)')
    expect(createRedactor([secret])(text)).toBe('error: bad secret [redacted] (end)')
  })

  it('redacts a single quote as &#39;, &#x27; or &apos;', () => {
    const quoted = "it's-a-secret"
    for (const entity of ['&#39;', '&#x27;', '&apos;']) {
      const text = `<p>${quoted.replace("'", entity)}</p>`
      expect(createRedactor([quoted])(text)).toBe('<p>[redacted]</p>')
    }
  })
})

/** HTML escapes as Go writes them (html.EscapeString) and with hex entities. */
const goHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;')
const hexHtml = (s: string) => goHtml(s).replace(/&#34;/g, '&#x22;').replace(/&#39;/g, '&#x27;')
describe('redact: property', () => {
  it('leaves no HTML-escaped form of any secret in an echo of it', () => {
    const secretArb = fc
      .string({
        unit: fc.constantFrom(...'aZ9 /+&<>"\'%é€😀'.split(/(?:)/u)),
        minLength: 4,
        maxLength: 16,
      })
      .filter((s) => s.length >= 4)
    fc.assert(
      fc.property(secretArb, fc.constantFrom(goHtml, hexHtml), (secret, escape) => {
        const out = createRedactor([secret])(`[${escape(secret)}]`)
        expect(out).toBe('[[redacted]]')
      }),
      { seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
  })
})

/**
 * Secrets as other servers' JSON encoders write them, copied from their output (not computed
 * here): Python 3's json.dumps (ensure_ascii: every non-ASCII UTF-16 unit as lower-case \u) and
 * Go's encoding/json (<, > and & as \u003c…, U+2028 as \u2028, other characters as they are).
 */
describe('redact: JSON written by other servers', () => {
  it.each([
    ['json.dumps', 'p@ss é', '"p@ss \\u00e9"'],
    ['json.dumps', 'a€b/c"d', '"a\\u20acb/c\\"d"'],
    ['json.dumps', 'x😀y\\z', '"x\\ud83d\\ude00y\\\\z"'],
    ['json.dumps', "it's <&>", '"it\'s <&>"'],
    ['Go json.Marshal', 'a<b>&c', '"a\\u003cb\\u003e\\u0026c"'],
    ['Go json.Marshal', 'pé/😀"', '"pé/😀\\""'],
    ['Go json.Marshal', 'line\u2028sep', '"line\\u2028sep"'],
  ])('%s of %j: %s', (_, secret, written) => {
    expect(createRedactor([secret])(`{"error":${written}}`)).toBe('{"error":"[redacted]"}')
    expect(createRedactor([secret])(`{"error":${written}}`)).toBe('{"error":"[redacted]"}')
  })
})
