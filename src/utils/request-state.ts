/**
 * What can be done with a request now, and why not: cancel, trigger next event, check a code.
 * Pure functions over plain times (epoch ms), so the request page and the status-10 panel share
 * them and tests need no clock.
 */
import { isPinCode, LIMITS } from '@contract/params'
import type { ApiCall } from '@/api/client'
import { deliveryOf, type CallFailure } from './call-failure'
import { formatDuration } from './duration'
import { CODE_USED_STATUSES } from './request-actions'

/** Any status a request may show (search statuses and `UNKNOWN` while not found yet). */
export type RequestStatus =
  'IN PROGRESS' | 'SUCCESS' | 'FAILED' | 'EXPIRED' | 'CANCELLED' | 'UNKNOWN'

/** Wrong codes allowed per PIN. */
const ATTEMPTS_PER_PIN = 3
/** Cancel opens this many seconds after the start. */
const CANCEL_AFTER_SECONDS = 30

export interface Availability {
  allowed: boolean
  /** Why not, in words (shown next to the disabled button). */
  reason: string | null
  /** When it becomes possible (epoch ms), if it will. */
  opensAt: number | null
}

const ENDED: Record<Exclude<RequestStatus, 'IN PROGRESS' | 'UNKNOWN'>, string> = {
  SUCCESS: 'request already verified',
  FAILED: 'request failed (too many wrong codes)',
  EXPIRED: 'request expired',
  CANCELLED: 'request already cancelled',
}

function endedReason(status: RequestStatus): string | null {
  return status === 'IN PROGRESS' || status === 'UNKNOWN' ? null : ENDED[status]
}

export interface CancelInput {
  status: RequestStatus
  /** Epoch ms of the start, when known. */
  submittedAt: number | null
  /** Messages and calls sent so far. */
  eventsSent: number
}

/** Cancel: from 30 s after the start, and only before the second message or call. */
export function cancelAvailability(input: CancelInput, now: number): Availability {
  const ended = endedReason(input.status)
  if (ended) return { allowed: false, reason: ended, opensAt: null }
  if (input.eventsSent >= 2) {
    return {
      allowed: false,
      reason: 'cancel no longer possible: a second message or call has gone out',
      opensAt: null,
    }
  }
  if (input.submittedAt !== null) {
    const opensAt = input.submittedAt + CANCEL_AFTER_SECONDS * 1000
    if (now < opensAt) {
      return {
        allowed: false,
        reason: `cancel possible in ${formatDuration((opensAt - now) / 1000)}`,
        opensAt,
      }
    }
  }
  return { allowed: true, reason: null, opensAt: null }
}

/** What every action says while the request is not loaded yet. */
export const LOADING: Availability = {
  allowed: false,
  reason: 'loading the request',
  opensAt: null,
}

/** What every action says once the sandbox no longer holds the request (a reset). */
const GONE: Availability = {
  allowed: false,
  reason: 'the request no longer exists in the sandbox',
  opensAt: null,
}

/** What every action says when no read is on its way and none gave the request (it failed). */
const UNREADABLE: Availability = {
  allowed: false,
  reason: 'its state could not be loaded',
  opensAt: null,
}

/** Where the reading of the request a control acts on stands. */
export interface ReadState {
  /** A read is on its way. */
  loading: boolean
  /** The sandbox no longer holds the request: nothing can be done with it any more. */
  gone?: boolean
}

/**
 * One control of a request a page may hold no usable state of (the request page, the status-10
 * panel): a request that is gone allows nothing (`GONE`, even with a copy still shown); without a
 * request read, `LOADING` only while a read is on its way, else `UNREADABLE` (never a "loading"
 * that does not end); otherwise `decide` says, from the request.
 */
export function availabilityFor<T>(
  request: T | null | undefined,
  read: ReadState,
  decide: (request: T) => Availability,
): Availability {
  if (read.gone) return GONE
  if (request === null || request === undefined) return read.loading ? LOADING : UNREADABLE
  return decide(request)
}

/** What cancel depends on in a request as a page shows it (a `RequestModel`). */
export interface CancelSubject {
  status: RequestStatus
  submittedAt: number | null
  /** Messages and calls sent so far. */
  events: readonly unknown[]
}

