/**
 * A request looked up (started by another application) has parameters that are not known: its
 * workflow, `pin_expiry` and `next_event_wait` are assumed (workflow 1, 300 s) only to estimate
 * when the next message or call and the request's end may come. Whether a message or call after
 * the first brought a new PIN, and when the current PIN expires, depend on the real `pin_expiry`:
 * the page leaves them not known rather than saying what the assumption gives.
 */
import { describe, expect, it } from 'vitest'
import { emptyEntry, type HistoryEntry, type SearchedRequest } from '@/utils/history-entry'
import { fromHistory, fromSearch } from '@/utils/request-model'
import { attemptsLeftText, expiredPinAdvice } from '@/utils/request-state'
import { searchedRequest } from '../stores/history-support'
import { T0 } from './admin-request-support'

const ID = 'c'.repeat(32)
/** The API's `YYYY-MM-DD HH:MM:SS` for `s` seconds after T0. */
const api = (s: number) => new Date(T0 + s * 1000).toISOString().slice(0, 19).replace('T', ' ')
const at = (s: number) => T0 + s * 1000

/** What search answers: `types` sent, the first at 0 s, the last at `lastAt` s; wrong codes. */
function answer(types: ('sms' | 'tts')[], lastAt: number, wrongAt: number[]): SearchedRequest {
  return searchedRequest(api(0), {
    request_id: ID,
    events: types.map((type, i) => ({ type, id: `e${i + 1}` })),
    first_event_date: api(0),
    last_event_date: api(lastAt),
    checks: wrongAt.map((s) => ({
      code: '1111',
      status: 'INVALID',
      date_received: api(s),
      ip_address: '',
    })),
  })
}

const lookedUp = (): HistoryEntry => emptyEntry(ID, T0, 'live')
const started = (params: Record<string, string>): HistoryEntry => ({
  ...emptyEntry(ID, T0, 'live'),
  source: 'started',
  params,
})

describe('looked up: an SMS at 0 s, a call at 305 s, wrong codes at 10 s and 20 s', () => {
  // Sent elsewhere with pin_expiry=600: the call brought no new PIN (305 < 600), one attempt is
  // left and the PIN is good until 600 s. Assuming 300 s would say a new PIN, 3 attempts, 605 s.
  const search = answer(['sms', 'tts'], 305, [10, 20])

  it('does not say whether the call brought a new PIN', () => {
    const model = fromSearch('live', search, lookedUp())
    expect(model.paramsAssumed).toBe(true)
    expect(model.events.map((e) => e.newPin)).toEqual([true, null])
  })

  it('does not state the attempts left nor when the PIN expires', () => {
    const model = fromSearch('live', search, lookedUp())
    expect(model.attemptsLeft).toBeNull()
    expect(attemptsLeftText(model.attemptsLeft)).toBe('Three wrong codes per PIN end the request.')
    expect(model.pinExpiresAt).toBeNull()
    expect(expiredPinAdvice(model, at(320))).toBeNull()
  })

  it('is the same from its History entry alone', () => {
    const entry: HistoryEntry = {
      ...lookedUp(),
      status: 'IN PROGRESS',
      lastSearch: {
        events: search.events ?? [],
        checks: search.checks ?? [],
        dateSubmitted: search.date_submitted,
        dateFinalized: '',
        firstEventDate: search.first_event_date,
        lastEventDate: search.last_event_date,
        price: '',
        currency: '',
        estimatedPrice: '',
        accountId: search.account_id,
        senderId: search.sender_id,
        fetchedAt: at(320),
      },
    }
    const model = fromHistory(entry)
    expect(model.events.map((e) => e.newPin)).toEqual([true, null])
    expect(model.attemptsLeft).toBeNull()
    expect(model.pinExpiresAt).toBeNull()
  })

  it('counts the attempts left when no wrong code came between the first and the last', () => {
    const model = fromSearch('live', answer(['sms', 'tts'], 305, [310]), lookedUp())
    // Whichever of the two sent the current PIN, the one wrong code came after it.
    expect(model.attemptsLeft).toBe(2)
  })

  it('started here with pin_expiry=600: the call brought no new PIN, 1 attempt left', () => {
    const model = fromSearch(
      'live',
      search,
      started({ workflow_id: '1', pin_expiry: '600', next_event_wait: '300' }),
    )
    expect(model.paramsAssumed).toBe(false)
    expect(model.events.map((e) => e.newPin)).toEqual([true, false])
    expect(model.attemptsLeft).toBe(1)
    expect(model.pinExpiresAt).toBe(at(600))
  })
})

describe('looked up: one SMS at 0 s, seen at 320 s', () => {
  // Sent elsewhere in workflow 6 with pin_expiry=900, the PIN is good until 900 s; the assumed
  // 300 s would say it has expired.
  const search = answer(['sms'], 0, [])

  it('does not say the PIN has expired', () => {
    const model = fromSearch('live', search, lookedUp())
    expect(model.paramsAssumed).toBe(true)
    expect(model.events.map((e) => e.newPin)).toEqual([true])
    expect(model.pinExpiresAt).toBeNull()
    expect(expiredPinAdvice(model, at(320))).toBeNull()
    expect(model.attemptsLeft).toBe(3)
  })

  it('started here (workflow 2, next_event_wait 900: PIN 300 s): the PIN has expired at 320 s', () => {
    const model = fromSearch('live', search, started({ workflow_id: '2', next_event_wait: '900' }))
    expect(model.paramsAssumed).toBe(false)
    expect(model.pinExpiresAt).toBe(at(300))
    expect(expiredPinAdvice(model, at(320))).not.toBeNull()
  })

  it('started here with its defaults (workflow 1): at 320 s the calls due since may have brought one', () => {
    // The call due at 125 s resent the PIN, the one due at 305 s brought a new one: this answer,
    // read before them, no longer tells whether the PIN has expired.
    const model = fromSearch('live', search, started({}))
    expect(model.pinExpiresAt).toBe(at(300))
    expect(model.nextEventAt).toBe(at(125))
    expect(expiredPinAdvice(model, at(320))).toBeNull()
  })
})

describe('looked up: an SMS at 0 s, calls at 20 s and 50 s', () => {
  // No PIN lasts less than 60 s (pin_expiry is at least 60): both calls resent the SMS's PIN,
  // whatever the request was sent with; only how long it lasts is not known.
  const search = answer(['sms', 'tts', 'tts'], 50, [10, 30])

  it('says the calls brought no new PIN and counts the attempts left', () => {
    const model = fromSearch('live', search, lookedUp(), { triggeredAt: [at(20), at(50)] })
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, false])
    expect(model.attemptsLeft).toBe(1)
    expect(model.pinExpiresAt).toBeNull()
  })
})

describe('looked up: an SMS at 0 s, a call at 20 s, a call at 200 s', () => {
  const search = answer(['sms', 'tts', 'tts'], 200, [])

  it('says the first call resent the PIN; the last may or may not have brought a new one', () => {
    const model = fromSearch('live', search, lookedUp(), { triggeredAt: [at(20)] })
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, null])
  })
})
