/**
 * What a failed call (no API answer: the proxy's own error, a timeout, a lost connection) means
 * for the user: whether it may have reached the upstream, a heading and the next step. One pure
 * decision, used by the start page, the request page and the list of starts without an answer.
 *
 * The upstream is named by the call's environment: "the sandbox" for the embedded sandbox,
 * "Vonage" for live (and when the environment is not known).
 *
 * The proxy says whether a call on its way failed before or after it may have reached the upstream
 * (its `delivery`: `not_sent` or `maybe`); a refusal carries no delivery and the code says which.
 * Without either (an unknown code), the HTTP status decides: a 4xx refused the call before it went
 * anywhere, anything else may have gone out.
 */

import type { CallDelivery, ProxyErrorCode } from '@contract/desk'

/** The parts of an `ApiError` the decision reads (kept structural: utils import no client). */
export interface CallFailure {
  kind: string
  message: string
  httpStatus?: number
  code?: string
  /** Seconds the server asked to wait (`Retry-After`), when it said. */
  retryAfter?: number
  /** Whether the call may have reached the upstream, when the proxy said. */
  delivery?: CallDelivery
  /** The environment called (`sandbox`, `live`): names the upstream in the texts. */
  environment?: string
}

/**
 * The code of a failure for an answer that came from the upstream but cannot be used: a Verify
 * answer without a `status`, or a start accepted (status 0) without a usable request_id. It says
 * neither that the call was refused nor that it went through: it may have gone out.
 */
export const UNUSABLE_ANSWER = 'unusable_answer'

/** Who answers calls of `environment`, mid-sentence: `the sandbox`, or `Vonage` (live, unknown). */
export function upstreamName(environment: string | undefined): string {
  return environment === 'sandbox' ? 'the sandbox' : 'Vonage'
}

/** The same at the start of a sentence: `The sandbox`, `Vonage`. */
export function upstreamSubject(environment: string | undefined): string {
  return capitalize(upstreamName(environment))
}

/**
 * For a Verify answer that came with an HTTP error status (the proxy passes the upstream's status
 * on): the upstream answered, and the status is its own, not this server's. Empty without one.
 */
export function answeredWithHttp(
  httpStatus: number | undefined,
  environment: string | undefined,
): string {
  if (httpStatus === undefined || (httpStatus >= 200 && httpStatus < 300)) return ''
  return `${upstreamSubject(environment)} sent this answer with HTTP ${httpStatus} instead of the usual 200: the status and error text are its own answer to the call.`
}

/**
 * Whether the call may have reached the upstream (the sandbox or Vonage):
 * - `maybe`: it may have gone out (and sent a code, used up an attempt, cancelled…);
 * - `not_sent`: it never left this server; the same call can be sent again;
 * - `refused`: the server refused it and will refuse it again (nothing was sent);
 * - `token`: the server asks for its access token (the token prompt handles it).
 */
export type Delivery = 'maybe' | 'not_sent' | 'refused' | 'token'

export type FailedAction = 'start' | 'check' | 'cancel' | 'next'

export interface FailureView {
  delivery: Delivery
  /** A short title naming what happened, with the HTTP status when there is one. */
  title: string
  /** The heading of the start's error card. */
  heading: string
  nextStep: string
}

/** Codes the server answers before sending anything, and that the same call will get again. */
const REFUSED_CODES: ReadonlySet<string> = new Set<ProxyErrorCode>([
  'cross_site_request',
  'host_not_allowed',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
  'environment_unavailable',
  'upstream_credentials_refused',
])

/** Whether the failed call may have reached the upstream. */
export function deliveryOf(error: CallFailure): Delivery {
  const status = error.httpStatus
  // Only this server's own refusal asks for the token (a 401 from elsewhere is not about it).
  if (error.code === 'unauthorized') return 'token'
  // The browser was offline when the call was to go out: the client did not send it.
  if (error.kind === 'offline') return 'not_sent'
  if (error.kind === 'timeout' || error.kind === 'network' || error.kind === 'bad_response') {
    return 'maybe'
  }
  if (error.kind === 'aborted') return 'maybe'
  if (error.delivery) return error.delivery
  const code = error.code ?? ''
  if (REFUSED_CODES.has(code)) return 'refused'
  if (status !== undefined && status >= 400 && status < 500) return 'refused'
  return 'maybe'
}

/**
 * The note that names the HTTP status a failure or an answer came with, put after its title or
 * code: ` (HTTP 504)`; empty without a status.
 */
export function httpStatusNote(httpStatus: number | null | undefined): string {
  return httpStatus ? ` (HTTP ${httpStatus})` : ''
}

/**
 * A short title of what happened, e.g. "No answer from Vonage (HTTP 504)", "No answer from the
 * sandbox (HTTP 504)".
 */