/** Cancel for the request a page shows, or `LOADING` while there is none yet. */
export function requestCancelAvailability(
  request: CancelSubject | null | undefined,
  now: number,
): Availability {
  if (!request) return LOADING
  const { status, submittedAt, events } = request
  return cancelAvailability({ status, submittedAt, eventsSent: events.length }, now)
}

export interface NextEventInput {
  status: RequestStatus
  /** Events still to come in the workflow, when known. */
  eventsLeft: number | null
}

export function nextEventAvailability(input: NextEventInput): Availability {
  const ended = endedReason(input.status)
  if (ended) return { allowed: false, reason: ended, opensAt: null }
  if (input.eventsLeft === 0) return { allowed: false, reason: 'no events left', opensAt: null }
  return { allowed: true, reason: null, opensAt: null }
}

export interface CheckInput {
  status: RequestStatus
  attemptsLeft: number | null
}

export function checkAvailability(input: CheckInput): Availability {
  const ended = endedReason(input.status)
  if (ended) return { allowed: false, reason: ended, opensAt: null }
  if (input.attemptsLeft === 0) return { allowed: false, reason: 'no attempts left', opensAt: null }
  return { allowed: true, reason: null, opensAt: null }
}

/** What the expired-PIN warning reads of a request as a page shows it (a `RequestModel`). */
export interface PinExpiryInput {
  status: RequestStatus
  /** When the current PIN can no longer be checked (epoch ms), when known. */
  pinExpiresAt: number | null
  /** When the next message or call goes out, when known. */
  nextEventAt: number | null
  /** Events still to come in the workflow, when known. */
  eventsLeft: number | null
  /** When the request expires if nobody enters the code, when known. */
  expiresAt: number | null
}

/**
 * The warning before a code is checked once the current PIN has expired while the request is still
 * in progress (workflow 2 with next_event_wait 900: the PIN expires at 300 s, the next message goes
 * out at 900 s), with what to do next; `null` while the PIN can be checked (or the request is over).
 * The API then answers every code, this PIN too, as a wrong one: status 16 ("The code provided
 * does not match the expected value"), counted as a wrong attempt (the third ends the request,
 * status 17). The next message or call brings a new PIN with three attempts: once it is due
 * (`nextEventAt`), the warning is no longer said, before a read shows that it went out (the PIN
 * box then takes the code of that message or call).
 */
export function expiredPinAdvice(input: PinExpiryInput, now: number): string | null {
  const { status, pinExpiresAt, nextEventAt, eventsLeft, expiresAt } = input
  if (status !== 'IN PROGRESS' || pinExpiresAt === null || now < pinExpiresAt) return null
  // The request ends with it: its own expiry is said (and the page reads it again).
  if (expiresAt !== null && now >= expiresAt) return null
  // The next message or call, due now, brings a new PIN (the one it replaces has expired).
  if (nextEventAt !== null && now >= nextEventAt) return null
  const lead =
    'The PIN has expired: a code checked now, even this PIN, is answered as a wrong code ' +
    '(status 16) and uses up an attempt.'
  if (eventsLeft === 0) {
    const end = expiresAt === null ? '' : ` in ${formatDuration((expiresAt - now) / 1000)}`
    return (
      `${lead} Next: no message or call is left to bring a new PIN; the request expires${end}, ` +
      'then start a new verification.'
    )
  }
  const when = nextEventAt === null ? '' : ` (in ${formatDuration((nextEventAt - now) / 1000)})`
  return (
    `${lead} Next: wait for the next message or call${when}, which brings a new PIN, or ` +
    'trigger the next event now.'
  )
}

/** The API's `YYYY-MM-DD HH:MM:SS` (UTC) or ISO text as epoch ms; `null` when empty or unreadable. */
export function parseApiDate(value: string | null | undefined): number | null {
  if (!value) return null
  const api = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value)
  const t = Date.parse(api ? `${api[1]}T${api[2]}Z` : value)
  return Number.isNaN(t) ? null : t
}

/**
 * Wrong codes left for the current PIN: 3 minus the INVALID checks since the PIN was sent
 * (`pinSentAt`, or the start when unknown). A check dated in the same second as the PIN (the API
 * dates both in whole seconds, so which came first is not known) is counted against it: at worst
 * one attempt fewer is said than there is, never one more (a wrong code said to leave an attempt
 * that is not there would end the request).
 */
