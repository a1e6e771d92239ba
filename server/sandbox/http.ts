/**
 * The HTTP adapter of the sandbox: parses the query string, form and JSON bodies and Basic
 * credentials, calls the engine, and renders JSON or XML. Web-standard in and out (`Call`/`Answer`
 * are converted from and to `Request`/`Response` or node's req/res in index.ts).
 */
import { ERROR_TEXTS } from '../../contract/index.ts'
import type { HttpErrorBody, VerifyEndpoint } from '../../contract/index.ts'
import type { Params, WireBody } from './engine.ts'
import type { SandboxContext } from './context.ts'
import { renderXml } from './xml.ts'
import { handleAdmin } from './admin.ts'

/** A parsed incoming HTTP call. */
export interface Call {
  method: string
  /** Path relative to the sandbox root, without the query string. */
  path: string
  /** The query string without `?` (API calls parse it themselves). */
  rawQuery: string
  /** The parsed query string (admin calls). */
  readonly query: URLSearchParams
  header(name: string): string | undefined
  /** The raw body, or null when there is none. */
  body: Uint8Array | null
  /** The body was larger than the limit (and was not read in full). */
  tooLarge: boolean
}

/** What to send back; `DROP` closes the connection without an answer. */
export type Answer =
  | { status: number; headers: Record<string, string>; body: string | ReadableStream<Uint8Array> }
  | typeof DROP

export const DROP = Symbol('drop-connection')

interface Route {
  endpoint: VerifyEndpoint
  format: 'json' | 'xml'
}

const ROUTES: Record<string, Route> = {
  '/verify/json': { endpoint: 'request', format: 'json' },
  '/verify/xml': { endpoint: 'request', format: 'xml' },
  '/verify/check/json': { endpoint: 'check', format: 'json' },
  '/verify/check/xml': { endpoint: 'check', format: 'xml' },
  '/verify/search/json': { endpoint: 'search', format: 'json' },
  '/verify/search/xml': { endpoint: 'search', format: 'xml' },
  '/verify/control/json': { endpoint: 'control', format: 'json' },
  '/verify/control/xml': { endpoint: 'control', format: 'xml' },
  '/verify/psd2/json': { endpoint: 'psd2', format: 'json' },
}

/** Longest accepted query string in bytes: the live API answered HTTP 413 to a query of about 8 KB. */
export const QUERY_LIMIT = 8192

/**
 * Longest request target (path and query) in bytes: the live API answered HTTP 414 to one of about
 * 16 KB. A server hosting the sandbox needs a header limit above it (HEADER_LIMIT).
 */
export const URI_LIMIT = 16384

/**
 * The HTTP header limit of a server hosting the sandbox: Node's default (16 KiB for the request
 * line and headers together) would answer a 16 KB request target with 431 before the sandbox
 * could answer 414.
 */
export const HEADER_LIMIT = 64 * 1024

export const JSON_TYPE = 'application/json'
export const XML_TYPE = 'text/xml'

export function jsonAnswer(status: number, body: unknown): Answer {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) }
}

export function httpError(status: number, code: string, message: string): Answer {
  const body: HttpErrorBody = { error: { code, message } }
  return jsonAnswer(status, body)
}

const decoder = new TextDecoder()

/** Adds a value to params, turning repeated keys into arrays. */
function put(params: Params, key: string, value: string): void {
  const existing = params[key]
  if (existing === undefined) params[key] = value
  else if (Array.isArray(existing)) existing.push(value)
  else params[key] = [existing, value]
}

/**
 * The prototype of parameter maps: an empty object without a prototype of its own, so a
 * `__proto__` or `constructor` parameter is just a key. Maps created from it stay in V8's fast
 * mode (an `Object.create(null)` object is a slower dictionary from the start).
 */
const PARAMS_PROTO = Object.create(null) as object

/** An empty parameter map (nothing inherited). */
function newParams(): Params {
  return Object.create(PARAMS_PROTO) as Params
}

function decodeComponent(s: string): string {
  if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s
  try {
    return decodeURIComponent(s.replace(PLUS, ' '))
  } catch {
    // Malformed escapes: decode leniently, as URLSearchParams does.
    return new URLSearchParams(`x=${s}`).get('x') ?? s
  }
}

const PLUS = /\+/g

/** Parses `a=1&b=2&b=3` (query strings and form bodies) into params. */
export function parseForm(text: string, into: Params = newParams()): Params {
  const end = text.length
  let start = 0
  while (start < end) {
    let amp = text.indexOf('&', start)
    if (amp < 0) amp = end
    if (amp > start) {
      const eq = text.indexOf('=', start)
      if (eq < 0 || eq > amp) put(into, decodeComponent(text.slice(start, amp)), '')
      else {
        put(into, decodeComponent(text.slice(start, eq)), decodeComponent(text.slice(eq + 1, amp)))
      }
    }
    start = amp + 1
  }
  return into
}

function jsonValue(value: unknown): string | string[] | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) {
    return value.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')))
  }
  return JSON.stringify(value)
}

/** The body as text (node's Buffer decodes faster than a TextDecoder). */
function bodyText(body: Uint8Array): string {
  if (!Buffer.isBuffer(body)) return decoder.decode(body)
  const text = body.toString('utf8')
  // A leading byte order mark is dropped, as TextDecoder does.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** Parses the body; `null` means unparseable JSON (status 999). */
function parseBody(call: Call): Params | null {
  const type = call.header('content-type')
  const applicationJson = type !== undefined && startsWithIgnoreCase(type, 'application/json')
  const json = applicationJson || (type !== undefined && endsWithIgnoreCase(type, '+json'))
  if (!call.body || call.body.length === 0) {
    // An empty body declared as JSON is not JSON.
    return applicationJson && call.method === 'POST' ? null : newParams()
  }
  const text = bodyText(call.body)
  if (json) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return null
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null
    const params = newParams()
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      const value = jsonValue(v)
      if (value !== undefined) params[k] = value
    }
    return params
  }
  return parseForm(text)
}

