import { describe, expect, it } from 'vitest'
import {
  attemptsLeft,
  cancelAvailability,
  checkAvailability,
  nextEventAvailability,
  parseApiDate,
  pinInputError,
  pinLengthHint,
  requestCancelAvailability,
} from '@/utils/request-state'
import { fromSearch } from '@/utils/request-model'
import { emptyEntry, type HistoryEntry, type SearchedRequest } from '@/utils/history-entry'
import { formatDuration } from '@/utils/duration'
import { searchedRequest } from '../stores/history-support'

const T0 = Date.parse('2026-01-02T03:04:05Z')

describe('cancelAvailability', () => {
  const input = { status: 'IN PROGRESS' as const, submittedAt: T0, eventsSent: 1 }
  it('opens 30 s after the start and says when until then', () => {
    expect(cancelAvailability(input, T0 + 18_000)).toEqual({
      allowed: false,
      reason: 'cancel possible in 12 s',
      opensAt: T0 + 30_000,
    })
    expect(cancelAvailability(input, T0 + 30_000).allowed).toBe(true)
  })
  it('closes with the second event and for ended requests', () => {
    expect(cancelAvailability({ ...input, eventsSent: 2 }, T0 + 60_000).reason).toBe(
      'cancel no longer possible: a second message or call has gone out',
    )
    expect(cancelAvailability({ ...input, status: 'SUCCESS' }, T0).reason).toBe(
      'request already verified',
    )
    expect(cancelAvailability({ ...input, status: 'EXPIRED' }, T0).reason).toBe('request expired')
  })
})

describe('requestCancelAvailability (the request page and the status-10 panel)', () => {
  const sms = { id: 'e1', type: 'sms', sentAt: T0 }
  const shown = { status: 'IN PROGRESS' as const, submittedAt: T0, events: [sms] }
  it('says the request is loading while there is none', () => {
    for (const none of [null, undefined]) {
      expect(requestCancelAvailability(none, T0)).toEqual({
        allowed: false,
        reason: 'loading the request',
        opensAt: null,
      })
    }
  })
  it('judges cancel from the status, the start and the events sent', () => {
    expect(requestCancelAvailability(shown, T0 + 18_000)).toEqual({
      allowed: false,
      reason: 'cancel possible in 12 s',
      opensAt: T0 + 30_000,
    })
    expect(requestCancelAvailability(shown, T0 + 30_000)).toEqual({
      allowed: true,
      reason: null,
      opensAt: null,
    })
    expect(
      requestCancelAvailability({ ...shown, events: [sms, { ...sms, id: 'e2' }] }, T0 + 60_000)
        .reason,
    ).toBe('cancel no longer possible: a second message or call has gone out')
    expect(requestCancelAvailability({ ...shown, status: 'CANCELLED' }, T0).reason).toBe(
      'request already cancelled',
    )
  })
})