export function attemptsLeft(
  checks: readonly { status: 'VALID' | 'INVALID'; at: number | null }[],
  pinSentAt: number | null,
): number {
  const since = pinSentAt ?? Number.NEGATIVE_INFINITY
  const wrong = checks.filter((c) => c.status === 'INVALID' && (c.at === null || c.at >= since))
  return Math.max(0, ATTEMPTS_PER_PIN - wrong.length)
}

/**
 * The line under the PIN box: the wrong codes left for the current PIN (`left`, counted from the
 * checks a read of the request listed; `null`: not known). `unsettled` checks may have used one
 * more each without being counted: their answer was lost (see `checksInDoubt`). While they are,
 * the line says the range it may be, never a number that may be false; the failure of such a check
 * says it "may still have been processed (using up one of the attempts…)".
 */
export function attemptsLeftText(left: number | null, unsettled = 0): string {
  if (left === null) return 'Three wrong codes per PIN end the request.'
  const unknown = Math.min(Math.max(0, unsettled), left)
  if (unknown === 0) {
    if (left === 1) return '1 attempt left: a wrong code now ends the request (FAILED).'
    return `${left} attempts left for this PIN.`
  }
  const fewest = left - unknown
  const range = unknown === 1 ? `${fewest} or ${left}` : `${fewest} to ${left}`
  const noun = left === 1 ? 'attempt' : 'attempts'
  const cause =
    unsettled === 1
      ? 'a check whose answer was lost may have used one'
      : `${unsettled} checks whose answers were lost may each have used one`
  const worst =
    fewest === 0
      ? '; at worst the request has already ended (FAILED)'
      : fewest === 1
        ? '; at worst a wrong code now ends the request (FAILED)'
        : ''
  return `${range} ${noun} left for this PIN: ${cause}${worst}.`
}

/** A call as the call log holds it: the parts read to tell what a check or a read came to. */
export type LoggedCall = Pick<
  ApiCall,
  'key' | 'method' | 'path' | 'startedAt' | 'durationMs' | 'httpStatus' | 'response' | 'error'
> & { pending?: true }

/**
 * How long after it was sent a call with no answer recorded may still be on its way: the browser
 * gives up on it after 30 s (the server on the upstream after 15 s).
 */
export const UNANSWERED_CALL_LIMIT_MS = 30_000

/** Whether a call is a code check (`POST …/verify/check/…`). */
export function isCheckCall(call: Pick<LoggedCall, 'method' | 'path'>): boolean {
  return call.method !== 'GET' && /(^|\/)verify\/check\//.test(call.path)
}

/** The Verify `status` of an answer, when it has one. */
function verifyStatus(response: unknown): string | null {
  if (typeof response !== 'object' || response === null) return null
  const status = (response as { status?: unknown }).status
  if (typeof status === 'number') return String(status)
  return typeof status === 'string' && status.trim() !== '' ? status.trim() : null
}

/** The `delivery` the server's error answer states (`{"error":{…,"delivery":"maybe"}}`), if any. */
function statedDelivery(response: unknown): CallFailure['delivery'] {
  if (typeof response !== 'object' || response === null) return undefined
  const error = (response as { error?: unknown }).error
  if (typeof error !== 'object' || error === null) return undefined
  const delivery = (error as { delivery?: unknown }).delivery
  return delivery === 'maybe' || delivery === 'not_sent' ? delivery : undefined
}

/**
 * Whether a check call may have used an attempt without its answer saying so: no answer was
 * recorded (the page that sent it was reloaded or closed first), the call failed in a way that may
 * have reached the upstream (a reset, a 504, a time-out), the upstream answered without a status,
 * or it answered status 5 (Internal Error: the check may have been counted).
 */
export function mayHaveUsedAnAttempt(call: LoggedCall): boolean {
  if (!isCheckCall(call)) return false
  if (call.pending === true) return true
  const status = verifyStatus(call.response)
  if (status !== null) return status === '5'
  if (call.error === null) return true
  const delivery = statedDelivery(call.response)
  return (
    deliveryOf({
      kind: call.error.kind,
      message: call.error.message,
      ...(call.error.code !== undefined ? { code: call.error.code } : {}),
      ...(call.httpStatus !== null ? { httpStatus: call.httpStatus } : {}),
      ...(delivery ? { delivery } : {}),
    }) === 'maybe'
  )
}

