/**
 * The HTTP adapter of the sandbox: parses the query string, form and JSON bodies and Basic
 * credentials, calls the engine, and renders JSON or XML. Web-standard in and out (`Call`/`Answer`
 * are converted from and to `Request`/`Response` or node's req/res in index.ts).
 */
import {
  ERROR_TEXTS,
  NOT_SCALAR,
  REQUIRED_PARAMS,
  VALUE_ORDER,
  apiRouteOf,
} from '../../contract/index.ts'
import type { HttpErrorBody, VerifyEndpoint } from '../../contract/index.ts'
import { credentialsRefusal } from './engine.ts'
import type { Params, WireBody } from './engine.ts'
import type { SandboxContext } from './context.ts'
import { renderXml } from './xml.ts'
import { handleAdmin } from './admin.ts'
import { isBackgroundCall } from './faults.ts'
import { formFields } from '../multipart.ts'
import { answerNetworkUnblock, unreadableNetworkUnblock } from './network-unblock.ts'

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

/**
 * Longest accepted query string in bytes. The live API answered HTTP 413 to a start whose query
 * was 8,054 bytes (`api_key` and `api_secret` of 4,000 characters each, `brand` and a 12-digit
 * `number`): a limit of 8 KiB (8,192) would let that call through, so the limit is 8,000.
 */
const QUERY_LIMIT = 8000

/**
 * Longest request target (path and query) in bytes. The live API answered HTTP 414 to a start
 * whose request target was 16,067 bytes (the same call with key and secret of 8,000 characters
 * each): a limit of 16 KiB (16,384) would answer it 413 for its query instead, so the limit is
 * 16,000. A server hosting the sandbox needs a header limit above it (HEADER_LIMIT).
 */
const URI_LIMIT = 16000

/**
 * The HTTP header limit of a server hosting the sandbox: Node's default (16 KiB for the request
 * line and headers together) would answer a 16 KB request target with 431 before the sandbox
 * could answer 414.
 */
export const HEADER_LIMIT = 64 * 1024

export const JSON_TYPE = 'application/json'
const XML_TYPE = 'text/xml'

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
  // A form's values are text: a structured value comes from JSON only.
  else params[key] = [existing as string, value]
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

/**
 * The parameter names of the API (the contract's, credentials and `request_ids` added), by length:
 * a name written as it is in a form is taken as this (interned) string instead of a new one, which
 * every use as a property key would look up again.
 */
const KNOWN_KEYS: ReadonlyArray<readonly string[] | undefined> = (() => {
  const names = new Set<string>([
    'api_key',
    'api_secret',
    ...Object.values(REQUIRED_PARAMS).flat(),
    ...VALUE_ORDER.request,
    ...VALUE_ORDER.psd2,
    'request_ids',
  ])
  const byLength: string[][] = []
  for (const key of names) (byLength[key.length] ??= []).push(key)
  return byLength
})()

/** The key written in `text` from `start` to `end` (not included), decoded. */
function formKey(text: string, start: number, end: number): string {
  const known = end - start < KNOWN_KEYS.length ? KNOWN_KEYS[end - start] : undefined
  if (known !== undefined) {
    for (const key of known) if (text.startsWith(key, start)) return key
  }
  return decodeComponent(text.slice(start, end))
}

/** Parses `a=1&b=2&b=3` (query strings and form bodies) into params. */
export function parseForm(text: string, into: Params = newParams()): Params {
  const end = text.length
  let start = 0
  while (start < end) {
    let amp = text.indexOf('&', start)
    if (amp < 0) amp = end
    if (amp > start) {
      const eq = text.indexOf('=', start)
      if (eq < 0 || eq > amp) put(into, formKey(text, start, amp), '')
      else put(into, formKey(text, start, eq), decodeComponent(text.slice(eq + 1, amp)))
    }
    start = amp + 1
  }
  return into
}

/** A JSON scalar as text (numbers as the SDKs send `code_length`), `undefined` for another. */
function jsonScalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}

/**
 * A parameter of a JSON body: a scalar as text, `null` as left out, an array or an object as
 * `NOT_SCALAR` (no parameter takes one), except for `request_ids`, whose array of ids (scalars) is
 * the JSON form of its repeated values.
 */
function jsonValue(key: string, value: unknown): Params[string] {
  if (value === null || value === undefined) return undefined
  const scalar = jsonScalar(value)
  if (scalar !== undefined) return scalar
  if (key === 'request_ids' && Array.isArray(value)) {
    const ids: string[] = []
    for (const item of value as unknown[]) {
      const id = jsonScalar(item)
      if (id === undefined) return NOT_SCALAR
      ids.push(id)
    }
    return ids
  }
  return NOT_SCALAR
}

