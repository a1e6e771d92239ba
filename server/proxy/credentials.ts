/** Credential handling: strip what the browser sent, inject the server's own. Pure: no I/O. */

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

export interface StrippedBody {
  body: string
  /** The parameters, when the body could be read as JSON object or form (for the log's request_id). */
  params: Record<string, unknown> | undefined
  removed: number
}

/**
 * Removes credential fields from a JSON-object or form body. A body that is not a JSON object
 * (unparseable, an array) is returned unchanged: the upstream cannot read credentials from it either.
 */
export function stripBody(body: string, kind: BodyKind): StrippedBody {
  if (kind === 'form') {
    const params = new URLSearchParams(body)
    const removed = stripQuery(params)
    return {
      body: removed ? params.toString() : body,
      params: Object.fromEntries(params),
      removed,
    }
  }
  if (kind === 'json') {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      return { body, params: undefined, removed: 0 }
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { body, params: undefined, removed: 0 }
    }
    const record = parsed as Record<string, unknown>
    let removed = 0
    for (const key in record) {
      if (Object.hasOwn(record, key) && isCredentialParam(key)) {
        delete record[key]
        removed++
      }
    }
    return { body: removed ? JSON.stringify(record) : body, params: record, removed }
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

/** HTML escapes of `"` and `'`: named, decimal and hex entities (`&quot;`, `&#34;`, `&#x22;`, …). */
const HTML_QUOTES: readonly (readonly [string, string])[] = [
  ['&quot;', '&#39;'],
  ['&#34;', '&#39;'],
  ['&quot;', '&apos;'],
  ['&#x22;', '&#x27;'],
  ['&#X22;', '&#X27;'],
]

/** The secret HTML-escaped (`&`, `<`, `>` named, the quotes as `quotes` spells them). */
function htmlEscaped(secret: string, [double, single]: readonly [string, string]): string {
  return secret
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, double)
    .replace(/'/g, single)
}

/** A JSON string body with every character past ASCII as `\uXXXX` (Python's `ensure_ascii`). */
function asciiJson(json: string, upper: boolean): string {
  return json.replace(/[\u0080-\uffff]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(4, '0')
    return `\\u${upper ? hex.toUpperCase() : hex}`
  })
}

/**
 * The ways a secret can appear in a text that echoes it: as it is, percent-encoded as a URI
 * component or as a form value (`URLSearchParams`, which the params mode sends), escaped in JSON
 * (`/` as `\/` too, as PHP does; non-ASCII as `\u00e9` or `\u00E9`, as Python and PHP do; `<>&`
 * as `\u003c`…, as Go does) or in HTML (the quotes as named, decimal or hex entities: Go writes
 * `&#34;`). Longest first, so no form is cut by a shorter one.
 */
function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1)
  // Go's encoding/json writes `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`.
  const goJson = json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)
  const jsons = [json, json.replace(/\//g, '\\/'), goJson]
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams([['', secret]]).toString().slice(1),
    ...jsons,
    ...jsons.flatMap((text) => [asciiJson(text, false), asciiJson(text, true)]),
    ...HTML_QUOTES.map((quotes) => htmlEscaped(secret, quotes)),
  ])
  return [...forms].sort((a, b) => b.length - a.length)
}

/** Replaces every form of each secret (4 characters or more) with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length < 4) continue
    for (const form of secretForms(secret)) out = out.split(form).join('[redacted]')
  }
  return out
}

/** A text with every form of the secrets it was made for replaced by `[redacted]`. */
export type Redactor = (text: string) => string

/**
 * The redactor of `secrets` (those of 4 characters or more, as `redact`): a quick scan for any of
 * their forms, then `redact` only when one shows. A text without any comes back as it is (the
 * same string), so a caller can tell whether anything was redacted.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const kept = [...new Set(secrets)].filter((secret) => secret.length >= 4)
  // Every form they may take in a text (percent-encoded, escaped): what the quick scan looks for.
  const forms = [...new Set(kept.flatMap(secretForms))]
  return function redactSecrets(text: string): string {
    for (const form of forms) if (text.includes(form)) return redact(text, kept)
    return text
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
