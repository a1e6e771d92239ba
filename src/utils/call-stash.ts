/**
 * The calls this tab holds but has not stored yet (a check or control whose request is not in
 * history yet, or whose write is under way), as kept in the tab's session storage so that a reload
 * does not lose them. Pure functions only (the requests store uses them).
 *
 * A call is kept from the moment it is sent, as sent (`pending`: answer unknown), and kept again
 * with its answer once that arrives. A failure without any answer from the server (`network`: the
 * connection failed or was lost; `aborted`) is never kept as the call's answer: when the page goes
 * (a reload, a link followed) the browser cuts off the calls still out, and the page hears of that
 * as such a failure before it hears that it is going, so the two cannot be told apart. Either way
 * nothing is known of what the server did with the call, which is what `pending` says, and a
 * request page settles a check kept so the way it settles any check whose answer was lost: by
 * reading the request once the check can no longer be on its way (or once a read lists it).
 * Keeping the failure instead would date the end of the call to the moment it was cut off, and a
 * read sent right after the reload, before the server had got to the check, would say it was not
 * processed.
 */
import type { ApiErrorKind } from '@/api/client'
import type { StoredCall } from './call-log'

/** Failures that say nothing of what the server did (the call may still reach it, or have). */
const NO_ANSWER: ReadonlySet<ApiErrorKind> = new Set<ApiErrorKind>(['network', 'aborted'])

/**
 * The copy of a record kept across a reload: as it is, unless its call failed without an answer
 * (see above); then as it was sent, its answer unknown.
 */
export function stashedCall(record: StoredCall): StoredCall {
  const { call } = record
  if (call.pending === true || call.error === null || !NO_ANSWER.has(call.error.kind)) {
    return record
  }
  const sent = { ...call, durationMs: 0, httpStatus: null, response: null, error: null }
  delete sent.truncated
  return { ...record, call: { ...sent, pending: true } }
}