/** The body as UTF-8 text (node's Buffer decodes faster than a TextDecoder). */
function bodyText(body: Uint8Array): string {
  if (!Buffer.isBuffer(body)) return decoder.decode(body)
  const text = body.toString('utf8')
  // A leading byte order mark is dropped, as TextDecoder does.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** A body that cannot be read: answered with status 999 and its text. */
export class Unparseable {
  constructor(readonly text: string) {}
}

/** The `charset` parameter of a content type, unquoted and trimmed (`undefined` when none). */
function charsetOf(type: string): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(type)
  if (!match) return undefined
  const value = (match[1] ?? match[2] ?? '').trim()
  return value === '' ? undefined : value
}

/** Decoders of the charsets seen so far (`null`: TextDecoder does not know the label). */
const DECODERS = new Map<string, TextDecoder | null>()

/**
 * The decoder of a declared charset: `undefined` for UTF-8 (the fast path) or none declared,
 * `null` for a charset TextDecoder does not know (WHATWG labels, e.g. `ISO-8859-1`, `latin1`,
 * `windows-1252`, `Shift_JIS`, `UTF-16LE`).
 */
function decoderFor(charset: string | undefined): TextDecoder | null | undefined {
  if (charset === undefined) return undefined
  const label = charset.toLowerCase()
  let found = DECODERS.get(label)
  if (found === undefined) {
    try {
      found = new TextDecoder(label)
    } catch {
      found = null
    }
    if (DECODERS.size < 64) DECODERS.set(label, found)
  }
  return found && found.encoding === 'utf-8' ? undefined : found
}

/**
 * What windows-1252 (also the WHATWG meaning of `ISO-8859-1` and `latin1`) has at 0x80–0x9F.
 * Node 20's TextDecoder decodes those bytes as C1 controls, as ISO-8859-1 proper would.
 */
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'

/** Bytes as text in a declared charset. */
function decodeIn(charset: TextDecoder, bytes: Uint8Array): string {
  const text = charset.decode(bytes)
  if (charset.encoding !== 'windows-1252') return text
  return text.replace(
    /[\u0080-\u009f]/g,
    (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80] as string,
  )
}

const AMP = 0x26
const EQUALS = 0x3d
const PLUS_BYTE = 0x2b
const PERCENT = 0x25

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  const lower = byte | 0x20
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1
}

/** `+` as a space and `%XX` as its byte, then the bytes decoded in the form's charset. */
function decodeFormBytes(
  bytes: Uint8Array,
  from: number,
  to: number,
  charset: TextDecoder,
): string {
  const out = new Uint8Array(to - from)
  let n = 0
  for (let i = from; i < to; i++) {
    const b = bytes[i] as number
    if (b === PLUS_BYTE) out[n++] = 0x20
    else if (b === PERCENT && hexValue(bytes[i + 1]) >= 0 && hexValue(bytes[i + 2]) >= 0) {
      out[n++] = hexValue(bytes[i + 1]) * 16 + hexValue(bytes[i + 2])
      i += 2
    } else out[n++] = b
  }
  return decodeIn(charset, out.subarray(0, n))
}

/**
 * Parses a form body in a charset other than UTF-8 (the WHATWG urlencoded parser on bytes): the
 * escapes stand for bytes of that charset, so `Caf%E9` in ISO-8859-1 is `Café`.
 */
function parseFormIn(bytes: Uint8Array, charset: TextDecoder): Params {
  const params = newParams()
  let start = 0
  while (start <= bytes.length) {
    let amp = bytes.indexOf(AMP, start)
    if (amp < 0) amp = bytes.length
    if (amp > start) {
      let eq = bytes.indexOf(EQUALS, start)
      if (eq < 0 || eq > amp) eq = amp
      const key = decodeFormBytes(bytes, start, eq, charset)
      put(params, key, eq < amp ? decodeFormBytes(bytes, eq + 1, amp, charset) : '')
    }
    start = amp + 1
  }
  return params
}

/**
 * Parses a `multipart/form-data` body (curl -F, Postman's default); its size was already held to
 * the body limit. A file part counts with its text.
 */
async function parseMultipart(type: string, body: Uint8Array): Promise<Params | Unparseable> {
  let fields: Array<[string, string]>
  try {
    fields = await formFields(type, body)
  } catch {
    return new Unparseable(ERROR_TEXTS.unparseableMultipart)
  }
  const params = newParams()
  for (const [key, value] of fields) put(params, key, value)
  return params
}

/**
 * Parses the body: JSON (`application/json`, `*+json`), `multipart/form-data`, else a form. A
 * declared charset other than UTF-8 is decoded when TextDecoder knows it; an unknown one, JSON
 * that is not JSON or a broken multipart body is `Unparseable` (status 999).
 */
