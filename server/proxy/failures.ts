/**
 * What the proxy answers when a call could not be completed: each failure as the proxy's own JSON
 * error (`ProxyError`), with the advice an agent needs and whether the call may have reached the
 * upstream (`delivery`). Pure: the proxy passes in what the message names.
 */
import { escapeRegExp } from './credentials.ts'
import { ProxyError } from './errors.ts'
import { LimiterClosedError, QueueFullError, QueueTimeoutError } from './limiter.ts'
import type { EnvironmentId } from './routes.ts'
import {
  TOO_LARGE,
  UpstreamNetworkError,
  UpstreamTimeoutError,
  type BufferedAnswer,
} from './upstream.ts'

/** The largest upstream answer read for a Verify call (search answers are a few kB). */
export const MAX_UPSTREAM_BODY = 1024 * 1024
/** How much of an answer the proxy cannot pass on is quoted. */
const EXCERPT_LENGTH = 160
/** Network error codes raised before a request could leave this server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])

/**
 * The advice after a call failed once it may have reached the upstream, by endpoint (each text
 * once): repeating a start is safe (a second start to the same number answers status 10 rather
 * than sending a second code, which the start's text says with the upstream's name), a check could
 * use up an attempt (or have verified the request), a control could cancel or move on a request a
 * second time.
 */
const MAY_HAVE_RUN = {
  request: (answerer: string) =>
    ` The call may still have been processed and a code sent. Sending it again with the same number is safe: if the first one went through, ${answerer} answers status 10 with its request_id instead of sending a second code.`,
  check:
    ' The check may still have been processed (using up one of the attempts, or verifying the request): look the request up before entering the code again.',
  control:
    ' The command may still have been carried out (the request cancelled, or moved on to its next event): look the request up before sending it again.',
} as const
/**
 * The advice after a call whose answer began, then was lost, by endpoint: the call was processed,
 * but what it did is not known.
 */
const ANSWER_LOST = {
  request: (answerer: string) =>
    ` Whether it started a verification and sent a code is not known. Sending it again with the same number is safe: if it did, ${answerer} answers status 10 with its request_id instead of sending a second code.`,
  check:
    ' Whether the code was accepted is not known (the check may have used up one of the attempts, or verified the request): look the request up before entering the code again.',
  control:
    ' Whether the command was carried out is not known (the request may be cancelled, or moved on to its next event): look the request up before sending it again.',
} as const
/** The advice after a failed search or admin call: repeating it changes nothing. */
const TRY_AGAIN = ' Try again in a moment.'
/** The advice after a search got an answer the proxy cannot pass on. */
const SEARCH_TRY_AGAIN = ' A search changes nothing, so it can safely be tried again'
/** What to check when live keeps answering what the proxy cannot pass on. */
const CHECK_HOST = '; if this persists, check VONAGE_API_HOST.'

/** A call withdrawn before it was sent upstream, because its browser closed the connection. */
export class ClientClosedError extends Error {
  constructor() {
    super('the client closed the connection before the call was sent')
    this.name = 'ClientClosedError'
  }
}

/** A call refused before it was sent upstream, because the server is closing. */
export class ServerClosingError extends Error {
  constructor() {
    super('the server is closing')
    this.name = 'ServerClosingError'
  }
}

/** Whether this failure means the call was refused before it could be sent upstream. */
export function notSent(error: unknown): boolean {
  return (
    (error instanceof UpstreamTimeoutError && !error.sent) ||
    error instanceof QueueFullError ||
    error instanceof QueueTimeoutError ||
    error instanceof LimiterClosedError ||
    error instanceof ServerClosingError
  )
}

/**
 * The advice after a failure of a call of this endpoint (a log label: `request`, `search.xml`,
 * `admin`…), naming the upstream that answers status 10: from `table` (`ANSWER_LOST` once an
 * answer began, then was lost).
 */
function adviceAfterFailure(
  endpoint: string,
  name: UpstreamName,
  table: typeof MAY_HAVE_RUN | typeof ANSWER_LOST = MAY_HAVE_RUN,
): string {
  if (endpoint.startsWith('check')) return table.check
  if (endpoint.startsWith('control')) return table.control
  if (endpoint.startsWith('request') || endpoint.startsWith('psd2')) {
    return table.request(name.answerer)
  }
  return TRY_AGAIN
}

/** How the messages name an upstream; built once per environment, with its runtime. */
export interface UpstreamName {
  /** At the start of a sentence: `The embedded sandbox`, `The Vonage API (https://api.nexmo.com)`. */
  subject: string
  /** Who answers status 10 to a start sent again: `the sandbox`, `Vonage`. */
  answerer: string
  /** The rate limit a queued call waits for: `the sandbox's rate limit`, `the Vonage API rate limit`. */
  rateLimit: string
}

/**
 * How the failure messages name the upstream of an environment: the embedded sandbox, or the
 * Vonage API at `description` (its URL).
 */