/**
 * Whether a read (a search, the sandbox's view) answered with request `requestId` itself: what it
 * lists of the request's checks is then the upstream's own account at the time it was sent.
 */
export function readFindsRequest(call: LoggedCall, requestId: string): boolean {
  return requestFoundBy(call, requestId) !== null
}

/** Whether a call reads the sandbox's own view of requests (`GET …/__admin/requests`). */
function isAdminRead(call: Pick<LoggedCall, 'method' | 'path'>): boolean {
  return call.method === 'GET' && /(^|\/)__admin\/requests$/.test(call.path)
}

/** The request `requestId` as a read that found it answered it (see `readFindsRequest`), or null. */
export function requestFoundBy(call: LoggedCall, requestId: string): object | null {
  if (call.method !== 'GET' || call.pending === true || call.error !== null) return null
  if (call.httpStatus !== null && (call.httpStatus < 200 || call.httpStatus > 299)) return null
  const response = call.response
  if (typeof response !== 'object' || response === null) return null
  const list = (response as { verification_requests?: unknown }).verification_requests
  // The sandbox's view (`…/__admin/requests`) lists the request under `requests`, with the same
  // checks as a search: a sandbox page reads the request that way, not by search.
  const viewed = isAdminRead(call) ? (response as { requests?: unknown }).requests : undefined
  const items: unknown[] = Array.isArray(list) ? list : Array.isArray(viewed) ? viewed : [response]
  const found = items.find((item) => {
    if (typeof item !== 'object' || item === null) return false
    const status = verifyStatus(item)
    // A numeric status is an error answer (101: not found), not the request.
    return (
      (item as { request_id?: unknown }).request_id === requestId &&
      status !== null &&
      !/^\d+$/.test(status)
    )
  })
  return (found as object | undefined) ?? null
}

/**
 * How many checks of request `requestId` may have used an attempt the count does not hold yet: each
 * one that `mayHaveUsedAnAttempt`, until a read that found the request was sent after it was over
 * (its answer or failure in; with no answer recorded, once it cannot be on its way any more). That
 * read lists the check if it was processed, and not if it was not: the count is exact again. A read
 * that already lists it settles it sooner (see `listedInDoubt`): it was processed and is counted.
 * `calls` is the request's call log, `inFlight` the keys of this page's calls still out (a check on
 * its way here is shown as such), `lastFoundAt` when a read that found the request was last sent
 * (the log keeps only the newest reads: the read that settled a check may have dropped out of it).
 */
export function checksInDoubt(
  calls: readonly LoggedCall[],
  requestId: string,
  inFlight: ReadonlySet<string> = new Set(),
  lastFoundAt: number | null = null,
): number {
  const found = lastFound(calls, requestId, lastFoundAt)
  const doubtful = calls.filter(
    (call) => !inFlight.has(call.key) && mayHaveUsedAnAttempt(call) && !settledBy(call, found),
  )
  if (doubtful.length === 0) return 0
  return doubtful.length - listedInDoubt(calls, requestId, doubtful)
}

/** The `checks` a read that found request `requestId` listed, or `null` when it listed none. */
function listedChecks(call: LoggedCall, requestId: string): unknown[] | null {
  const checks = (requestFoundBy(call, requestId) as { checks?: unknown } | null)?.checks
  return Array.isArray(checks) ? checks : null
}

/**
 * Whether a check call other than those in doubt may be among the checks a read lists: one the API
 * answered as processed (0 verified, 16 wrong code, 17 the third wrong code), or one that may have
 * been processed without saying so (settled by the time rule, its outcome still unknown).
 */
function mayBeListed(call: LoggedCall): boolean {
  return answeredAsProcessed(call) || mayHaveUsedAnAttempt(call)
}

/** A check the API answered as processed: 0 verified, 16 wrong code, 17 the third wrong code. */
function answeredAsProcessed(call: LoggedCall): boolean {
  if (!isCheckCall(call)) return false
  return CODE_USED_STATUSES.has(verifyStatus(call.response) ?? '')
}

/** When a call can no longer be on its way: its answer or failure in, else the time limit. */
function overAt(call: LoggedCall): number {
  return call.pending === true
    ? call.startedAt + UNANSWERED_CALL_LIMIT_MS
    : call.startedAt + call.durationMs
}