function startsWithIgnoreCase(s: string, prefix: string): boolean {
  return s.length >= prefix.length && s.slice(0, prefix.length).toLowerCase() === prefix
}

function endsWithIgnoreCase(s: string, suffix: string): boolean {
  return s.length >= suffix.length && s.slice(s.length - suffix.length).toLowerCase() === suffix
}

type Credentials = { key: string; secret: string }
let lastBasic: { header: string; credentials: Credentials | null } | undefined

/** Credentials of an `Authorization: Basic` header, if well formed (the last one is cached). */
export function basicCredentials(header: string | undefined): Credentials | null {
  if (!header) return null
  if (lastBasic?.header === header) return lastBasic.credentials
  const credentials = decodeBasic(header)
  lastBasic = { header, credentials }
  return credentials
}

function decodeBasic(header: string): Credentials | null {
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header)
  if (!match) return null
  let decoded: string
  try {
    decoded = Buffer.from(match[1] as string, 'base64').toString('utf8')
  } catch {
    return null
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) return null
  return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

function render(route: Route, body: WireBody): Answer {
  if (route.format === 'xml') {
    return {
      status: 200,
      headers: { 'content-type': XML_TYPE },
      body: renderXml(route.endpoint, body),
    }
  }
  return { status: 200, headers: JSON_HEADERS, body: flatJson(body) }
}

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': JSON_TYPE })

/** Printable ASCII other than `"` and `\\`: written into JSON as it is. */
const JSON_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/**
 * `JSON.stringify` of an API answer, with a faster path for the usual flat object of plain
 * strings (the same text: keys in the same order, nothing to escape).
 */
export function flatJson(body: WireBody): string {
  let out = '{'
  for (const key in body) {
    const value = body[key]
    if (typeof value !== 'string' || !JSON_PLAIN.test(value) || !JSON_PLAIN.test(key)) {
      return JSON.stringify(body)
    }
    out += `${out.length === 1 ? '"' : ',"'}${key}":"${value}"`
  }
  return `${out}}`
}

/** Handles one call to the sandbox root (API and admin). Never throws for bad input. */
export function handleCall(ctx: SandboxContext, call: Call): Answer | Promise<Answer> {
  if (call.path.length + 1 + call.rawQuery.length > URI_LIMIT) {
    return httpError(
      414,
      'uri_too_long',
      `The request URI is longer than the limit of ${URI_LIMIT} bytes.`,
    )
  }
  let path = call.path
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1)
  if (path === '/__admin' || path.startsWith('/__admin/')) return handleAdmin(ctx, call, path)
  const route = ROUTES[path]
  if (!route) {
    return httpError(404, 'not_found', `No such endpoint: ${call.method} ${call.path}`)
  }
  if (call.method !== 'GET' && call.method !== 'POST') {
    return httpError(403, 'method_not_allowed', `Method ${call.method} is not allowed here.`)
  }
  if (call.tooLarge) {
    return httpError(
      413,
      'payload_too_large',
      `The request body is larger than the limit of ${ctx.bodyLimit} bytes.`,
    )
  }
  if (call.rawQuery.length > QUERY_LIMIT) {
    return httpError(
      413,
      'payload_too_large',
      `The query string is longer than the limit of ${QUERY_LIMIT} bytes.`,
    )
  }
  const fault = ctx.faults.take(route.endpoint)
  if (fault) {
    ctx.changed()
    const faulty = (): Answer => {
      if (fault.drop) return DROP
      if (fault.status !== null) {
        const params = withBasicCredentials(call, callParams(call) ?? newParams())
        const body = ctx.engine.injectedAnswer(route.endpoint, params, {
          status: fault.status,
          errorText: fault.error_text,
          network: fault.network,
        })
        ctx.changed() // a status 10 may have started the request it names
        return render(route, body)
      }
      return answerCall(ctx, call, route)
    }
    return fault.delay_ms > 0 ? ctx.sleep(fault.delay_ms).then(faulty) : faulty()
  }
  return answerCall(ctx, call, route)
}

/** The call's parameters, query and body merged (body values win); `null` for unparseable JSON. */
function callParams(call: Call): Params | null {
  const body = call.method === 'POST' || call.body ? parseBody(call) : newParams()
  if (body === null || call.rawQuery === '') return body
  const params = parseForm(call.rawQuery)
  for (const k in body) params[k] = body[k]
  return params
}

/** Adds the `Authorization: Basic` credentials where the parameters carry none. */
function withBasicCredentials(call: Call, params: Params): Params {
  const basic = basicCredentials(call.header('authorization'))
  if (basic) {
    if (params.api_key === undefined || params.api_key === '') params.api_key = basic.key
    if (params.api_secret === undefined || params.api_secret === '')
      params.api_secret = basic.secret
  }
  return params
}

/** Parses, authenticates through the engine and renders one API call (synchronous fast path). */
function answerCall(ctx: SandboxContext, call: Call, route: Route): Answer {
  const params = callParams(call)
  if (params === null) {
    return render(route, { status: '999', error_text: ERROR_TEXTS.unparseableJson })
  }
  const result = ctx.engine.call(route.endpoint, withBasicCredentials(call, params))
  ctx.changed()
  return render(route, result)
}
