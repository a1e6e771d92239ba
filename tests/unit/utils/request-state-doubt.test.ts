/**
 * The attempts left while a check whose answer was lost may have used one: which checks are in
 * doubt (from the call log), when a read settles them, and what the line under the PIN box says.
 */
import { describe, expect, it } from 'vitest'
import {
  attemptsLeftText,
  checksInDoubt,
  mayHaveUsedAnAttempt,
  readFindsRequest,
  UNANSWERED_CALL_LIMIT_MS,
  unansweredCheck,
  type LoggedCall,
} from '@/utils/request-state'

const ID = 'abcdef0123456789abcdef0123456789'
const OTHER = 'f'.repeat(32)
const T0 = Date.parse('2026-01-02T03:04:05Z')

/** A check of ID sent at `startedAt`, answered after `durationMs`; `patch` says how. */
function check(patch: Partial<LoggedCall> = {}): LoggedCall {
  return {
    key: 'check-1',
    method: 'POST',
    path: 'live/verify/check/json',
    startedAt: T0,
    durationMs: 15_000,
    httpStatus: 504,
    response: {
      error: { code: 'upstream_timeout', message: 'Vonage did not answer within 15 s.' },
    },
    error: {
      kind: 'proxy',
      message: 'Vonage did not answer within 15 s.',
      code: 'upstream_timeout',
    },
    ...patch,
  }
}

/** A search of ID sent at `startedAt`, answered with the request in progress unless `patch` says. */
function read(startedAt: number, patch: Partial<LoggedCall> = {}): LoggedCall {
  return {
    key: `read-${startedAt}`,
    method: 'GET',
    path: 'live/verify/search/json',
    startedAt,
    durationMs: 200,
    httpStatus: 200,
    response: { request_id: ID, status: 'IN PROGRESS', checks: [] },
    error: null,
    ...patch,
  }
}

describe('mayHaveUsedAnAttempt: a check whose answer does not say whether it was counted', () => {
  it.each<[string, Partial<LoggedCall>]>([
    ['504 upstream_timeout', {}],
    [
      'the connection reset before the answer',
      {
        httpStatus: 502,
        response: {
          error: { code: 'upstream_reset', message: 'dropped the connection', delivery: 'maybe' },
        },
        error: { kind: 'proxy', message: 'dropped the connection', code: 'upstream_reset' },
      },
    ],
    [
      'the browser lost the connection',
      { httpStatus: null, response: null, error: { kind: 'network', message: 'Failed to fetch' } },
    ],
    ['an answer without a status', { httpStatus: 200, response: { request_id: ID }, error: null }],
    ['status 5 (the check may have been counted)', { httpStatus: 200, response: { status: '5' } }],
    ['no answer recorded (the page was reloaded)', { pending: true, httpStatus: null }],
  ])('%s: yes', (_name, patch) => {
    expect(mayHaveUsedAnAttempt(check(patch))).toBe(true)
  })

  it.each<[string, Partial<LoggedCall>]>([
    ['status 16', { httpStatus: 200, response: { status: '16' }, error: null }],
    ['status 0', { httpStatus: 200, response: { status: 0 }, error: null }],
    ['status 1 (throttled, not processed)', { httpStatus: 200, response: { status: '1' } }],
    [
      'not sent: queue_full',
      {
        httpStatus: 503,
        response: { error: { code: 'queue_full', message: 'busy', delivery: 'not_sent' } },
        error: { kind: 'proxy', message: 'busy', code: 'queue_full' },
      },
    ],
    [
      'not sent: the browser was offline',
      { httpStatus: null, response: null, error: { kind: 'offline', message: 'offline' } },
    ],
    [
      'refused by the server (400)',
      {
        httpStatus: 400,
        response: { error: { code: 'invalid_request', message: 'bad' } },
        error: { kind: 'proxy', message: 'bad', code: 'invalid_request' },
      },
    ],
    ['a search', { method: 'GET', path: 'live/verify/search/json' }],
    ['a cancel', { path: 'live/verify/control/json' }],
  ])('%s: no', (_name, patch) => {
    expect(mayHaveUsedAnAttempt(check(patch))).toBe(false)
  })
})