export function failureTitle(error: CallFailure): string {
  const http = httpStatusNote(error.httpStatus)
  const who = upstreamName(error.environment)
  const subject = upstreamSubject(error.environment)
  switch (error.code) {
    case 'upstream_timeout':
      return `No answer from ${who}${http}`
    case 'upstream_unreachable':
      return error.delivery === 'not_sent'
        ? `${subject} could not be reached${http}`
        : `The connection to ${who} dropped${http}`
    case 'upstream_bad_response':
      // No HTTP status: the 502 is the proxy's own, and its message names what the upstream
      // answered (e.g. "(HTTP 200, text/html)"): the upstream did not answer 502.
      return `${subject} answered something unexpected`
    case UNUSABLE_ANSWER:
      return `${subject} answered something this dashboard cannot use${http}`
    case 'upstream_credentials_refused':
      // No HTTP status: the 502 is the proxy's own, and the server's message already names the
      // status the upstream answered (e.g. "(HTTP 401)"); two different numbers would only confuse.
      return `${subject} refused this server's credentials`
    case 'upstream_rate_limited':
      return `${subject} asks to slow down${http}`
    case 'queue_full':
      return `The server is busy${http}`
    case 'server_closing':
      return `The server is shutting down${http}`
    case 'environment_unavailable':
      return `This environment is not available on this server${http}`
    case 'unauthorized':
      return `The server asks for its access token${http}`
    case undefined:
      break
    default:
      return `The server refused the call: ${error.code}${http}`
  }
  if (error.kind === 'offline') return 'This browser is offline'
  if (error.kind === 'timeout') return 'No answer from the server in time'
  // A browser cannot tell a server that is down from a connection dropped on the way or a page
  // left (a reload) while the call was out: the call may have reached the server.
  if (error.kind === 'network') return 'No answer: the connection to the server failed or was lost'
  if (error.kind === 'bad_response') return 'The server answered something unexpected'
  if (error.kind === 'aborted') return 'The call was cancelled'
  return `The server answered an error${http}`
}

/**
 * The next step after a Verify answer that refused `action` (`nextStep`, its status's): for status
 * 1 (throttled) that came with a `Retry-After`, how long to wait, worded as for HTTP 429.
 */
export function answerNextStep(
  answer: { status: string; retryAfter?: number },
  nextStep: string,
  action: FailedAction,
): string {
  return waitedNextStep(answer, nextStep, SEND_AGAIN[action])
}

/**
 * `nextStep`, or for status 1 (throttled) that came with a `Retry-After` how long to wait, then
 * `again` ("refresh", "look them up again"): a search is told the wait as much as a start.
 */
export function waitedNextStep(
  answer: { status: string; retryAfter?: number },
  nextStep: string,
  again: string,
): string {
  if (answer.status !== '1' || answer.retryAfter === undefined || answer.retryAfter <= 0) {
    return nextStep
  }
  return `${waitText(answer)}, then ${again}.`
}

/** "Wait 1 s", from the server's Retry-After when it gave one. */
function waitText(error: { retryAfter?: number }): string {
  const seconds = error.retryAfter !== undefined && error.retryAfter > 0 ? error.retryAfter : null
  return seconds === null ? 'Wait a few seconds' : `Wait ${seconds} s`
}

const OBJECTS: Readonly<Record<FailedAction, string>> = {
  start: 'the start',
  check: 'the code',
  cancel: 'the cancel',
  next: 'the next event',
}

const SEND_AGAIN: Readonly<Record<FailedAction, string>> = {
  start: 'send it again',
  check: 'check the code again',
  cancel: 'cancel again',
  next: 'trigger the next event again',
}

/** The text shown when a start to live may have gone out (`startMayHaveGoneOut` for any). */
export const START_MAY_HAVE_GONE_OUT = {
  heading: 'The start may have gone out',
  nextStep:
    'Send it again with the same number: if the first one went through, Vonage answers status 10 and names that request — no second code is sent.',
} as const

/** The text shown when a start to `environment` may have gone out. */
function startMayHaveGoneOut(environment: string | undefined): {
  heading: string
  nextStep: string
} {
  if (environment !== 'sandbox') return START_MAY_HAVE_GONE_OUT
  return {
    heading: START_MAY_HAVE_GONE_OUT.heading,
    nextStep: START_MAY_HAVE_GONE_OUT.nextStep.replace('Vonage', 'the sandbox'),
  }
}

/**
 * How the list of starts without an answer says where they went: "the sandbox", "Vonage", or
 * "the sandbox or Vonage" for starts to both.
 */
export function upstreamNames(environments: Iterable<string>): string {
  const names = new Set<string>()
  for (const environment of environments) names.add(upstreamName(environment))
  return [...names].sort((a, b) => (a === 'Vonage' ? 1 : b === 'Vonage' ? -1 : 0)).join(' or ')
}

function maybeNextStep(action: FailedAction, error: CallFailure): string {
  switch (action) {
    case 'start':
      return startMayHaveGoneOut(error.environment).nextStep
    case 'check':
      return 'The code may have been checked: refresh the request and look at its status before entering the code again.'
    case 'cancel':
      return 'The cancel may have gone through: refresh the request and look at its status before cancelling again.'
    case 'next':
      return 'The next message or call may be on its way: refresh the request before triggering it again.'
  }
}

