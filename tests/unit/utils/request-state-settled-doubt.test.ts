/**
 * A check whose answer was lost and that a later read showed as not processed is settled: it is
 * never again taken for one of the checks a later read lists, so a check sent after it (and not
 * answered here, the page reloaded meanwhile) is settled as soon as a read lists it.
 */
import { describe, expect, it } from 'vitest'
import { checksInDoubt, unansweredCheck, type LoggedCall } from '@/utils/request-state'

const ID = 'abcdef0123456789abcdef0123456789'
const T0 = Date.parse('2026-01-02T03:04:05Z')

/** The first check: the connection dropped before its answer (it may have been processed). */
const dropped: LoggedCall = {
  key: 'check-1',
  method: 'POST',
  path: 'sandbox/verify/check/json',
  startedAt: T0,
  durationMs: 300,
  httpStatus: 502,
  response: {
    error: { code: 'upstream_reset', message: 'dropped the connection', delivery: 'maybe' },
  },
  error: { kind: 'proxy', message: 'dropped the connection', code: 'upstream_reset' },
}

/** The second check, sent before the page was reloaded: no answer recorded. */
const unanswered: LoggedCall = {
  key: 'check-2',
  method: 'POST',
  path: 'sandbox/verify/check/json',
  startedAt: T0 + 10_000,
  durationMs: 0,
  httpStatus: null,
  response: null,
  error: null,
  pending: true,
}

/** A search of the request sent at `startedAt`, listing `checks`. */
function search(startedAt: number, checks: unknown[]): LoggedCall {
  return {
    key: `read-${startedAt}`,
    method: 'GET',
    path: 'sandbox/verify/search/json',
    startedAt,
    durationMs: 50,
    httpStatus: 200,
    response: { request_id: ID, status: 'IN PROGRESS', checks },
    error: null,
  }
}

const CHECKED_2222 = { code: '2222', status: 'INVALID', date_received: '2026-01-02 03:04:16' }

describe('checksInDoubt after a lost check a read showed as not processed', () => {
  it('settles the next check as soon as a read lists it', () => {
    // Newest first, as the call log lists them.
    const log = [search(T0 + 12_000, [CHECKED_2222]), unanswered, search(T0 + 5_000, []), dropped]
    expect(checksInDoubt(log, ID)).toBe(0)
    expect(unansweredCheck(log, ID)).toBeNull()
  })

  it('keeps the next check in doubt while the read after the lost one listed it (processed)', () => {
    const first = { code: '1111', status: 'INVALID', date_received: '2026-01-02 03:04:05' }
    const log = [search(T0 + 12_000, [first]), unanswered, search(T0 + 5_000, [first]), dropped]
    expect(checksInDoubt(log, ID)).toBe(1)
    expect(unansweredCheck(log, ID)).toBe(unanswered)
  })
})