describe('readFindsRequest: a read that answered with the request itself', () => {
  it('a search of the request, a list holding it, the sandbox view', () => {
    expect(readFindsRequest(read(T0), ID)).toBe(true)
    const list = { verification_requests: [{ request_id: OTHER, status: 'SUCCESS' }] }
    expect(readFindsRequest(read(T0, { response: list }), ID)).toBe(false)
    list.verification_requests.push({ request_id: ID, status: 'IN PROGRESS' })
    expect(readFindsRequest(read(T0, { response: list }), ID)).toBe(true)
    const admin = read(T0, {
      path: 'sandbox/__admin/requests/' + ID,
      response: { request_id: ID, status: 'IN PROGRESS', attempts_left: 2 },
    })
    expect(readFindsRequest(admin, ID)).toBe(true)
  })

  it('not a 101, another error, a failed read, or one still on its way', () => {
    const notFound = { status: '101', request_id: ID, error_text: 'No response found' }
    expect(readFindsRequest(read(T0, { response: notFound }), ID)).toBe(false)
    expect(readFindsRequest(read(T0, { response: { status: 5, error_text: 'x' } }), ID)).toBe(false)
    const failed = read(T0, {
      httpStatus: 502,
      response: { error: { code: 'upstream_unreachable', message: 'x' } },
      error: { kind: 'proxy', message: 'x', code: 'upstream_unreachable' },
    })
    expect(readFindsRequest(failed, ID)).toBe(false)
    expect(readFindsRequest(read(T0, { pending: true, response: null }), ID)).toBe(false)
  })
})

describe('checksInDoubt: settled by a read sent once the check was over', () => {
  const over = T0 + 15_000

  it('in doubt while every read since failed or was sent before the check was over', () => {
    const failed = read(over + 1_000, {
      httpStatus: 504,
      response: { error: { code: 'upstream_timeout', message: 'x' } },
      error: { kind: 'proxy', message: 'x', code: 'upstream_timeout' },
    })
    // Sent while the check was still out: it knows nothing of it.
    const before = read(over - 1)
    expect(checksInDoubt([failed, before, check()], ID)).toBe(1)
  })

  it('settled by a read of the request sent after: the count is exact again', () => {
    expect(checksInDoubt([read(over), check()], ID)).toBe(0)
    // A read of another request says nothing of this one.
    const other = read(over, { response: { request_id: OTHER, status: 'IN PROGRESS' } })
    expect(checksInDoubt([other, check()], ID)).toBe(1)
  })

  it('stays settled once the read that settled it dropped out of the log', () => {
    expect(checksInDoubt([check()], ID, new Set(), T0 + 15_000)).toBe(0)
    expect(checksInDoubt([check()], ID, new Set(), T0 + 15_000 - 1)).toBe(1)
  })

  it('a check still on its way from this page is not in doubt (it is shown as on its way)', () => {
    const out = check({ pending: true, httpStatus: null, response: null, error: null })
    expect(checksInDoubt([out], ID, new Set(['check-1']))).toBe(0)
  })

  it('one with no answer recorded is settled only once it cannot be on its way any more', () => {
    const unanswered = check({ pending: true, httpStatus: null, response: null, error: null })
    const soon = read(T0 + UNANSWERED_CALL_LIMIT_MS - 1)
    expect(checksInDoubt([soon, unanswered], ID)).toBe(1)
    const later = read(T0 + UNANSWERED_CALL_LIMIT_MS)
    expect(checksInDoubt([later, unanswered], ID)).toBe(0)
  })

  it('counts each check in doubt', () => {
    const second = check({ key: 'check-2', startedAt: T0 + 20_000, durationMs: 50 })
    const answered = check({
      key: 'check-3',
      httpStatus: 200,
      response: { status: '16' },
      error: null,
    })
    expect(checksInDoubt([answered, second, check()], ID)).toBe(2)
  })
})

describe('attemptsLeftText: never a number that may be false', () => {
  it('the exact number while no check is in doubt', () => {
    expect(attemptsLeftText(3)).toBe('3 attempts left for this PIN.')
    expect(attemptsLeftText(2, 0)).toBe('2 attempts left for this PIN.')
    expect(attemptsLeftText(1)).toBe('1 attempt left: a wrong code now ends the request (FAILED).')
    expect(attemptsLeftText(null)).toBe('Three wrong codes per PIN end the request.')
    expect(attemptsLeftText(null, 1)).toBe('Three wrong codes per PIN end the request.')
  })

  it('the range while a check whose answer was lost may have used one', () => {
    expect(attemptsLeftText(3, 1)).toBe(
      '2 or 3 attempts left for this PIN: a check whose answer was lost may have used one.',
    )
    expect(attemptsLeftText(2, 1)).toBe(
      '1 or 2 attempts left for this PIN: a check whose answer was lost may have used one; at worst a wrong code now ends the request (FAILED).',
    )
    expect(attemptsLeftText(1, 1)).toBe(
      '0 or 1 attempt left for this PIN: a check whose answer was lost may have used one; at worst the request has already ended (FAILED).',
    )
  })

  it('several checks in doubt: the whole range, never below none', () => {
    expect(attemptsLeftText(3, 2)).toBe(
      '1 to 3 attempts left for this PIN: 2 checks whose answers were lost may each have used one; at worst a wrong code now ends the request (FAILED).',
    )
    expect(attemptsLeftText(2, 3)).toBe(
      '0 to 2 attempts left for this PIN: 3 checks whose answers were lost may each have used one; at worst the request has already ended (FAILED).',
    )
  })
})

