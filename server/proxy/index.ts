/**
 * The credential-safe proxy: the browser calls `/api/{sandbox|live}/verify/…`, this middleware
 * checks the call, strips whatever credentials the browser sent, adds the server's own and forwards
 * it to the environment's upstream, paced to the upstream's rate limits.
 *
 * `createProxy` runs the steps of a call in order; each step lives beside it: the checks in
 * guards.ts and routes.ts, the upstream call in outgoing.ts, the pacing in exchange.ts (over each
 * environment's runtime.ts), the answer in verify-answer.ts or admin-relay.ts, failures in
 * failures.ts, and the call's log line in call-record.ts and access-log.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import {
  BodyRefusal,
  DEFAULT_BODY_TIMEOUT_MS,
  bodyText,
  isAbortedBody,
  isMultipart,
  multipartAsForm,
  readBody,
} from './body.ts'
import { createAccessLog } from './access-log.ts'
import { addNote, finishCall, noLog, trackCall, type CallRecord } from './call-record.ts'
import type { EnvironmentsResponse } from '../../contract/desk.ts'
import { basicAuthorization, bodyKind, createRedactor, maskKey } from './credentials.ts'
import { ProxyError, sendError } from './errors.ts'
import { ClientClosedError, ServerClosingError, failureAnswer, notSent } from './failures.ts'
import {
  crossSiteReason,
  stateChangeReason,
  hostRefusalMessage,
  hostAllowlist,
  isHostAllowed,
  tokenMatches,
  tokenOf,
} from './guards.ts'
import { realTimers, type Timers } from './limiter.ts'
import { createExchange } from './exchange.ts'
import {
  ENVIRONMENT_IDS,
  matchRoute,
  routeLabel,
  type EnvironmentId,
  type Route,
} from './routes.ts'
import {
  createRuntimes,
  type EnvironmentRuntime,
  type ProxyEnvironment,
  type ProxyRateLimit,
} from './runtime.ts'
import type { BufferedAnswer, UpstreamRequest } from './upstream.ts'
import { createAdminRelay } from './admin-relay.ts'
import { createVerifyAnswerWriter } from './verify-answer.ts'
import { upstreamRequestOf } from './outgoing.ts'

export type { Timers } from './limiter.ts'
export { httpUpstream } from './upstream.ts'
export { searchKey } from './exchange.ts'
export type { ProxyEnvironment, ProxyRateLimit } from './runtime.ts'

export interface ProxyLogger {
  info(message: string): void
  warn(message: string): void
}

export interface ProxyOptions {
  sandbox: ProxyEnvironment
  /** Absent when VONAGE_API_KEY / VONAGE_API_SECRET are not set. */
  live?: ProxyEnvironment
  /** Accepted `Host` names besides localhost, 127.0.0.1 and [::1]; `true` accepts any. */
  allowedHosts: readonly string[] | true
  /** Extra origins allowed to make calls (besides the page's own origin). */
  allowedOrigins: readonly string[]
  /** When set, every call must carry this token. */
  token?: string
  /** Largest request body accepted, in bytes. */
  bodyLimit: number
  /**
   * How long a request body may take to arrive whole, in milliseconds (10 s by default): past it
   * the call is answered 408 `request_timeout`, unsent, and its connection closed.
   */
  bodyTimeoutMs?: number
  /** How long the upstream may take to answer, in milliseconds. */
  timeoutMs: number
  /** `false` disables pacing (benchmarks only). */
  rateLimit: ProxyRateLimit | false
  /**
   * How long a call may wait for its turn under the rate limits, in milliseconds (10 s by default):
   * past it, it is withdrawn unsent and answered 503 `queue_full`, well before the dashboard gives up.
   */
  maxQueueWaitMs?: number
  /** The clock the pacing runs on; the real one unless a test moves time by hand. */
  timers?: Timers
  /** One line per call through `logger.info` when true. */
  accessLog: boolean
  logger: ProxyLogger
}