export function upstreamName(id: EnvironmentId, description: string): UpstreamName {
  return id === 'sandbox'
    ? {
        subject: 'The embedded sandbox',
        answerer: 'the sandbox',
        rateLimit: "the sandbox's rate limit",
      }
    : {
        subject: `The Vonage API (${description})`,
        answerer: 'Vonage',
        rateLimit: 'the Vonage API rate limit',
      }
}

/** Who failed, for the messages. */
export interface Upstreamish {
  /** Which environment it serves (what to check differs: the live one has VONAGE_API_HOST). */
  environment: 'sandbox' | 'live'
  /** How the messages name it. */
  name: UpstreamName
}

/** An upstream the failure does not name (no environment was chosen): worded as live. */
const UNNAMED: Upstreamish = {
  environment: 'live',
  name: { ...upstreamName('live', ''), subject: 'The upstream' },
}

/** The limits a failure message names. */
export interface FailureLimits {
  timeoutMs: number
  maxQueueWaitMs: number
}

const seconds = (ms: number) => Math.round(ms / 100) / 10

/**
 * The proxy's answer to a failed call of `endpoint` (a log label), or undefined for an error the
 * proxy does not know (a defect: the caller logs it and answers 500).
 */
export function failureAnswer(
  error: unknown,
  upstream: Upstreamish | undefined,
  endpoint: string,
  limits: FailureLimits,
): ProxyError | undefined {
  if (error instanceof ProxyError) return error
  const { environment, name } = upstream ?? UNNAMED
  const who = name.subject
  const sandbox = environment === 'sandbox'
  // Starts, checks, controls and PSD2 calls that may have reached the upstream must not be
  // repeated blindly: each says what is safe.
  const next = adviceAfterFailure(endpoint, name)
  if (error instanceof UpstreamTimeoutError && !error.sent) {
    const setting = sandbox
      ? ''
      : " Check the server's network connection and its VONAGE_API_HOST setting."
    return new ProxyError(
      504,
      'upstream_timeout',
      `${who} could not be reached within ${seconds(limits.timeoutMs)} s: nothing was sent.${setting}`,
      {},
      'not_sent',
    )
  }
  if (error instanceof UpstreamTimeoutError) {
    return new ProxyError(
      504,
      'upstream_timeout',
      `${who} did not answer within ${seconds(limits.timeoutMs)} s.${next}`,
      {},
      'maybe',
    )
  }
  if (error instanceof UpstreamNetworkError && error.code === TOO_LARGE) {
    return new ProxyError(
      502,
      'upstream_bad_response',
      `${who} answered more than ${MAX_UPSTREAM_BODY / 1024} KiB, far more than any Verify answer; ` +
        `the answer was dropped.${sandbox ? '' : ' Check VONAGE_API_HOST.'}`,
      {},
      'maybe',
    )
  }
  if (error instanceof UpstreamNetworkError) {
    const code = error.code ? ` (${error.code})` : ''
    const setting = sandbox
      ? ' The embedded sandbox drops calls only when a fault tells it to (see its admin API).'
      : " If it persists, check the server's network connection and its VONAGE_API_HOST setting."
    if (NOT_SENT.has(error.code ?? '')) {
      return new ProxyError(
        502,
        'upstream_unreachable',
        `${who} could not be reached${code}. Nothing was sent.${setting}`,
        {},
        'not_sent',
      )
    }
    const status = error.answerStatus
    if (status !== undefined && status >= 200 && status < 300) {
      // A success had begun to come: the call was processed, what it did is unknown. Any other
      // status (a refusal, a load balancer's 5xx) falls through: the call may not have run.
      const lost = adviceAfterFailure(endpoint, name, ANSWER_LOST)
      return new ProxyError(
        502,
        'upstream_unreachable',
        `${who} began to answer (HTTP ${status}), then dropped the connection${code}: ` +
          `the call reached ${name.answerer} and was processed, but its answer was lost.${lost}${setting}`,
        {},
        'maybe',
      )
    }
    const when =
      status === undefined
        ? ' dropped the connection before answering'
        : ` began to answer (HTTP ${status}), then dropped the connection`
    return new ProxyError(
      502,
      'upstream_unreachable',
      `${who}${when}${code}.${next}${setting}`,
      {},
      'maybe',
    )
  }
  if (error instanceof QueueFullError) {
    return new ProxyError(
      503,
      'queue_full',
      `Too many calls are already waiting for ${name.rateLimit} on this server: this call was NOT sent. Wait a few seconds and try again.`,
      { 'Retry-After': '1' },
      'not_sent',
    )
  }
  if (error instanceof QueueTimeoutError) {
    return new ProxyError(
      503,
      'queue_full',
      `This call waited ${seconds(limits.maxQueueWaitMs)} s for its turn under ${name.rateLimit} and was withdrawn: ` +
        'it was NOT sent, so it is safe to try again in a few seconds.',
      { 'Retry-After': '1' },
      'not_sent',
    )
  }
  if (error instanceof ServerClosingError || error instanceof LimiterClosedError) {
    return new ProxyError(
      503,
      'server_closing',
      'This Verify Desk server is shutting down: the call was NOT sent, so it is safe to send it again once the server is back.',
      {},
      'not_sent',
    )
  }
  return undefined
}

