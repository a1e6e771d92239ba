/** Credential handling: strip what the browser sent, inject the server's own. Pure: no I/O. */
import { TOKEN_QUERY_PARAM } from '../../contract/desk.ts'
import { ProxyError } from './errors.ts'

export interface Credentials {
  apiKey: string
  apiSecret: string
}

/** Where the server's credentials go: the `Authorization: Basic` header, or `api_key`/`api_secret` parameters. */
export type AuthMode = 'basic' | 'params'

/**
 * Parameter names that carry credentials (compared case-insensitively): the key and secret, and a
 * request signature (`sig`, also seen as `signature`), which only the holder of the secret makes.
 */
export const CREDENTIAL_PARAMS: readonly string[] = ['api_key', 'api_secret', 'sig', 'signature']

export type BodyKind = 'none' | 'json' | 'form' | 'other'

/** Length of the shortest credential name: a shorter field cannot be one, whatever its case. */
const SHORTEST_CREDENTIAL = Math.min(...CREDENTIAL_PARAMS.map((name) => name.length))

const isCredentialParam = (name: string): boolean =>
  name.length >= SHORTEST_CREDENTIAL && CREDENTIAL_PARAMS.includes(name.trim().toLowerCase())

/**
 * Whether a body field is this server's access token (`verify_desk_token`, whatever its case): it
 * is meant for this server only and never goes on to the upstream. It is no credential of the
 * upstream's, so it does not count among the `removed` ones.
 */
const isTokenParam = (name: string): boolean =>
  name.length >= TOKEN_QUERY_PARAM.length && name.trim().toLowerCase() === TOKEN_QUERY_PARAM

const UTF8_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8', 'us-ascii'])

/** Classifies a request body by its Content-Type (`other` for a charset other than UTF-8). */
export function bodyKind(contentType: string | undefined, length: number): BodyKind {
  if (contentType === 'application/json') return 'json'
  // The body is read and forwarded as UTF-8: another charset would arrive altered.
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase()
  if (length > 0 && charset && !UTF8_CHARSETS.has(charset)) return 'other'
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (type === 'application/json' || type.endsWith('+json')) return 'json'
  if (type === 'application/x-www-form-urlencoded') return 'form'
  if (length === 0) return 'none'
  return 'other'
}

/** Removes credential parameters from a query string; returns how many were removed. */
export function stripQuery(params: URLSearchParams): number {
  if (params.size === 0) return 0
  const names = [...new Set(params.keys())].filter(isCredentialParam)
  let removed = 0
  for (const name of names) {
    removed += params.getAll(name).length
    params.delete(name)
  }
  return removed
}

/**
 * Removes this server's access token (`verify_desk_token`, whatever its case) from a query or a
 * form: it is meant for this server only. Whether there was one.
 */
export function stripToken(params: URLSearchParams): boolean {
  if (params.size === 0) return false
  const tokens = [...new Set(params.keys())].filter(isTokenParam)
  for (const name of tokens) params.delete(name)
  return tokens.length > 0
}

export interface StrippedBody {
  body: string
  /**
   * The parameters, when the body could be read as JSON object or form (for the log's request_id
   * and the codes to hide): a form's repeated key as the array of its values, in order.
   */
  params: Record<string, unknown> | undefined
  removed: number
}

/** A form's parameters: a value per key, the values of a repeated key as an array. */
function formParams(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of params) {
    const existing = out[key]
    if (existing === undefined) out[key] = value
    else if (Array.isArray(existing)) existing.push(value)
    else out[key] = [existing, value]
  }
  return out
}

/**
 * The refusal of a JSON body that cannot be parsed: forwarded as it is, it could carry the
 * browser's credentials past the stripping (an upstream more lenient than `JSON.parse` would read
 * them). 415, as for the other bodies the proxy cannot read (not UTF-8, a broken multipart form).
 */
function unparseableJson(): ProxyError {
  return new ProxyError(
    415,
    'unsupported_media_type',
    'The JSON body could not be parsed (Vonage answers such a body with status 999, "Could not ' +
      'parse request :: Unparseable JSON"): send one JSON object, e.g. ' +
      '{"number":"447700900000","brand":"Acme"}, or the parameters as a form.',
  )
}