/**
 * Whether a later read already showed that `call`, a check that may have used an attempt, was not
 * processed: a read that found the request, sent once the check was over, listed no more checks
 * than the checks answered as processed before that read was sent. It then cannot be among the
 * checks a later read lists (it would have been listed by then).
 */
function shownUnprocessed(
  call: LoggedCall,
  calls: readonly LoggedCall[],
  requestId: string,
): boolean {
  const over = overAt(call)
  return calls.some((read) => {
    if (read.startedAt < over) return false
    const listed = listedChecks(read, requestId)
    if (!listed) return false
    const processed = calls.filter(
      (other) => answeredAsProcessed(other) && overAt(other) <= read.startedAt,
    ).length
    return listed.length <= processed
  })
}

/**
 * How many of the checks in doubt (`doubtful`) a read already shows were processed, as soon as it
 * lists them: the most, over the reads that found the request, of the checks it lists beyond every
 * other check of the log that it may list (sent before its answer came in), at most the checks in
 * doubt sent before then. Counted, not matched by time or code: the API's `date_received` is on
 * the server's clock (the sandbox's may be moved hours ahead) with whole seconds, and the same code
 * may be sent twice, so neither says which check a listed one is. Every other check that may be
 * listed counts against it, so a read listing no more than those settles nothing: a check still on
 * its way is then still in doubt, until the time rule (`settledBy`) settles it either way. A
 * check a read already showed as not processed (`shownUnprocessed`) does not count against it.
 */
function listedInDoubt(
  calls: readonly LoggedCall[],
  requestId: string,
  doubtful: readonly LoggedCall[],
): number {
  let most = 0
  for (const read of calls) {
    const listed = listedChecks(read, requestId)
    if (!listed) continue
    const answeredAt = read.startedAt + read.durationMs
    const before = (call: LoggedCall) => call.startedAt < answeredAt
    // A check a read already showed as not processed is not among those listed.
    const known = calls.filter(
      (call) =>
        before(call) &&
        !doubtful.includes(call) &&
        mayBeListed(call) &&
        !(mayHaveUsedAnAttempt(call) && shownUnprocessed(call, calls, requestId)),
    ).length
    const inDoubt = doubtful.filter(before).length
    most = Math.max(most, Math.min(inDoubt, listed.length - known))
  }
  return most
}

/** When a read that found request `requestId` was last sent: in `calls`, or `known` if later. */
function lastFound(
  calls: readonly LoggedCall[],
  requestId: string,
  known: number | null,
): number | null {
  let last = known
  for (const call of calls) {
    if (readFindsRequest(call, requestId) && (last === null || call.startedAt > last)) {
      last = call.startedAt
    }
  }
  return last
}

/**
 * Whether a read that found the request, last sent at `foundAt`, was sent after `call` was over:
 * its answer or failure in, or, with no answer recorded, once it cannot be on its way any more.
 */
function settledBy(call: LoggedCall, foundAt: number | null): boolean {
  if (foundAt === null) return false
  return foundAt >= overAt(call)
}

/**
 * The newest check of request `requestId` sent elsewhere (another tab, or this page before a
 * reload) with no answer recorded, while it is still in doubt by the same test as `checksInDoubt`:
 * not on its way from this page (`inFlight`), and no read that found the request was sent after it
 * can no longer be on its way. Null: none.
 */
export function unansweredCheck<C extends LoggedCall>(
  calls: readonly C[],
  requestId: string,
  inFlight: ReadonlySet<string> = new Set(),
  lastFoundAt: number | null = null,
): C | null {
  const last = calls.find(isCheckCall)
  if (!last || last.pending !== true || inFlight.has(last.key)) return null
  if (settledBy(last, lastFound(calls, requestId, lastFoundAt))) return null
  // A read that lists every check in doubt settles it too (not knowing which one it listed, only
  // once it lists them all).
  return checksInDoubt(calls, requestId, inFlight, lastFoundAt) === 0 ? null : last
}

/**
 * What became of the newest check of request `requestId` when its answer was lost (it may have
 * used an attempt): `doubt` while no read has settled it (see `checksInDoubt`), `not_processed`
 * once a read sent after it showed it was not processed (it listed no check it could be), else
 * `processed` (a read listed it). Null: the newest check is not such a check, or is on its way
 * from this page (`inFlight`).
 */