function parseBody(call: Call): Params | Unparseable | Promise<Params | Unparseable> {
  const type = call.header('content-type')
  const kind = type === undefined ? UNTYPED : bodyKind(type)
  if (!call.body || call.body.length === 0) {
    // An empty body declared as JSON is not JSON.
    return kind.applicationJson && call.method === 'POST'
      ? new Unparseable(ERROR_TEXTS.unparseableJson)
      : newParams()
  }
  if (kind.multipart) return parseMultipart(type as string, call.body)
  const charset = kind.charset
  const declared = decoderFor(charset)
  if (declared === null) return new Unparseable(ERROR_TEXTS.unsupportedCharset(charset as string))
  if (kind.json) {
    const text = declared ? decodeIn(declared, call.body) : bodyText(call.body)
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return new Unparseable(ERROR_TEXTS.unparseableJson)
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return new Unparseable(ERROR_TEXTS.unparseableJson)
    }
    const params = newParams()
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      const value = jsonValue(k, v)
      if (value !== undefined) params[k] = value
    }
    return params
  }
  return declared ? parseFormIn(call.body, declared) : parseForm(bodyText(call.body))
}

/** How a body of one content type is read. */
interface BodyKind {
  /** `application/json...`: an empty POST body is unparseable. */
  applicationJson: boolean
  /** JSON (`application/json`, `*+json`). */
  json: boolean
  multipart: boolean
  /** The declared charset (`undefined` when none). */
  charset: string | undefined
}

const UNTYPED: BodyKind = {
  applicationJson: false,
  json: false,
  multipart: false,
  charset: undefined,
}

/** Content types seen so far (a client sends the same one again and again). */
const BODY_KINDS = new Map<string, BodyKind>()

function bodyKind(type: string): BodyKind {
  let kind = BODY_KINDS.get(type)
  if (kind === undefined) {
    const applicationJson = startsWithIgnoreCase(type, 'application/json')
    kind = {
      applicationJson,
      json: applicationJson || endsWithIgnoreCase(type, '+json'),
      multipart: startsWithIgnoreCase(type, 'multipart/form-data'),
      charset: type.indexOf(';') < 0 ? undefined : charsetOf(type),
    }
    if (BODY_KINDS.size < 64) BODY_KINDS.set(type, kind)
  }
  return kind
}

function startsWithIgnoreCase(s: string, prefix: string): boolean {
  return s.length >= prefix.length && s.slice(0, prefix.length).toLowerCase() === prefix
}

function endsWithIgnoreCase(s: string, suffix: string): boolean {
  return s.length >= suffix.length && s.slice(s.length - suffix.length).toLowerCase() === suffix
}

type Credentials = { key: string; secret: string }

/**
 * An `Authorization: Basic` header that carries no key and secret: not base64, no `:` in what it
 * decodes to, or an empty key or secret.
 */
const UNUSABLE = Symbol('unusable-basic')

type Basic = Credentials | typeof UNUSABLE | null

let lastBasic: { header: string; basic: Basic } | undefined

/**
 * The credentials of an `Authorization: Basic` header (the last one is cached): the pair, `UNUSABLE`
 * when it holds none, `null` when there is no such header (none, or another scheme).
 */
function basicCredentials(header: string | undefined): Basic {
  if (!header) return null
  if (lastBasic?.header === header) return lastBasic.basic
  const basic = decodeBasic(header)
  lastBasic = { header, basic }
  return basic
}

function decodeBasic(header: string): Basic {
  if (!/^basic(?:\s|$)/i.test(header)) return null
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header)
  if (!match) return UNUSABLE
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0 || colon === decoded.length - 1) return UNUSABLE
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

/** Whether `s` is printable ASCII other than `"` and `\\`: written into JSON as it is. */
function isPlain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false
  }
  return true
}

/** Keys found plain so far (the answers use a few dozen). */
const PLAIN_KEYS = new Set<string>()

function isPlainKey(key: string): boolean {
  if (PLAIN_KEYS.has(key)) return true
  if (!isPlain(key)) return false
  if (PLAIN_KEYS.size < 256) PLAIN_KEYS.add(key)
  return true
}

/**
 * `JSON.stringify` of an API answer, with a faster path for the usual flat object of plain
 * strings (the same text: keys in the same order, nothing to escape).
 */