function refusedNextStep(error: CallFailure): string {
  if (error.code === 'environment_unavailable') {
    return 'Nothing was sent: live is off on this server. Choose Sandbox, or ask whoever runs it to set VONAGE_API_KEY and VONAGE_API_SECRET.'
  }
  if (error.code === 'upstream_credentials_refused') {
    return error.environment === 'sandbox'
      ? "The sandbox processed nothing, and will refuse every call until whoever runs this server fixes the sandbox's account settings."
      : 'Vonage processed nothing, and will refuse every call until whoever runs this server fixes its VONAGE_API_KEY and VONAGE_API_SECRET.'
  }
  const code = error.code ? `the code ${error.code}` : 'the error'
  return `Nothing was sent, and the same call will fail again: report ${code}${httpStatusNote(error.httpStatus)} to whoever runs this server.`
}

/** The next step of a call not sent because the browser is offline. */
const OFFLINE_NEXT_STEP = 'Check the connection, then try again.'

function notSentNextStep(action: FailedAction, error: CallFailure): string {
  const again = SEND_AGAIN[action]
  if (error.kind === 'offline') return OFFLINE_NEXT_STEP
  if (error.code === 'queue_full') return `Nothing was sent. ${waitText(error)}, then ${again}.`
  if (error.code === 'upstream_rate_limited') {
    return `${upstreamSubject(error.environment)} did not process it. ${waitText(error)}, then ${again}.`
  }
  if (error.code === 'server_closing') {
    return `Nothing was sent. Wait until the server is back, then ${again}.`
  }
  return `Nothing was sent: ${again}; if it keeps failing, ${ifItKeepsFailing(error)}.`
}

/** Who can help when calls keep failing: the faults injected into the sandbox, or the server. */
function ifItKeepsFailing(error: CallFailure): string {
  return error.environment === 'sandbox'
    ? 'look for a fault injected into the sandbox (Sandbox controls), or ask whoever runs the server'
    : 'ask whoever runs the server to check its connection to Vonage'
}

/** Heading, title and next step for a failed start, check, cancel or next-event call. */
export function describeFailure(action: FailedAction, error: CallFailure): FailureView {
  const delivery = deliveryOf(error)
  const title = failureTitle(error)
  const object = OBJECTS[action]
  switch (delivery) {
    case 'token':
      return {
        delivery,
        title,
        heading: 'The server asks for its access token',
        nextStep: `Enter the access token of this server, then ${SEND_AGAIN[action]}.`,
      }
    case 'refused':
      return {
        delivery,
        title,
        heading: refusedHeading(error, object),
        nextStep: refusedNextStep(error),
      }
    case 'not_sent':
      return {
        delivery,
        title,
        heading: `${capitalize(object)} was not sent`,
        nextStep: notSentNextStep(action, error),
      }
    case 'maybe':
      return {
        delivery,
        title,
        heading:
          action === 'start'
            ? startMayHaveGoneOut(error.environment).heading
            : `${capitalize(object)} may have gone out`,
        nextStep: maybeNextStep(action, error),
      }
  }
}

function refusedHeading(error: CallFailure, object: string): string {
  if (error.code === 'environment_unavailable') return 'Live is not available on this server'
  // The upstream, not this server, refused: the server's own credentials.
  if (error.code === 'upstream_credentials_refused')
    return `${upstreamSubject(error.environment)} refused this server's credentials`
  return `The server refused ${object}`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * Title and next step for a failed read (a search or the sandbox's view of a request): repeating
 * it changes nothing, so the question is only whether and when trying again can help.
 */
export function describeReadFailure(error: CallFailure): { title: string; nextStep: string } {
  const title = failureTitle(error)
  switch (deliveryOf(error)) {
    case 'token':
      return { title, nextStep: 'Enter the access token of this server, then try again.' }
    case 'refused':
      return { title, nextStep: refusedNextStep(error) }
    case 'not_sent':
      if (error.kind === 'offline') return { title, nextStep: OFFLINE_NEXT_STEP }
      if (error.code === 'queue_full' || error.code === 'upstream_rate_limited')
        return { title, nextStep: `${waitText(error)}, then try again.` }
      return { title, nextStep: 'Try again in a moment.' }
    case 'maybe':
      return {
        title,
        nextStep:
          error.kind === 'network' || error.kind === 'timeout'
            ? 'Check the connection to this server, then try again.'
            : `Try again in a moment; if it keeps failing, ${ifItKeepsFailing(error)}.`,
      }
  }
}

function comparable(text: string): string {
  return text
    .trim()
    .replace(/[.!?]+$/, '')
    .replace(/\s+/g, ' ')
    .toLowerCase()
}

/**
 * A title and a message said together without repeating each other: a message the title already
 * says (`Throttled` / `Throttled.`) is left out, and a title the message already says (a failure's
 * title and the message that adds a detail to it) gives way to the message. Either may come back
 * empty; case, spacing and end punctuation do not count.
 */
export function sayOnce(title: string, message: string): { title: string; message: string } {
  const t = comparable(title)
  const m = comparable(message)
  if (m === '' || t.includes(m)) return { title, message: '' }
  if (t === '' || m.includes(t)) return { title: '', message }
  return { title, message }
}
