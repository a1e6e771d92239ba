/**
 * The API seam: the only file that imports ky.
 *
 * - One ky instance with `prefixUrl` = `/api` (resolved against the page's origin), `retry: 0`
 *   by default (a start, PSD2, check or control call is never retried: it would send a second SMS
 *   or use up an attempt) and a timeout. Search opts in to one retry on a network error only.
 * - Every failure (network, timeout, HTTP status, the proxy's `{"error":{code,message}}` body, an
 *   unreadable answer) is thrown as one `ApiError { kind, httpStatus?, code?, message }`.
 *   API-level results (HTTP 200 with a `status` other than "0") are NOT errors: they are returned.
 * - The access token (`X-Verify-Desk-Token`) comes from `setAccessToken()`, never from a store,
 *   and only ever travels in that header, never in a URL. `onAccessTokenChange()` tells of a new
 *   one; `onTokenRefused()` of every call (or stream) the server refused for want of it. A refusal
 *   is about the token the call carried, named by its mark (`tokenMarkOf`, taken when it was sent):
 *   `isTokenInUse()` is the one rule that says whether that is still the token in use here, for a
 *   call, for the event stream and for a refusal another tab relays.
 * - A call the page makes on its own (`background: true`: the status polling, not a user's click)
 *   carries `X-Verify-Desk-Background: 1`, so that it never uses up a fault injected into the
 *   sandbox (the proxy passes the mark to the embedded sandbox only).
 * - Every call made is reported to `onApiCall()` listeners as an `ApiCall` (request and response as
 *   sent and received, credentials masked), so a store can keep a log; the client imports no store.
 *   `onApiCallSent()` listeners hear of it earlier, as it is sent (`pending`, same `key`), so that
 *   a call whose answer never arrives (the page was reloaded or closed meanwhile) is not lost.
 * - A call whose connection fails while the browser says it is offline (`navigator.onLine` false
 *   when it was sent) fails with kind `offline`: it never left the browser. It is still tried
 *   first: a browser without a network still reaches a server on this machine (localhost).
 * - `configureClient({ prefixUrl, fetch })` points the client elsewhere (tests: an in-process fetch).
 *
 * `verify.ts` and `sandbox.ts` build typed functions on `apiRequest()`; `openApiStream()` opens a
 * long-lived answer (the sandbox's event stream, read by `event-stream.ts`).
 */
import ky, { HTTPError, TimeoutError, type KyInstance } from 'ky'
import {
  BACKGROUND_HEADER,
  ENVIRONMENT_IDS,
  TOKEN_HEADER,
  TOKEN_QUERY_PARAM,
  isSendableToken,
  type CallDelivery,
  type EnvironmentId,
} from '@contract/desk'

export { BACKGROUND_HEADER, TOKEN_HEADER, TOKEN_QUERY_PARAM, isSendableToken }

/** Parameter names whose values are never shown or logged. */
const CREDENTIAL_PARAMS: Readonly<Record<string, string>> = {
  api_key: '$VONAGE_API_KEY',
  api_secret: '$VONAGE_API_SECRET',
  [TOKEN_QUERY_PARAM]: '$VERIFY_DESK_TOKEN',
}

export type ApiErrorKind =
  /**
   * No answer: the connection failed or was lost (offline, server down, dropped, page left). A
   * browser cannot tell which, so the call may have reached the server.
   */
  | 'network'
  /**
   * Not sent: the browser said it was offline when the call went out, and the connection failed
   * (a call that fails after it went out online is `network`, even if offline by then).
   */
  | 'offline'
  /** No answer within the timeout. */
  | 'timeout'
  /** The proxy answered its own error body `{"error":{code,message}}`. */
  | 'proxy'
  /** Any other HTTP error status. */
  | 'http'
  /** A 2xx answer that is not the JSON expected. */
  | 'bad_response'
  /** Cancelled by the caller. */
  | 'aborted'