export function lostCheckFate(
  calls: readonly LoggedCall[],
  requestId: string,
  inFlight: ReadonlySet<string> = new Set(),
  lastFoundAt: number | null = null,
): 'doubt' | 'processed' | 'not_processed' | null {
  const last = calls.find(isCheckCall)
  if (!last || inFlight.has(last.key) || !mayHaveUsedAnAttempt(last)) return null
  if (checksInDoubt(calls, requestId, inFlight, lastFoundAt) > 0) return 'doubt'
  return shownUnprocessed(last, calls, requestId) && !listedLate(last, calls, requestId)
    ? 'not_processed'
    : 'processed'
}

/**
 * Whether the newest read of request `requestId` sent after `call`, the newest check, lists more
 * checks than those answered as processed before it was sent: the upstream recorded `call` after a
 * read had shown it not processed. Its answer was lost because a time limit ran out (or the
 * connection dropped) while the upstream still worked on it, so a read right after can come first.
 */
function listedLate(call: LoggedCall, calls: readonly LoggedCall[], requestId: string): boolean {
  const over = overAt(call)
  let newest: LoggedCall | null = null
  let listed: unknown[] | null = null
  for (const read of calls) {
    if (read.startedAt < over || (newest && read.startedAt <= newest.startedAt)) continue
    const checks = listedChecks(read, requestId)
    if (!checks) continue
    newest = read
    listed = checks
  }
  if (!newest || !listed) return false
  const sentAt = newest.startedAt
  const processed = calls.filter(
    (other) => answeredAsProcessed(other) && overAt(other) <= sentAt,
  ).length
  return listed.length > processed
}

/**
 * The newest control call of request `requestId` (cancel, trigger next event) sent elsewhere
 * (another tab, or this page before a reload) with no answer recorded, while it may still be on
 * its way: not on its way from this page (`inFlight`), and no read that found the request was sent
 * once it could no longer be on its way (that read shows whether it cancelled the request or sent
 * the next event). The same rule as for a check (`unansweredCheck`). Null: none.
 */
export function unansweredControl<C extends LoggedCall & { body?: Record<string, string> | null }>(
  calls: readonly C[],
  requestId: string,
  inFlight: ReadonlySet<string> = new Set(),
  lastFoundAt: number | null = null,
): { call: C; cmd: string | null } | null {
  const last = calls.find(
    (call) => call.method !== 'GET' && /(^|\/)verify\/control\//.test(call.path),
  )
  if (!last || last.pending !== true || inFlight.has(last.key)) return null
  if (settledBy(last, lastFound(calls, requestId, lastFoundAt))) return null
  const cmd = last.body?.cmd
  return { call: last, cmd: typeof cmd === 'string' ? cmd : null }
}

/**
 * When the next events this dashboard triggered for request `requestId` went out, oldest first:
 * each `trigger_next_event` the API answered status 0 sent one, between the call's start and its
 * answer (the middle of that is taken). Epoch ms on the API's clock: this browser's plus
 * `clockOffsetMs` (how far the sandbox clock runs ahead). A trigger whose answer was lost is not
 * among them: whether it sent an event is not known.
 */
export function triggeredEventTimes(
  calls: readonly (LoggedCall & { body?: Record<string, string> | null })[],
  requestId: string,
  clockOffsetMs = 0,
): number[] {
  return calls
    .filter(
      (call) =>
        call.method !== 'GET' &&
        call.pending !== true &&
        /(^|\/)verify\/control\//.test(call.path) &&
        call.body?.cmd === 'trigger_next_event' &&
        call.body.request_id === requestId &&
        verifyStatus(call.response) === '0',
    )
    .map((call) => call.startedAt + call.durationMs / 2 + clockOffsetMs)
    .sort((a, b) => a - b)
}

/** Whether a call started request `requestId`: a start (`…/verify/json`, PSD2 too) answered 0. */
function startedRequest(call: LoggedCall, requestId: string): boolean {
  if (call.method === 'GET' || !/(^|\/)verify\/(psd2\/)?json$/.test(call.path)) return false
  const response = call.response as { request_id?: unknown } | null
  return verifyStatus(response) === '0' && response?.request_id === requestId
}