export interface Proxy {
  /** connect-style middleware; `req.url` is relative to the mount point (`/sandbox/verify/json`). */
  middleware: (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void
  environments(): EnvironmentsResponse
  /** Calls of an environment waiting for their turn under its rate limits (0 without pacing). */
  waiting(environment: EnvironmentId): number
  /**
   * Stops the proxy gracefully: calls still waiting for their turn (and any new call) are answered
   * 503 `server_closing` unsent, calls already sent get their answer (each within its own time
   * limit) and are logged; then the upstream connections are closed and the promise resolves.
   * Calling it again returns the same promise. It never rejects.
   */
  close(): Promise<void>
}

/**
 * The longest query string forwarded, in bytes: Vonage refuses one of about 8 KB, and a Verify call
 * needs only a few short parameters.
 */
const MAX_QUERY_BYTES = 8 * 1024
/**
 * The longest request target (path and query) Vonage reads, in bytes: it answered HTTP 413 to a
 * query of 8,054 bytes and 414 to a request target of 16,067 (the sandbox draws the line at
 * 16,000). A query refused here gets the status Vonage would give the call it would have become.
 */
const MAX_TARGET_BYTES = 16_000

/** Distinct `Host` values whose verdict is remembered. */
const MAX_HOST_VERDICTS = 64
/** How long a call may wait for its turn by default (the dashboard waits 30 s for an answer). */
const DEFAULT_MAX_QUEUE_WAIT_MS = 10_000

/** The body of a GET or HEAD (never read). */
const NO_BODY = Buffer.alloc(0)
/** What a multipart body is forwarded as. */
const FORM_TYPE = 'application/x-www-form-urlencoded'

/** Marks a connection the proxy closes after its current answer (a body refused: 413, 408). */
const CLOSING = Symbol('verify-desk.closing')
type ClosingSocket = Socket & { [CLOSING]?: boolean }

export function createProxy(options: ProxyOptions): Proxy {
  const allowedHosts = options.allowedHosts === true ? true : hostAllowlist(options.allowedHosts)
  const known = [options.sandbox, options.live]
    .filter((env): env is ProxyEnvironment => env !== undefined)
    .flatMap((env) => [
      env.credentials.apiSecret,
      basicAuthorization(env.credentials).slice('Basic '.length),
    ])
  // Answers can only echo what went upstream (the credentials); the log lines also never show the
  // access token. Each redactor keeps a secret once (sandbox and live may share credentials).
  const redactLog = createRedactor(options.token ? [...known, options.token] : known)
  const writeVerifyAnswer = createVerifyAnswerWriter(createRedactor(known))
  const accessLog = createAccessLog(options.logger, redactLog)

  const runtimes = createRuntimes(options, options.rateLimit, options.timers)

  /** The search rate the server keeps an environment to, when it paces calls at all. */
  const searchRate = (env: ProxyEnvironment | undefined) =>
    options.rateLimit && env ? { searchPerSecond: env.searchPerSecond } : {}

  function environments(): EnvironmentsResponse {
    const live = options.live
    return {
      environments: [
        {
          id: 'sandbox',
          label: 'Sandbox',
          available: true,
          credentials: options.sandbox.auth,
          ...searchRate(options.sandbox),
        },
        live
          ? {
              id: 'live',
              label: 'Live',
              available: true,
              keyHint: maskKey(live.credentials.apiKey),
              credentials: live.auth,
              ...searchRate(live),
              // The live upstream's URL (VONAGE_API_HOST), so a copied curl goes where the server does.
              ...(/^https?:\/\//.test(live.upstream.description)
                ? { apiHost: live.upstream.description }
                : {}),
            }
          : { id: 'live', label: 'Live', available: false },
      ],
      default: 'sandbox',
    }
  }

  // The verdicts on the few `Host` values a server sees, so a call does not parse its Host again.
  // Bounded: emptied when full, so odd Host values cannot grow it.
  const hostVerdicts = new Map<string, boolean>()
  function hostAllowed(host: string | undefined, allowed: ReadonlySet<string>): boolean {
    if (host === undefined) return isHostAllowed(host, allowed)
    let verdict = hostVerdicts.get(host)
    if (verdict === undefined) {
      verdict = isHostAllowed(host, allowed)
      if (hostVerdicts.size >= MAX_HOST_VERDICTS) hostVerdicts.clear()
      hostVerdicts.set(host, verdict)
    }
    return verdict
  }

  const timers = options.timers ?? realTimers
  const bodyDeadline = { ms: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS, timers }
  const maxQueueWaitMs = options.maxQueueWaitMs ?? DEFAULT_MAX_QUEUE_WAIT_MS
  /** Set once close() was called: no call is sent any more. */
  let closing: Promise<void> | undefined
  /** Calls that may be sent or are in flight, which close() lets finish. */
  let active = 0
  /** Called when `active` drops to 0 while closing. */
  let onIdle: (() => void) | undefined
  const admin = createAdminRelay(options.timeoutMs)

  const exchange = createExchange({ timers, maxQueueWaitMs, timeoutMs: options.timeoutMs })

  async function handle(req: IncomingMessage, res: ServerResponse, call: CallRecord) {
    try {
      await forward(req, res, call)
    } catch (error) {
      fail(req, res, call, error)
    }
    if (call.active && --active === 0) onIdle?.()
    finishCall(res, call)
  }

  async function forward(
    req: IncomingMessage,
    res: ServerResponse,
    call: CallRecord,
  ): Promise<void> {
    // Pipelined behind an answer that closes the connection: never answered, so never sent.
    if ((req.socket as ClosingSocket | null)?.[CLOSING]) throw new ClientClosedError()
    const method = call.method
    // Split by hand: `new URL` would read `//host/...` as a host name.
    const rawUrl = req.url ?? '/'
    const mark = rawUrl.indexOf('?')
    const pathname = mark < 0 ? rawUrl : rawUrl.slice(0, mark)
    const query = new URLSearchParams(mark < 0 ? '' : rawUrl.slice(mark + 1))
    // The first path segment, as `pathname.split('/')[1]` without the array.
    const start = pathname.indexOf('/')
    const end = start < 0 ? -1 : pathname.indexOf('/', start + 1)
    const first =
      start < 0 ? '' : end < 0 ? pathname.slice(start + 1) : pathname.slice(start + 1, end)
    if ((ENVIRONMENT_IDS as readonly string[]).includes(first)) call.environment = first

    if (allowedHosts !== true && !hostAllowed(req.headers.host, allowedHosts)) {
      throw new ProxyError(403, 'host_not_allowed', hostRefusalMessage(req.headers.host))
    }
    if (options.token && !tokenMatches(tokenOf(req.headers, method, query), options.token)) {
      throw new ProxyError(
        401,
        'unauthorized',
        'This Verify Desk server needs its access token: send it in the X-Verify-Desk-Token header ' +
          '(ask whoever runs the server for the VERIFY_DESK_TOKEN value).',
        { 'WWW-Authenticate': 'Bearer realm="verify-desk"' },
      )
    }
    const match = matchRoute(method, pathname)
    if (!match.ok) {
      throw new ProxyError(
        match.status,
        match.status === 404 ? 'not_found' : 'method_not_allowed',
        match.message,
        match.allow ? { Allow: match.allow.join(', ') } : {},
      )
    }
    const route = match.route
    call.endpoint = routeLabel(route)
    if (route.kind !== 'environments') call.environment = route.environment

    const crossSite =
      crossSiteReason(req.headers, options.allowedOrigins) ??
      (route.kind !== 'environments' && route.stateChanging
        ? stateChangeReason(req.headers, options.allowedOrigins)
        : undefined)
    if (crossSite) {
      throw new ProxyError(
        403,
        'cross_site_request',
        `Refused: ${crossSite}. Only the Verify Desk page served by this server may use its API.`,
      )
    }

    const queryBytes = mark < 0 ? 0 : rawUrl.length - mark - 1
    if (queryBytes > MAX_QUERY_BYTES) {
      const path = route.kind === 'environments' ? pathname : route.upstreamPath
      throw queryTooLong(path.length + 1 + queryBytes > MAX_TARGET_BYTES)
    }

    if (route.kind === 'environments') {
      sendJson(res, 200, environments(), method === 'HEAD')
      return
    }
    const env = runtimes.get(route.environment)
    if (!env) {
      throw new ProxyError(
        503,
        'environment_unavailable',
        'The live environment is not configured on this server: set VONAGE_API_KEY and ' +
          'VONAGE_API_SECRET in its environment (or .env.local) and restart it.',
      )
    }

    const bytes =
      method === 'GET' || method === 'HEAD'
        ? NO_BODY
        : await readBody(req, options.bodyLimit, bodyDeadline)
    const declaredType = req.headers['content-type']
    // A multipart form (curl -F, Postman's form-data) goes on as an urlencoded form.
    const multipart = bytes.length > 0 && isMultipart(declaredType)
    const raw = multipart ? await multipartAsForm(declaredType, bytes) : undefined
    const kind = multipart ? 'form' : bodyKind(declaredType, bytes.length)
    if (kind === 'other') {
      throw new ProxyError(
        415,
        'unsupported_media_type',
        'Send the parameters as JSON (application/json) or as a form (application/x-www-form-urlencoded or multipart/form-data), in UTF-8.',
      )
    }
    const upstreamRequest = upstreamRequestOf(
      {
        req,
        method,
        rawUrl,
        mark,
        query,
        body: raw ?? bodyText(bytes),
        kind,
        ...(multipart ? { contentType: FORM_TYPE } : {}),
      },
      route,
      env,
      call,
    )

    if (route.kind === 'admin') {
      if (closing) throw new ServerClosingError()
      await admin.relay(env.config.upstream, upstreamRequest, res)
      return
    }
    const answer = await exchangeVerify(env, route, upstreamRequest, call)
    writeVerifyAnswer(env, route, answer, res, call)
  }

  async function exchangeVerify(
    env: EnvironmentRuntime,
    route: Extract<Route, { kind: 'verify' }>,
    request: UpstreamRequest,
    call: CallRecord,
  ): Promise<BufferedAnswer> {
    // The browser left while its body was read: nothing to send it for.
    if (call.clientClosed) throw new ClientClosedError()
    if (closing) throw new ServerClosingError()
    // From here the call may be sent: close() lets it finish.
    call.active = true
    active++
    return exchange(env, route, request, call)
  }

  function toProxyError(error: unknown, call: CallRecord): ProxyError {
    const env = runtimes.get(call.environment as EnvironmentId)
    const limits = { timeoutMs: options.timeoutMs, maxQueueWaitMs }
    const known = failureAnswer(error, env?.upstream, call.endpoint, limits)
    if (known) return known
    options.logger.warn(
      redactLog(
        `[verify-desk] proxy error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
    )
    return new ProxyError(
      500,
      'internal_error',
      'The Verify Desk server failed to handle this call; see its log.',
    )
  }

  function middleware(req: IncomingMessage, res: ServerResponse): void {
    void handle(req, res, trackCall(req, res, options.accessLog ? accessLog : noLog))
  }

  /**
   * Refuses what waits, lets what was sent finish, then closes the upstream connections (cutting
   * the sandbox event streams still open).
   */
  async function closeGracefully(): Promise<void> {
    for (const runtime of runtimes.values()) {
      runtime.overall?.close()
      runtime.search?.close()
    }
    if (active > 0) await new Promise<void>((resolve) => (onIdle = resolve))
    admin.cutAll()
    await Promise.all(
      [...runtimes.values()].map((runtime) =>
        Promise.resolve(runtime.config.upstream.close()).catch(() => undefined),
      ),
    )
  }

  function fail(req: IncomingMessage, res: ServerResponse, call: CallRecord, error: unknown): void {
    if (error instanceof ClientClosedError) {
      addNote(call, 'not_sent')
      return
    }
    if (call.clientClosed && isAbortedBody(error)) {
      addNote(call, 'not_sent') // the browser left in the middle of its request body
      return
    }
    const proxyError = toProxyError(error, call)
    if (notSent(error) || proxyError.delivery === 'not_sent') addNote(call, 'not_sent')
    // The log line says what went wrong on the way to the upstream (the HTTP status alone cannot:
    // a 502 may be refused credentials, a gateway page or a dropped connection).
    if (call.clientClosed || proxyError.delivery || proxyError.code.startsWith('upstream_')) {
      addNote(call, `error=${proxyError.code}`)
    }
    // Nobody to answer.
    if (call.clientClosed) return
    // A body refused before it was all read (too large, or too slow to arrive): the rest of it is
    // not read as a body, the connection is closed after this answer, and a call pipelined behind
    // it on the connection is not carried out (RFC 9112 §9.6).
    const bodyCut = proxyError instanceof BodyRefusal
    if (bodyCut) {
      res.setHeader('Connection', 'close')
      ;(req.socket as ClosingSocket)[CLOSING] = true
    }
    sendError(res, proxyError)
    if (bodyCut) req.resume()
  }

  return {
    middleware: function verifyDeskProxyMiddleware(req, res) {
      middleware(req, res)
    },
    environments,
    waiting(environment) {
      const runtime = runtimes.get(environment)
      return (runtime?.overall?.waiting ?? 0) + (runtime?.search?.waiting ?? 0)
    },
    close() {
      closing ??= closeGracefully()
      return closing
    },
  }
}

/**
 * The refusal of a query past MAX_QUERY_BYTES, with Vonage's status for it: 413, or 414 when the
 * request target as a whole would be past MAX_TARGET_BYTES.
 */
function queryTooLong(targetTooLong: boolean): ProxyError {
  return new ProxyError(
    targetTooLong ? 414 : 413,
    targetTooLong ? 'uri_too_long' : 'payload_too_large',
    `The query string is longer than ${MAX_QUERY_BYTES / 1024} KiB, which Vonage refuses; ` +
      'it was not sent. A Verify call needs only a few short parameters: check what the ' +
      'address carries (a request_id has at most 32 characters), or send the parameters in a POST body.',
  )
}

function sendJson(res: ServerResponse, status: number, value: unknown, head = false): void {
  const text = JSON.stringify(value)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(head ? undefined : text)
}