/**
 * The 502 for an answer the proxy cannot pass on. A gateway error page may come after the upstream
 * processed a start: only a search is safe to try again. The page may quote the call: never the
 * `codes` it carried (they would be shown and kept).
 */
export function badAnswer(
  upstream: Upstreamish,
  endpoint: string,
  answer: BufferedAnswer,
  text: string,
  what: string,
  codes: readonly string[] = [],
): ProxyError {
  const contentType = answer.contentType
  const sandbox = upstream.environment === 'sandbox'
  const next = endpoint.startsWith('search')
    ? `${SEARCH_TRY_AGAIN}${sandbox ? '.' : CHECK_HOST}`
    : adviceAfterFailure(endpoint, upstream.name)
  const quoted = hideCodes(text, codes)
  const quote = quoted.trim() ? `: "${excerpt(quoted)}"` : ''
  return new ProxyError(
    502,
    'upstream_bad_response',
    `${upstream.name.subject} answered ${what} (HTTP ${answer.status}${contentType ? `, ${contentType.split(';')[0]}` : ''})` +
      `${quote}.${next}`,
    {},
    'maybe',
  )
}

/**
 * The upstream answered a redirect (HTTP 3xx): not an answer to the call, so nothing was processed.
 * The proxy follows none (the credentials would go to another host): its host setting is wrong, or
 * something on the way redirects (a captive portal, a moved host).
 */
export function redirected(upstream: Upstreamish, answer: BufferedAnswer): ProxyError {
  const settings =
    upstream.environment === 'live'
      ? ' Whoever runs this server should check VONAGE_API_HOST: it names the API host itself, such as https://api.nexmo.com.'
      : ''
  return new ProxyError(
    502,
    'upstream_bad_response',
    `${upstream.name.subject} answered with a redirect (HTTP ${answer.status}) instead of an answer to the call, so nothing was processed.${settings}`,
    {},
    'not_sent',
  )
}

/** The upstream answered HTTP 401: it refused this server's credentials (nothing was processed). */
export function credentialsRefused(upstream: Upstreamish, text: string): ProxyError {
  let detail = ''
  try {
    const body = JSON.parse(text) as { detail?: unknown; title?: unknown; error_text?: unknown }
    const said = body.detail ?? body.error_text ?? body.title
    if (typeof said === 'string' && said.trim()) detail = `: "${excerpt(said)}"`
  } catch {
    // Not JSON: the status says enough.
  }
  const settings =
    upstream.environment === 'live'
      ? 'VONAGE_API_KEY and VONAGE_API_SECRET (and VONAGE_AUTH)'
      : 'the sandbox account settings'
  return new ProxyError(
    502,
    'upstream_credentials_refused',
    `${upstream.name.subject} refused this server's credentials (HTTP 401${detail}), so nothing was processed. ` +
      `Whoever runs this server should check ${settings}, then restart it.`,
  )
}

/** The upstream answered HTTP 429: too many calls for now (not processed; its `Retry-After` kept). */
export function rateLimited(
  upstream: Upstreamish,
  retryAfter: string | undefined,
  now = Date.now(),
): ProxyError {
  const wait = retryAfterSeconds(retryAfter, now)
  return new ProxyError(
    429,
    'upstream_rate_limited',
    `${upstream.name.subject} refused the call for now: too many requests (HTTP 429). It was not processed: ` +
      `send it again in ${wait} s.`,
    { 'Retry-After': String(wait) },
    'not_sent',
  )
}

/** A `Retry-After` value (seconds, or an HTTP date) in whole seconds from `now`; 1 when absent or unreadable. */
function retryAfterSeconds(value: string | undefined, now: number): number {
  return readRetryAfter(value, now) ?? 1
}

/**
 * A `Retry-After` value (seconds, or an HTTP date) in whole seconds from `now`, at least 1;
 * undefined when absent or unreadable.
 */
export function readRetryAfter(value: string | undefined, now: number): number | undefined {
  const text = value?.trim() ?? ''
  if (/^\d{1,7}$/.test(text)) return Math.max(1, Number(text))
  const at = text ? Date.parse(text) : Number.NaN
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - now) / 1000))
}

/** A `code` or `pin_code` parameter as a page may quote it (query, form, JSON): its value. */
const CODE_PARAMETER = /((?:^|[^A-Za-z0-9_])(?:pin_)?code["']?\s*[:=]\s*["']?)([^&"'\s,;}<]+)/gi

/**
 * The text without the call's codes: the value of every `code`/`pin_code` parameter, and each code
 * where it stands alone (never inside a longer run of letters or digits, such as a request_id or
 * a phone number, which stay readable).
 */
function hideCodes(text: string, codes: readonly string[]): string {
  let out = text.replace(CODE_PARAMETER, '$1[code]')
  for (const code of codes) {
    const alone = new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(code)}(?![A-Za-z0-9])`, 'g')
    out = out.replace(alone, '[code]')
  }
  return out
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH)}…` : flat
}