export class ApiError extends Error {
  readonly kind: ApiErrorKind
  readonly httpStatus?: number
  /** The proxy's machine-readable code (`upstream_timeout`, `unauthorized`, …). */
  readonly code?: string
  /** Seconds the server asked to wait before trying again (`Retry-After`), when it said. */
  readonly retryAfter?: number
  /** Whether the call may have reached the upstream, when the proxy said (its `delivery`). */
  readonly delivery?: CallDelivery
  /**
   * The environment the failed call went to (`/api/{environment}/…`), so that texts name its
   * upstream: the sandbox or Vonage. Unset for calls outside an environment.
   */
  environment?: EnvironmentId
  /**
   * Kind `http` only: the JSON object answered with the HTTP error status, when it is not the
   * proxy's own error body. The proxy passes the upstream's JSON answer on with the upstream's
   * HTTP status, so this is the upstream's answer (e.g. a Verify answer with a `status`).
   */
  readonly answer?: Readonly<Record<string, unknown>>
  /**
   * A token refusal only (`isTokenRefusal`): the mark (`tokenMarkOf`) of the access token the call
   * carried, taken when it was sent. Whether the refusal still matters: `isTokenInUse()`.
   */
  tokenMark?: string

  constructor(
    kind: ApiErrorKind,
    message: string,
    extra: {
      httpStatus?: number
      code?: string
      retryAfter?: number
      delivery?: CallDelivery
      answer?: Readonly<Record<string, unknown>>
    } = {},
  ) {
    super(message)
    this.name = 'ApiError'
    this.kind = kind
    this.httpStatus = extra.httpStatus
    this.code = extra.code
    if (extra.retryAfter !== undefined) this.retryAfter = extra.retryAfter
    if (extra.delivery !== undefined) this.delivery = extra.delivery
    if (extra.answer !== undefined) this.answer = extra.answer
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

export type Params = Record<string, string | readonly string[] | undefined>

/** One call as sent and received. Credentials (if any) are masked as `$VONAGE_API_KEY` etc. */
export interface ApiCall {
  id: number
  /** Unique across tabs and page loads (`id` restarts at 1 on every load). */
  key: string
  method: string
  /** Path below `/api`, without query: `sandbox/verify/json`. */
  path: string
  /** Query parameters as sent. */
  query: Record<string, string | string[]>
  /** Form body parameters as sent (`null` without a body). */
  body: Record<string, string> | null
  /** Epoch ms when the call was sent. */
  startedAt: number
  durationMs: number
  /** HTTP status, `null` when no answer arrived. */
  httpStatus: number | null
  /** The parsed JSON answer (or its text when not JSON). */
  response: unknown
  error: { kind: ApiErrorKind; message: string; code?: string } | null
  /** Set on a call read back from history: parameters whose values were not stored. */
  masked?: string[]
  /** Set on a call read back from history when its response was cut to a storable size. */
  truncated?: boolean
  /**
   * Set while no answer is recorded: the call was sent and its answer (or failure) has not arrived,
   * or never will because the page that sent it was reloaded or closed first. The answered call
   * that replaces it has the same `key`.
   */
  pending?: true
}

export type ApiCallListener = (call: ApiCall) => void

export interface ClientOptions {
  /** @default `${location.origin}/api`, or `http://localhost/api` without a page */
  prefixUrl?: string
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /**
   * Milliseconds before a call fails with kind `timeout`. @default 30000: longer than the server's
   * own 15 s limit on the upstream plus a wait in its rate-limit queue, so that the server's
   * explanation (`upstream_timeout`, `queue_full`) reaches the user before the browser gives up.
   */
  timeout?: number
}

export interface RequestOptions {
  query?: Params
  /** Sent as an `application/x-www-form-urlencoded` body. */
  form?: Params
  /** Sent as a JSON body. */
  json?: unknown
  /** Retry once on a network error (only for calls that change nothing). @default false */
  retryOnNetworkError?: boolean
  /**
   * A call the page makes on its own, not for a user's action (status polling): it never takes a
   * fault injected into the sandbox. @default false
   */
  background?: boolean
  signal?: AbortSignal
  /**
   * Called with the `Retry-After` (whole seconds) of a successful answer that carries one: a Verify
   * status 1 (throttled) says how long to wait with it.
   */
  onRetryAfter?: (seconds: number) => void
}

function defaultPrefixUrl(): string {
  const origin =
    typeof location !== 'undefined' && location.origin && location.origin !== 'null'
      ? location.origin
      : 'http://localhost'
  return new URL('/api', origin).href
}

let options: Required<Omit<ClientOptions, 'fetch'>> & { fetch?: typeof fetch } = {
  prefixUrl: defaultPrefixUrl(),
  timeout: 30_000,
}
let accessToken: string | null = null
const tokenListeners = new Set<(token: string | null) => void>()
const refusedListeners = new Set<() => void>()
let nextCallId = 1
/** Tells this page load's calls from those of other tabs and earlier loads. */
const PAGE_KEY = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
const listeners = new Set<ApiCallListener>()
const sentListeners = new Set<ApiCallListener>()
let instance: KyInstance = build()

function build(): KyInstance {
  return ky.create({
    prefixUrl: options.prefixUrl,
    retry: 0,
    timeout: options.timeout,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    hooks: {
      beforeRequest: [
        (request) => {
          // A token a header cannot carry is not sent: the server's 401 brings the prompt back.
          if (accessToken && isSendableToken(accessToken)) {
            request.headers.set(TOKEN_HEADER, accessToken)
          }
        },
      ],
    },
  })
}

/** Points the client at another base URL or fetch (tests, contract tests). */
export function configureClient(next: ClientOptions): void {
  options = {
    prefixUrl: next.prefixUrl ?? options.prefixUrl,
    timeout: next.timeout ?? options.timeout,
    fetch: next.fetch ?? options.fetch,
  }
  instance = build()
}

/** Sets (or clears with `null`) the access token sent with every call. */
export function setAccessToken(token: string | null): void {
  const next = token && token.trim() ? token.trim() : null
  if (next === accessToken) return
  accessToken = next
  for (const listener of [...tokenListeners]) {
    try {
      listener(next)
    } catch {
      // A listener's failure never stops the others.
    }
  }
}

/** Calls `listener` with each new access token (this tab's or one taken over); returns the unsubscribe. */
export function onAccessTokenChange(listener: (token: string | null) => void): () => void {
  tokenListeners.add(listener)
  return () => tokenListeners.delete(listener)
}

/**
 * Calls `listener` whenever the server refuses a call or stream for want of its access token
 * (HTTP 401 `unauthorized`), so the app can ask for it; returns the unsubscribe.
 */
export function onTokenRefused(listener: () => void): () => void {
  refusedListeners.add(listener)
  return () => refusedListeners.delete(listener)
}

/**
 * A fingerprint of an access token (FNV-1a, 32 bits; `none` for no token): it names the token a
 * call carried, and tells tabs' tokens apart without putting the token itself on a channel.
 */
export function tokenMarkOf(token: string | null): string {
  if (token === null) return 'none'
  let hash = 0x811c9dc5
  for (let i = 0; i < token.length; i++) {
    hash ^= token.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16)
}

/**
 * Whether the token named by `mark` (the one a refused call or stream carried, here or in the tab
 * that holds the event stream) is still the one this tab uses. A refusal of a token replaced since
 * (entered meanwhile, here or in another tab) does not matter: the new one was not refused.
 */
export function isTokenInUse(mark: string): boolean {
  return mark === tokenMarkOf(accessToken)
}

/**
 * Tells the `onTokenRefused()` listeners that the server refused the token named by `mark` (the
 * token in use now, without one): nothing when that is not the token in use (`isTokenInUse`).
 */
export function reportTokenRefused(mark?: string): void {
  if (mark !== undefined && !isTokenInUse(mark)) return
  for (const listener of [...refusedListeners]) {
    try {
      listener()
    } catch {
      // A listener's failure never stops the others.
    }
  }
}

/** A 401 `unauthorized`: the server wants its access token (or another one). */
export function isTokenRefusal(error: ApiError): boolean {
  return error.httpStatus === 401 && error.code === 'unauthorized'
}

export function getAccessToken(): string | null {
  return accessToken
}

/** Subscribes to every call made; returns the unsubscribe function. */
export function onApiCall(listener: ApiCallListener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/**
 * Subscribes to every call as it is sent (before any answer): a copy with `pending: true`, no
 * status and no response; the same call (same `key`) then reaches the `onApiCall` listeners once
 * it ends. Returns the unsubscribe function.
 */
export function onApiCallSent(listener: ApiCallListener): () => void {
  sentListeners.add(listener)
  return () => sentListeners.delete(listener)
}

function toSearchParams(params: Params | undefined): URLSearchParams {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue
    if (typeof value === 'string') search.append(key, value)
    else for (const v of value) search.append(key, v)
  }
  return search
}

/** Parameters as a plain object with credentials masked; repeated keys become arrays. */
function maskParams(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [key, raw] of search) {
    const value = CREDENTIAL_PARAMS[key] ?? raw
    const prev = out[key]
    if (prev === undefined) out[key] = value
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value]
  }
  return out
}