/**
 * Removes credential fields, and this server's access token, from a JSON-object or form body. A
 * leading byte order mark is dropped from a JSON body (the upstream drops it too). A JSON body that
 * cannot be parsed is refused (415); one that parses to something other than an object (an array,
 * a number) is returned unchanged: the upstream cannot read parameters from it either. An empty
 * JSON body goes on as it is.
 */
export function stripBody(body: string, kind: BodyKind): StrippedBody {
  if (kind === 'form') {
    const params = new URLSearchParams(body)
    const removed = stripQuery(params)
    const hadToken = stripToken(params)
    return {
      body: removed || hadToken ? params.toString() : body,
      params: formParams(params),
      removed,
    }
  }
  if (kind === 'json') {
    // A byte order mark: JSON.parse would refuse it, where the upstream reads past it.
    if (body.charCodeAt(0) === 0xfeff) body = body.slice(1)
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      // Nothing to hide in an empty body: the upstream answers it with its own status 999.
      if (body.trim() === '') return { body, params: undefined, removed: 0 }
      throw unparseableJson()
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { body, params: undefined, removed: 0 }
    }
    const record = parsed as Record<string, unknown>
    let removed = 0
    let changed = false
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue
      const credential = isCredentialParam(key)
      if (credential || isTokenParam(key)) {
        delete record[key]
        changed = true
        if (credential) removed++
      }
    }
    return { body: changed ? JSON.stringify(record) : body, params: record, removed }
  }
  return { body, params: undefined, removed: 0 }
}

/** `Authorization` header value for HTTP Basic with the API key and secret. */
export function basicAuthorization({ apiKey, apiSecret }: Credentials): string {
  return `Basic ${Buffer.from(`${apiKey}:${apiSecret}`, 'utf8').toString('base64')}`
}

export interface OutgoingParts {
  query: URLSearchParams
  body: string
  kind: BodyKind
  headers: Record<string, string>
}

/**
 * Adds the server's credentials as parameters (`VONAGE_AUTH=params`) to an outgoing request whose
 * browser credentials were stripped: in the JSON or form body for POST, else the query. (With Basic
 * auth the proxy sends `basicAuthorization(credentials)`, computed once per environment.)
 */
export function injectParamCredentials(
  parts: OutgoingParts,
  method: string,
  credentials: Credentials,
): OutgoingParts {
  const fields = { api_key: credentials.apiKey, api_secret: credentials.apiSecret }
  if (method === 'POST' && parts.kind === 'json') {
    const { params } = stripBody(parts.body, 'json')
    if (params) return { ...parts, body: JSON.stringify({ ...params, ...fields }) }
  }
  // A POST with no body carries its parameters in the query: the credentials go with them.
  if (
    method === 'POST' &&
    (parts.kind === 'form' || (parts.kind === 'none' && parts.query.size === 0))
  ) {
    const form = new URLSearchParams(parts.body)
    form.set('api_key', fields.api_key)
    form.set('api_secret', fields.api_secret)
    return {
      ...parts,
      kind: 'form',
      body: form.toString(),
      headers: { ...parts.headers, 'content-type': 'application/x-www-form-urlencoded' },
    }
  }
  const query = new URLSearchParams(parts.query)
  query.set('api_key', fields.api_key)
  query.set('api_secret', fields.api_secret)
  return { ...parts, query }
}

/** The masked key shown to the SPA: its first four characters and an ellipsis (`ab12…`). */
export function maskKey(apiKey: string): string {
  const shown = Math.min(4, Math.floor(apiKey.length / 2))
  return `${apiKey.slice(0, shown)}…`
}

/** HTML named entities (with the upper-case spellings HTML also reads, `&AMP;`…). */
const HTML_NAMED: Readonly<Record<string, readonly string[]>> = {
  '&': ['&amp;', '&AMP;'],
  '<': ['&lt;', '&LT;'],
  '>': ['&gt;', '&GT;'],
  '"': ['&quot;', '&QUOT;'],
  "'": ['&apos;'],
}