export function flatJson(body: WireBody): string {
  let out = '{'
  for (const key in body) {
    const value = body[key]
    if (typeof value !== 'string' || !isPlain(value) || !isPlainKey(key)) {
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
  const path = call.path
  if (path === '/__admin' || path.startsWith('/__admin/')) {
    return handleAdmin(ctx, call, path.endsWith('/') ? path.slice(0, -1) : path)
  }
  // The contract's table, which the proxy forwards by too (one trailing slash allowed).
  const route = apiRouteOf(path)
  if (!route) {
    return httpError(404, 'not_found', `No such endpoint: ${call.method} ${call.path}`)
  }
  if (!(route.methods as readonly string[]).includes(call.method)) {
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
  if (route.endpoint === 'network-unblock') return networkUnblock(ctx, call)
  const fault = ctx.faults.take(route.endpoint, call)
  if (fault) {
    ctx.changed()
    const faulty = (): Answer | Promise<Answer> => {
      if (fault.drop) return DROP
      if (fault.status !== null) {
        const status = fault.status
        return withParams(call, (parsed) => {
          // A body that cannot be read answers 999 before its credentials could be checked, as
          // without a fault; only an injected 999 itself takes its place.
          if (!isParams(parsed) && status !== '999') {
            return render(route, { status: '999', error_text: parsed.text })
          }
          const given = isParams(parsed) ? parsed : newParams()
          const params = withBasicCredentials(call, given)
          // Unusable credentials answer as without a fault; an injected 999 comes before them.
          if (params === null && status !== '999') {
            return render(route, { ...credentialsRefusal(route.endpoint) })
          }
          const body = ctx.engine.injectedAnswer(route.endpoint, params ?? given, {
            status,
            errorText: fault.error_text,
            network: fault.network,
          })
          ctx.changed() // a status 10 may have started the request it names
          return render(route, body)
        })
      }
      return answerCall(ctx, call, route)
    }
    return fault.delay_ms > 0 ? ctx.sleep(fault.delay_ms).then(faulty) : faulty()
  }
  return answerCall(ctx, call, route)
}

/** `POST /verify/network-unblock`: JSON (or a form) with Basic or body credentials. */
function networkUnblock(ctx: SandboxContext, call: Call): Answer | Promise<Answer> {
  return withParams(call, (parsed) =>
    isParams(parsed)
      ? // Unusable Basic credentials leave the key or the secret missing: 401 all the same.
        answerNetworkUnblock(ctx, withBasicCredentials(call, parsed) ?? parsed)
      : unreadableNetworkUnblock(parsed.text),
  )
}

function isParams(parsed: Params | Unparseable): parsed is Params {
  return !(parsed instanceof Unparseable)
}

/**
 * The call's parameters, query and body merged (body values win), or why the body cannot be read.
 * Synchronous except for a multipart body.
 */
function callParams(call: Call): Params | Unparseable | Promise<Params | Unparseable> {
  const body = call.method === 'POST' || call.body ? parseBody(call) : newParams()
  return body instanceof Promise ? body.then((b) => withQuery(call, b)) : withQuery(call, body)
}

function withQuery(call: Call, body: Params | Unparseable): Params | Unparseable {
  if (!isParams(body) || call.rawQuery === '') return body
  const params = parseForm(call.rawQuery)
  for (const k in body) params[k] = body[k]
  return params
}

/** Runs `then` on the call's parameters, at once when they need no waiting. */
function withParams(
  call: Call,
  then: (parsed: Params | Unparseable) => Answer,
): Answer | Promise<Answer> {
  const parsed = callParams(call)
  return parsed instanceof Promise ? parsed.then(then) : then(parsed)
}

/**
 * Adds the `Authorization: Basic` credentials where the parameters carry none. `null` when they
 * were needed (the parameters lack the key or the secret) and the header carries no usable pair:
 * such a call is answered as for bad credentials (status 4), since credentials were sent and no
 * account has them; "Missing api_key" is for a call that sends none.
 */
function withBasicCredentials(call: Call, params: Params): Params | null {
  const basic = basicCredentials(call.header('authorization'))
  if (basic === null) return params
  const noKey = params.api_key === undefined || params.api_key === ''
  const noSecret = params.api_secret === undefined || params.api_secret === ''
  if (!noKey && !noSecret) return params
  if (basic === UNUSABLE) return null
  if (noKey) params.api_key = basic.key
  if (noSecret) params.api_secret = basic.secret
  return params
}

/** Parses, authenticates through the engine and renders one API call (synchronous fast path). */
function answerCall(ctx: SandboxContext, call: Call, route: Route): Answer | Promise<Answer> {
  const parsed = callParams(call)
  return parsed instanceof Promise
    ? parsed.then((params) => answerParams(ctx, call, route, params))
    : answerParams(ctx, call, route, parsed)
}

function answerParams(
  ctx: SandboxContext,
  call: Call,
  route: Route,
  params: Params | Unparseable,
): Answer {
  if (!isParams(params)) return render(route, { status: '999', error_text: params.text })
  // The dashboard's own status polling is not held to the opt-in search limit (as no fault is
  // used up by it): that limit is for the tester's application.
  const background = route.endpoint === 'search' && isBackgroundCall(call)
  const withCredentials = withBasicCredentials(call, params)
  if (withCredentials === null) return render(route, { ...credentialsRefusal(route.endpoint) })
  const result = ctx.engine.call(route.endpoint, withCredentials, background)
  ctx.changed()
  return render(route, result)
}