function parseBody(text: string): unknown {
  if (text === '') return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

const DELIVERIES: ReadonlySet<unknown> = new Set<CallDelivery>(['not_sent', 'maybe'])

function proxyError(
  body: unknown,
): { code: string; message: string; delivery?: CallDelivery } | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null
  const error = (body as { error: unknown }).error
  if (typeof error !== 'object' || error === null) return null
  const { code, message, delivery } = error as {
    code?: unknown
    message?: unknown
    delivery?: unknown
  }
  if (typeof code !== 'string' || typeof message !== 'string') return null
  return DELIVERIES.has(delivery)
    ? { code, message, delivery: delivery as CallDelivery }
    : { code, message }
}

/** `Retry-After` in whole seconds (the delta form; a date is not used by the proxy). */
function retryAfterSeconds(value: string | null): number | undefined {
  if (value === null || !/^\d{1,6}$/.test(value.trim())) return undefined
  return Number(value.trim())
}

/** The message of a call not sent because the browser is offline (kind `offline`). */
export const OFFLINE_MESSAGE = 'This browser is offline: nothing was sent.'

/** Whether the browser says it has no network at all (`navigator.onLine` is false). */
function isBrowserOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false
}

async function toApiError(
  error: unknown,
  signal?: AbortSignal,
  offlineWhenSent = false,
): Promise<{ error: ApiError; body: unknown }> {
  if (error instanceof ApiError) return { error, body: null }
  if (error instanceof HTTPError) {
    const status = error.response.status
    const body = parseBody(await error.response.text().catch(() => ''))
    const proxy = proxyError(body)
    const retryAfter = retryAfterSeconds(error.response.headers.get('Retry-After'))
    if (proxy) {
      return {
        error: new ApiError('proxy', proxy.message, {
          httpStatus: status,
          code: proxy.code,
          ...(retryAfter === undefined ? {} : { retryAfter }),
          ...(proxy.delivery ? { delivery: proxy.delivery } : {}),
        }),
        body,
      }
    }
    const excerpt = typeof body === 'string' && body ? `: ${body.slice(0, 120)}` : ''
    const answer =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : undefined
    return {
      error: new ApiError('http', `The server answered an error (HTTP ${status})${excerpt}`, {
        httpStatus: status,
        ...(answer ? { answer } : {}),
        ...(retryAfter === undefined ? {} : { retryAfter }),
      }),
      body,
    }
  }
  if (error instanceof TimeoutError) {
    return {
      error: new ApiError(
        'timeout',
        `No answer from the server in time: none within ${Math.round(options.timeout / 1000)} s.`,
      ),
      body: null,
    }
  }
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) {
    return { error: new ApiError('aborted', 'The call was cancelled.'), body: null }
  }
  if (offlineWhenSent) return { error: new ApiError('offline', OFFLINE_MESSAGE), body: null }
  const detail = error instanceof Error && error.message ? ` (${error.message})` : ''
  return {
    error: new ApiError(
      'network',
      `No answer: the connection to the server failed or was lost${detail}.`,
    ),
    body: null,
  }
}