/** JSON's short escapes: `\"`, `\\`, `\/` (PHP writes it), and the control characters'. */
const JSON_SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

/** Hex digits matching either case (`[eE]9`): the one place a pattern ignores case. */
function hexPattern(value: number, width = 0): string {
  return value
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`)
}

/**
 * Every way one character (a code point) may be written in a text that echoes it, as a regular
 * expression: an HTML entity (named where one exists, decimal `&#0*DDD;`, hex
 * `&#[xX]0*HH;`); a JSON escape (`\uHHHH`, a surrogate pair past U+FFFF, the short ones); its
 * UTF-8 bytes percent-encoded, and `+` for a space (a form value); itself. Alternatives only, no quantifier
 * but the entities' leading zeros: a pattern made of these never backtracks far.
 */
function charPattern(char: string): string {
  const code = char.codePointAt(0) ?? 0
  const forms = (HTML_NAMED[char] ?? []).map(escapeRegExp)
  forms.push(`&#0*${code};`, `&#[xX]0*${hexPattern(code)};`)
  const units = code > 0xffff ? [char.charCodeAt(0), char.charCodeAt(1)] : [code]
  forms.push(units.map((unit) => `\\\\u${hexPattern(unit, 4)}`).join(''))
  const short = JSON_SHORT[char]
  if (short) forms.push(escapeRegExp(short))
  // A lone surrogate has no UTF-8 form: an encoder would not write it percent-encoded.
  if (code < 0xd800 || code > 0xdfff) {
    const bytes = [...Buffer.from(char, 'utf8')]
    forms.push(bytes.map((byte) => `%${hexPattern(byte, 2)}`).join(''))
  }
  if (char === ' ') forms.push('\\+')
  // The character itself last: `&amp;` is read as one `&`, not as `&` followed by `amp;`.
  forms.push(escapeRegExp(char))
  return `(?:${forms.join('|')})`
}

/**
 * One pattern for every way a secret can appear in a text that echoes it: each character, on its
 * own, as any of its forms (`charPattern`), so the mixes encoders write (PHP's `htmlspecialchars`
 * with `&#039;`, Python's `html.escape` with `&#x27;`, `json_encode` with `\u0026` and `\/`, Go's
 * `\u003c`, `URLSearchParams`' `+`…) are all found, and those no one has listed yet too.
 */
function secretPattern(secret: string): string {
  let pattern = ''
  for (const char of secret) pattern += charPattern(char)
  return pattern
}

/** A text with every form of the secrets it was made for replaced by `[redacted]`. */
export type Redactor = (text: string) => string

/**
 * The redactor of `secrets`: one regular expression for every form of all of them (longest secret
 * first, so none is cut by a shorter one), one pass over a text. A secret under 4 characters is
 * not searched: it would be found inside request ids and words, and redact them. A text without
 * any comes back as it is (the same string), so a caller can tell whether anything was redacted.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const kept = [...new Set(secrets)]
    .filter((secret) => secret.length >= 4)
    .sort((a, b) => b.length - a.length)
  if (kept.length === 0) return (text) => text
  const pattern = new RegExp(kept.map(secretPattern).join('|'), 'g')
  return function redactSecrets(text: string): string {
    return text.replace(pattern, '[redacted]')
  }
}

/**
 * The text with the API key masked (`ab12…`) where it is quoted as a parameter (`api_key=…`,
 * `"api_key":"…"`), as an answer echoing the call in params mode would show it. Elsewhere the key
 * is left alone: eight hex characters may well be part of a request_id.
 */
export function hideApiKey(text: string, apiKey: string): string {
  const quoted = new RegExp(
    `(api_key["']?\\s*[:=]\\s*["']?)${escapeRegExp(apiKey)}(?![A-Za-z0-9])`,
    'gi',
  )
  return text.replace(quoted, `$1${maskKey(apiKey)}`)
}

/** A text as a regular expression that matches exactly it. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