describe('unansweredCheck: the same test as the attempts left', () => {
  const unanswered = check({ pending: true, httpStatus: null, response: null, error: null })

  it('warns of the newest check with no answer recorded until a read settles it', () => {
    const soon = read(T0 + UNANSWERED_CALL_LIMIT_MS - 1)
    expect(unansweredCheck([soon, unanswered], ID)).toBe(unanswered)
    expect(checksInDoubt([soon, unanswered], ID)).toBe(1)

    // The search that settles the check ends both: no warning, no range.
    const later = read(T0 + UNANSWERED_CALL_LIMIT_MS)
    expect(unansweredCheck([later, unanswered], ID)).toBeNull()
    const doubt = checksInDoubt([later, unanswered], ID)
    expect(doubt).toBe(0)
    expect(attemptsLeftText(3, doubt)).toBe('3 attempts left for this PIN.')
  })

  it('not once settled (the read dropped out of the log), nor while on its way from this page', () => {
    expect(unansweredCheck([unanswered], ID, new Set(), T0 + UNANSWERED_CALL_LIMIT_MS)).toBeNull()
    expect(unansweredCheck([unanswered], ID, new Set(), T0 + UNANSWERED_CALL_LIMIT_MS - 1)).toBe(
      unanswered,
    )
    expect(unansweredCheck([unanswered], ID, new Set(['check-1']))).toBeNull()
  })

  it('not when the newest check was answered, nor a read of another request settles it', () => {
    const answered = check({ key: 'check-2', startedAt: T0 + 1, httpStatus: 200, error: null })
    expect(unansweredCheck([answered, unanswered], ID)).toBeNull()
    const elsewhere = read(T0 + UNANSWERED_CALL_LIMIT_MS, {
      response: { request_id: OTHER, status: 'IN PROGRESS', checks: [] },
    })
    expect(unansweredCheck([elsewhere, unanswered], ID)).toBe(unanswered)
  })
})

describe('checksInDoubt: settled as soon as a read lists the lost check', () => {
  const lost = check({ pending: true, httpStatus: null, response: null, error: null })
  const invalid = { date_received: '2026-01-02 03:04:07', code: '1111', status: 'INVALID' }
  /** A read of ID sent `afterMs` after the lost check, listing `checks`. */
  const listing = (afterMs: number, checks: unknown[]) =>
    read(T0 + afterMs, { response: { request_id: ID, status: 'IN PROGRESS', checks } })

  it('a read listing a check beyond those the log explains: the lost check was processed', () => {
    const soon = listing(5_000, [invalid])
    expect(checksInDoubt([soon, lost], ID)).toBe(0)
    expect(unansweredCheck([soon, lost], ID)).toBeNull()
    expect(attemptsLeftText(2, checksInDoubt([soon, lost], ID))).toBe(
      '2 attempts left for this PIN.',
    )
  })

  it('also in a list of requests, and for a check whose answer failed', () => {
    const list = read(T0 + 10_000, {
      response: {
        verification_requests: [{ request_id: ID, status: 'IN PROGRESS', checks: [invalid] }],
      },
    })
    expect(checksInDoubt([list, check()], ID)).toBe(0)
  })

  it('not while the listed checks are those of other checks the log holds', () => {
    // An earlier check answered 16 is the one listed: the lost one may still be on its way.
    const earlier = check({
      key: 'check-0',
      startedAt: T0 - 10_000,
      durationMs: 200,
      httpStatus: 200,
      response: { request_id: ID, status: '16' },
      error: null,
    })
    expect(checksInDoubt([listing(5_000, [invalid]), lost, earlier], ID)).toBe(1)
    expect(unansweredCheck([listing(5_000, [invalid]), lost, earlier], ID)).toBe(lost)
    // One more listed: that is the lost one.
    expect(checksInDoubt([listing(6_000, [invalid, invalid]), lost, earlier], ID)).toBe(0)
  })

  it('not by a read answered before the check was sent, nor one listing no check', () => {
    const old = read(T0 - 5_000, {
      response: { request_id: ID, status: 'IN PROGRESS', checks: [invalid] },
    })
    expect(checksInDoubt([lost, old], ID)).toBe(1)
    expect(checksInDoubt([listing(5_000, []), lost], ID)).toBe(1)
  })

  it('two lost checks and one listed: one is still in doubt', () => {
    const second = check({
      key: 'check-2',
      startedAt: T0 + 1_000,
      pending: true,
      httpStatus: null,
      response: null,
      error: null,
    })
    expect(checksInDoubt([listing(5_000, [invalid]), second, lost], ID)).toBe(1)
    expect(unansweredCheck([listing(5_000, [invalid]), second, lost], ID)).toBe(second)
    expect(checksInDoubt([listing(6_000, [invalid, invalid]), second, lost], ID)).toBe(0)
  })
})