function emit(call: ApiCall, to: ReadonlySet<ApiCallListener> = listeners): void {
  for (const listener of to) {
    try {
      listener(call)
    } catch {
      // A listener's failure never breaks the call.
    }
  }
}

/**
 * Sends one call below `/api` (path without a leading slash, e.g. `sandbox/verify/json`) and
 * returns the parsed JSON answer. Throws `ApiError` on any failure.
 */
export async function apiRequest<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  request: RequestOptions = {},
): Promise<T> {
  const query = toSearchParams(request.query)
  const form = request.form ? toSearchParams(request.form) : null
  const started = Date.now()
  const id = nextCallId++
  const call: ApiCall = {
    id,
    key: `${PAGE_KEY}-${id}`,
    method,
    path,
    query: maskParams(query),
    body: form
      ? (Object.fromEntries(
          Object.entries(maskParams(form)).map(([k, v]) => [k, String(v)]),
        ) as Record<string, string>)
      : request.json !== undefined
        ? (request.json as Record<string, string>)
        : null,
    startedAt: started,
    durationMs: 0,
    httpStatus: null,
    response: null,
    error: null,
  }
  emit({ ...call, pending: true }, sentListeners)
  // Offline, a connection fails before anything leaves the browser: a failure is then "not sent",
  // where one after a call sent online may have reached the server.
  const offlineWhenSent = isBrowserOffline()
  /** The token this call carries: a refusal is about it, not about one set meanwhile. */
  const sentMark = tokenMarkOf(accessToken)
  try {
    const response = await instance(path, {
      method,
      searchParams: query,
      ...(form ? { body: form } : {}),
      ...(request.json !== undefined ? { json: request.json } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.background ? { headers: { [BACKGROUND_HEADER]: '1' } } : {}),
      ...(request.retryOnNetworkError
        ? {
            retry: {
              limit: 1,
              methods: ['get'],
              shouldRetry: ({ error }: { error: Error }) =>
                !(error instanceof HTTPError) && !(error instanceof TimeoutError),
            },
          }
        : {}),
    })
    call.httpStatus = response.status
    const retryAfter = retryAfterSeconds(response.headers.get('Retry-After'))
    if (retryAfter !== undefined) request.onRetryAfter?.(retryAfter)
    const text = await response.text()
    call.response = parseBody(text)
    if (text !== '' && typeof call.response === 'string') {
      throw new ApiError(
        'bad_response',
        `The server answered something unexpected (not JSON): ${text.slice(0, 120)}`,
        { httpStatus: response.status },
      )
    }
    return call.response as T
  } catch (raw) {
    const { error, body } = await toApiError(raw, request.signal, offlineWhenSent)
    error.environment ??= environmentOf(path)
    if (error.httpStatus !== undefined) call.httpStatus = error.httpStatus
    if (body !== null) call.response = body
    call.error = {
      kind: error.kind,
      message: error.message,
      ...(error.code ? { code: error.code } : {}),
    }
    if (isTokenRefusal(error)) {
      error.tokenMark = sentMark
      reportTokenRefused(sentMark)
    }
    throw error
  } finally {
    call.durationMs = Date.now() - started
    emit(call)
  }
}