/** The API's dates of request `requestId` a read lists (epoch ms, whole seconds), or none. */
function datesListed(
  call: LoggedCall,
  requestId: string,
): { submitted: number | null; all: number[] } {
  const found = requestFoundBy(call, requestId) as Record<string, unknown> | null
  if (!found) return { submitted: null, all: [] }
  const date = (value: unknown) => (typeof value === 'string' ? parseApiDate(value) : null)
  const checks = Array.isArray(found.checks) ? (found.checks as Record<string, unknown>[]) : []
  const all = [
    date(found.date_submitted),
    date(found.first_event_date),
    date(found.last_event_date),
    date(found.date_finalized),
    ...checks.map((c) => date(c?.date_received)),
  ].filter((t): t is number => t !== null)
  return { submitted: date(found.date_submitted), all }
}

/**
 * How far the API's clock runs ahead of this browser's (ms; negative: behind), as the calls of
 * request `requestId` show it: the API's dates (`date_submitted` and the others, on its clock, in
 * whole seconds) against when this browser sent and got those calls. Every date a read lists was
 * past when the read was answered; the request was submitted while the start that this browser
 * sent was on its way. Of what those bounds leave possible, the offset nearest to none (0 when
 * nothing shows the clocks apart, or when the bounds contradict each other: the clock of one side
 * was changed meanwhile).
 */
export function apiClockOffset(calls: readonly LoggedCall[], requestId: string): number {
  let lo = -Infinity
  let hi = Infinity
  const start = calls.find((call) => call.pending !== true && startedRequest(call, requestId))
  for (const call of calls) {
    const { submitted, all } = datesListed(call, requestId)
    const answeredAt = call.startedAt + call.durationMs
    for (const at of all) lo = Math.max(lo, at - answeredAt)
    if (start && submitted !== null) {
      // Submitted at [submitted, submitted + 1 s) on the API's clock, while the start was out.
      lo = Math.max(lo, submitted - (start.startedAt + start.durationMs))
      hi = Math.min(hi, submitted + 1000 - start.startedAt)
    }
  }
  if (lo > hi) return 0
  return Math.min(hi, Math.max(lo, 0))
}

/** The shortest and longest code the PIN box sends: what the API takes as a code (4 to 10). */
const CODE_LENGTH = LIMITS.pinCodeLength

/**
 * The code typed into the PIN box, as far as the dashboard refuses it before sending: empty, not
 * digits, or fewer than 4 or more than 10 digits. A code of another length than the request's
 * code length is sent (the API checks it as a wrong code, status 16, unless it is the fixed PIN of
 * a test number): `pinLengthHint` says so without blocking. A request started with a custom PIN
 * (`customPin`) takes what a custom PIN may be (4 to 10 characters, letters too, no spaces): the
 * API judges it against the PIN.
 */
export function pinInputError(code: string, customPin = false): string | null {
  if (code === '') return 'Enter the code from the message or call.'
  if (customPin) {
    return isPinCode(code)
      ? null
      : `The custom PIN has ${LIMITS.pinCodeLength.min} to ${LIMITS.pinCodeLength.max} characters, without spaces.`
  }
  if (!/^[0-9]+$/.test(code)) return 'The code has digits only.'
  if (code.length < CODE_LENGTH.min) return `The code has at least ${CODE_LENGTH.min} digits.`
  if (code.length > CODE_LENGTH.max) return `The code has at most ${CODE_LENGTH.max} digits.`
  return null
}

/**
 * A note, not an error, when a code the box would send has another length than the request's PIN
 * (`codeLength`; when unknown, either length a generated PIN has: 4 or 6). `null` when the length
 * fits, for a custom PIN, and while the code is refused anyway (`pinInputError`).
 */
export function pinLengthHint(code: string, codeLength?: number, customPin = false): string | null {
  if (customPin || pinInputError(code) !== null) return null
  const lengths: readonly number[] = codeLength ? [codeLength] : LIMITS.codeLengths
  if (lengths.includes(code.length)) return null
  const pin = codeLength ? `This request's PIN has ${codeLength}` : 'A generated PIN has 4 or 6'
  return (
    `${pin} digits: a code of ${code.length} digits is checked as a wrong code, unless it is a ` +
    "test number's fixed PIN."
  )
}
