/**
 * A sandbox request page reads the request from the sandbox's own view (`GET …/__admin/requests`,
 * `{requests: [...]}`), not by search: that read lists the request's checks as a search does, so it
 * settles a check whose answer was lost as a search sent after it would. Only that view's list
 * counts: a `requests` list in any other answer is not a read of the request.
 */
import { describe, expect, it } from 'vitest'
import {
  checksInDoubt,
  lostCheckFate,
  readFindsRequest,
  unansweredCheck,
  type LoggedCall,
} from '@/utils/request-state'

const ID = 'abcdef0123456789abcdef0123456789'
const OTHER = '0123456789abcdef0123456789abcdef'
const T0 = Date.parse('2026-01-02T03:04:05Z')

/** A check: the connection dropped before its answer (it may have been processed). */
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

/** A check sent before the page was reloaded: no answer recorded. */
const unanswered: LoggedCall = {
  ...dropped,
  key: 'check-2',
  httpStatus: null,
  response: null,
  error: null,
  pending: true,
}

const CHECKED = {
  code: '1234',
  status: 'INVALID',
  date_received: '2026-01-02 03:04:05',
  received_at: '2026-01-02T03:04:05.100Z',
}

/** The sandbox's view of the request (and of `others`), read at `startedAt`, listing `checks`. */
function adminRead(
  startedAt: number,
  checks: unknown[],
  path = 'sandbox/__admin/requests',
  others: string[] = [],
): LoggedCall {
  const requests = [ID, ...others].map((id) => ({
    request_id: id,
    status: 'IN PROGRESS',
    attempts_left: 3 - checks.length,
    checks: id === ID ? checks : [],
  }))
  return {
    key: `read-${startedAt}`,
    method: 'GET',
    path,
    startedAt,
    durationMs: 50,
    httpStatus: 200,
    response: { requests, total: requests.length },
    error: null,
  }
}

describe("the sandbox's view of a request settles a lost check", () => {
  it('finds the request in the view it lists it in, among others too', () => {
    expect(readFindsRequest(adminRead(T0, []), ID)).toBe(true)
    expect(readFindsRequest(adminRead(T0, [], 'sandbox/__admin/requests', [OTHER]), ID)).toBe(true)
    expect(readFindsRequest(adminRead(T0, []), OTHER)).toBe(false)
  })

  it('settles it as not processed once a view read after it lists no check', () => {
    const log = [adminRead(T0 + 5_000, []), dropped]
    expect(checksInDoubt(log, ID)).toBe(0)
    expect(lostCheckFate(log, ID)).toBe('not_processed')
  })

  it('settles it as processed once a view read after it lists it', () => {
    const log = [adminRead(T0 + 5_000, [CHECKED]), dropped]
    expect(checksInDoubt(log, ID)).toBe(0)
    expect(lostCheckFate(log, ID)).toBe('processed')
  })

  it('settles an unanswered check once a view is read after it can no longer be on its way', () => {
    expect(unansweredCheck([adminRead(T0 + 31_000, []), unanswered], ID)).toBeNull()
    // Read while it may still be on its way, listing nothing: still in doubt.
    expect(unansweredCheck([adminRead(T0 + 5_000, []), unanswered], ID)).toBe(unanswered)
  })

  it('keeps it in doubt while the view read after it failed or came before it', () => {
    const failed: LoggedCall = {
      ...adminRead(T0 + 5_000, []),
      httpStatus: null,
      response: null,
      error: { kind: 'network', message: 'Failed to fetch' },
    }
    expect(checksInDoubt([failed, dropped], ID)).toBe(1)
    expect(checksInDoubt([dropped, adminRead(T0 - 5_000, [])], ID)).toBe(1)
  })

  it('takes no `requests` list of another answer for a read of the request', () => {
    const elsewhere = adminRead(T0 + 5_000, [], 'sandbox/__admin/messages')
    expect(readFindsRequest(elsewhere, ID)).toBe(false)
    expect(checksInDoubt([elsewhere, dropped], ID)).toBe(1)
  })
})