/** The environment of a path below `/api` (`sandbox/verify/json` → `sandbox`), if it names one. */
function environmentOf(path: string): EnvironmentId | undefined {
  const first = path.split('/', 1)[0]
  return (ENVIRONMENT_IDS as readonly string[]).includes(first ?? '')
    ? (first as EnvironmentId)
    : undefined
}

/**
 * Opens a long-lived GET below `/api` (the event stream) and returns the response once its headers
 * arrived, its body still streaming: no timeout, no retry, the access token in its header (never
 * in the URL), and not reported to the call listeners (it is no call a user made). Closed through
 * `signal`. Throws `ApiError` (its reader tells the `onTokenRefused()` listeners of a 401, which
 * names the token refused in its `tokenMark`).
 */
export async function openApiStream(
  path: string,
  request: { signal?: AbortSignal } = {},
): Promise<Response> {
  const sentMark = tokenMarkOf(accessToken)
  try {
    return await instance(path, {
      method: 'GET',
      timeout: false,
      headers: { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' },
      ...(request.signal ? { signal: request.signal } : {}),
    })
  } catch (raw) {
    const { error } = await toApiError(raw, request.signal)
    error.environment ??= environmentOf(path)
    if (isTokenRefusal(error)) error.tokenMark = sentMark
    throw error
  }
}