describe('other availabilities', () => {
  it('trigger needs an event left; check needs an attempt left', () => {
    expect(nextEventAvailability({ status: 'IN PROGRESS', eventsLeft: 0 }).reason).toBe(
      'no events left',
    )
    expect(nextEventAvailability({ status: 'IN PROGRESS', eventsLeft: null }).allowed).toBe(true)
    expect(checkAvailability({ status: 'CANCELLED', attemptsLeft: 3 }).reason).toBe(
      'request already cancelled',
    )
    expect(checkAvailability({ status: 'IN PROGRESS', attemptsLeft: 0 }).reason).toBe(
      'no attempts left',
    )
  })
  it('counts wrong codes since the current PIN only', () => {
    const checks = [
      { status: 'INVALID' as const, at: T0 + 1_000 },
      { status: 'INVALID' as const, at: T0 + 200_000 },
    ]
    expect(attemptsLeft(checks, T0)).toBe(1)
    expect(attemptsLeft(checks, T0 + 150_000)).toBe(2)
  })
  it('judges a typed code: refuses only what the API cannot take as a code', () => {
    expect(pinInputError('')).toBe('Enter the code from the message or call.')
    expect(pinInputError('12a4')).toBe('The code has digits only.')
    expect(pinInputError('123')).toBe('The code has at least 4 digits.')
    expect(pinInputError('12345678901')).toBe('The code has at most 10 digits.')
    for (const code of ['1234', '12345', '123456', '1234567890']) {
      expect(pinInputError(code)).toBeNull()
    }
  })
  it("sends a code of another length than the request's PIN, with a note that does not block", () => {
    // A test number's fixed PIN (123456, 12345) on a 4-digit request, and a wrong-length code a
    // tester sends to see status 16.
    expect(pinLengthHint('1234', 4)).toBeNull()
    expect(pinLengthHint('123456', 6)).toBeNull()
    expect(pinLengthHint('123456', 4)).toBe(
      "This request's PIN has 4 digits: a code of 6 digits is checked as a wrong code, unless it is a test number's fixed PIN.",
    )
    expect(pinLengthHint('12345', 4)).toMatch(
      /^This request's PIN has 4 digits: a code of 5 digits/,
    )
    expect(pinLengthHint('1234', 6)).toMatch(/^This request's PIN has 6 digits: a code of 4 digits/)
    // Nothing to add while the code is refused anyway, or for a custom PIN.
    expect(pinLengthHint('123', 4)).toBeNull()
    expect(pinLengthHint('', 4)).toBeNull()
    expect(pinLengthHint('98765', 4, true)).toBeNull()
  })
  it('notes a length other than 4 or 6 when the code length is not known', () => {
    expect(pinLengthHint('1234')).toBeNull()
    expect(pinLengthHint('123456')).toBeNull()
    for (const code of ['12345', '1234567']) {
      expect(pinInputError(code)).toBeNull()
      expect(pinLengthHint(code)).toMatch(/^A generated PIN has 4 or 6 digits: /)
    }
  })
  it('reads API dates as UTC and formats durations', () => {
    expect(parseApiDate('2026-01-02 03:04:05')).toBe(T0)
    expect(parseApiDate('')).toBeNull()
    expect(formatDuration(12)).toBe('12 s')
    expect(formatDuration(125)).toBe('2 min 05 s')
    expect(formatDuration(3725)).toBe('1 h 02 min')
  })
})

describe('fromSearch (live: times estimated from the parameters sent)', () => {
  /** What search answers for request 'r', submitted at T0 and its first SMS sent then. */
  const searched = (patch: Partial<SearchedRequest> = {}) =>
    searchedRequest('2026-01-02 03:04:05', {
      request_id: 'r',
      account_id: 'a',
      number: '447700900123',
      events: [{ type: 'sms', id: 'e1' }],
      ...patch,
    })

  it('estimates the next event, PIN expiry and events left from the workflow', () => {
    const entry = {
      params: { workflow_id: '1', code_length: '6' },
      kind: 'request',
      brand: 'Acme',
      createdAt: T0,
    } as unknown as HistoryEntry
    const model = fromSearch(
      'live',
      searched({
        checks: [
          { date_received: '2026-01-02 03:04:35', code: '1111', status: 'INVALID', ip_address: '' },
        ],
      }),
      entry,
    )
    expect(model.nextEventAt).toBe(T0 + 125_000)
    expect(model.pinExpiresAt).toBe(T0 + 300_000)
    expect(model.expiresAt).toBe(T0 + 605_000)
    expect(model.eventsLeft).toBe(2)
    expect(model.attemptsLeft).toBe(2)
    expect(model.codeLength).toBe(6)
    expect(model.estimated).toBe(true)
  })

  const search = searched()
  it('leaves the code length unknown for a request started elsewhere, so a 6-digit PIN is accepted', () => {
    for (const model of [
      fromSearch('live', search),
      fromSearch('live', search, emptyEntry('r', T0, 'live')),
    ]) {
      expect(model.codeLength).toBeNull()
      expect(pinLengthHint('123456', model.codeLength ?? undefined)).toBeNull()
      expect(pinLengthHint('1234', model.codeLength ?? undefined)).toBeNull()
    }
  })
  it("takes the API's default code length (4) for a start from this dashboard that left it out", () => {
    const entry: HistoryEntry = { ...emptyEntry('r', T0, 'live'), source: 'started' }
    const model = fromSearch('live', search, entry)
    expect(model.codeLength).toBe(4)
    expect(pinInputError('123456')).toBeNull()
    expect(pinLengthHint('123456', model.codeLength ?? undefined)).toMatch(
      /^This request's PIN has 4 digits: /,
    )
  })
})
