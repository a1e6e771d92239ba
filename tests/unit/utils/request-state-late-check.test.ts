/**
 * A check whose answer was lost because the server's time limit ran out while the upstream still
 * worked on it: a read right after may list no such check, and a later one lists it. The later read
 * decides: the check was processed (it used an attempt), and the page must not say otherwise.
 */
import { describe, expect, it } from 'vitest'
import { lostCheckFate, type LoggedCall } from '@/utils/request-state'

const ID = 'abcdef0123456789abcdef0123456789'
const T0 = Date.parse('2026-01-02T03:04:05Z')

/** The check: no answer within the server's time limit (it may have been processed). */
const timedOut: LoggedCall = {
  key: 'check-1',
  method: 'POST',
  path: 'live/verify/check/json',
  startedAt: T0,
  durationMs: 15_000,
  httpStatus: 504,
  response: {
    error: { code: 'upstream_timeout', message: 'did not answer within 15 s', delivery: 'maybe' },
  },
  error: { kind: 'proxy', message: 'did not answer within 15 s', code: 'upstream_timeout' },
}

/** A search of the request sent at `startedAt`, listing `checks`. */
function search(startedAt: number, checks: unknown[]): LoggedCall {
  return {
    key: `read-${startedAt}`,
    method: 'GET',
    path: 'live/verify/search/json',
    startedAt,
    durationMs: 50,
    httpStatus: 200,
    response: { request_id: ID, status: 'IN PROGRESS', checks },
    error: null,
  }
}

const RECORDED = { code: '1111', status: 'INVALID', date_received: '2026-01-02 03:04:21' }

describe('lostCheckFate of a check the upstream recorded after a read', () => {
  it('is not_processed while the reads after it list no such check', () => {
    // Newest first, as the call log lists them.
    const log = [search(T0 + 16_000, []), search(T0 + 15_100, []), timedOut]
    expect(lostCheckFate(log, ID)).toBe('not_processed')
  })

  it('turns processed once a later read lists it', () => {
    const log = [search(T0 + 17_000, [RECORDED]), search(T0 + 15_100, []), timedOut]
    expect(lostCheckFate(log, ID)).toBe('processed')
  })

  it('counts the checks answered before: one more listed than those is this one', () => {
    const answered: LoggedCall = {
      key: 'check-0',
      method: 'POST',
      path: 'live/verify/check/json',
      startedAt: T0 - 5_000,
      durationMs: 100,
      httpStatus: 200,
      response: { request_id: ID, status: '16', error_text: 'wrong' },
      error: null,
    }
    const first = { code: '0000', status: 'INVALID', date_received: '2026-01-02 03:04:00' }
    const stillOne = [
      search(T0 + 17_000, [first]),
      search(T0 + 15_100, [first]),
      timedOut,
      answered,
    ]
    expect(lostCheckFate(stillOne, ID)).toBe('not_processed')
    const two = [
      search(T0 + 17_000, [first, RECORDED]),
      search(T0 + 15_100, [first]),
      timedOut,
      answered,
    ]
    expect(lostCheckFate(two, ID)).toBe('processed')
  })
})
