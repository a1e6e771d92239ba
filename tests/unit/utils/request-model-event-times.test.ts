/**
 * A live request's page knows, from search, the ids and types of its messages and calls, but the
 * times of the first and the last only: which of them brought a new PIN (and so the attempts left
 * and the PIN's expiry) is worked out from what is known, never from the default schedule alone
 * once events were triggered early.
 */
import { describe, expect, it } from 'vitest'
import { emptyEntry, type HistoryEntry, type SearchedRequest } from '@/utils/history-entry'
import { fromAdmin, fromHistory, fromSearch, type RequestModel } from '@/utils/request-model'
import { attemptsLeftText } from '@/utils/request-state'
import { searchedRequest } from '../stores/history-support'
import { admin, iso, T0 } from './admin-request-support'

const ID = 'r'.repeat(32)
/** The API's `YYYY-MM-DD HH:MM:SS` for `s` seconds after T0. */
const api = (s: number) => new Date(T0 + s * 1000).toISOString().slice(0, 19).replace('T', ' ')
const at = (s: number) => T0 + s * 1000

function started(params: Record<string, string> = {}): HistoryEntry {
  return { ...emptyEntry(ID, T0, 'live'), source: 'started', params }
}

/** What search answers: `types` sent, the last at `lastAt` s, wrong codes at `wrongAt` s. */
function answer(types: ('sms' | 'tts')[], lastAt: number, wrongAt: number[]): SearchedRequest {
  return searchedRequest(api(0), {
    request_id: ID,
    events: types.map((type, i) => ({ type, id: `e${i + 1}` })),
    first_event_date: api(0),
    last_event_date: api(lastAt),
    checks: wrongAt.map((s) => ({
      date_received: api(s),
      code: '$CODE',
      status: 'INVALID' as const,
      ip_address: '',
    })),
  })
}

/** No message or call shown after a later one, nor after the last the API reports. */
function expectInOrder(model: RequestModel, lastAt: number): void {
  const times = model.events.map((e) => e.at).filter((t): t is number => t !== null)
  expect(times).toEqual([...times].sort((a, b) => a - b))
  expect(Math.max(...times)).toBeLessThanOrEqual(at(lastAt))
}

describe('a live request whose next events were triggered before the PIN expired', () => {
  // Workflow 1 (SMS, 125 s, call, 180 s, call; PIN 300 s). Two wrong codes, then both calls
  // triggered at 11 s and 14 s: the same PIN is sent again, its attempts are not renewed.
  const search = answer(['sms', 'tts', 'tts'], 14, [2, 4])

  it('says 1 attempt left and the PIN expiring 300 s after the SMS, though the call times are not known', () => {
    const model = fromSearch('live', search, started())
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, false])
    expect(model.attemptsLeft).toBe(1)
    expect(attemptsLeftText(model.attemptsLeft)).toBe(
      '1 attempt left: a wrong code now ends the request (FAILED).',
    )
    expect(model.pinExpiresAt).toBe(at(300))
    expect(model.expiresAt).toBe(at(14 + 300))
    expect(model.events.map((e) => e.at)).toEqual([at(0), null, at(14)])
    expectInOrder(model, 14)
  })

  it("shows the first call when it went out, from this dashboard's own trigger", () => {
    const model = fromSearch('live', search, started(), {
      triggeredAt: [at(14) + 300, at(11) + 200],
    })
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(11) + 200, at(14)])
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, false])
    expect(model.attemptsLeft).toBe(1)
    expect(model.pinExpiresAt).toBe(at(300))
    expectInOrder(model, 14)
  })

  it('reads the same from history and keeps a trigger sent elsewhere unknown', () => {
    const entry: HistoryEntry = {
      ...started(),
      status: 'IN PROGRESS',
      lastSearch: {
        events: search.events ?? [],
        checks: search.checks ?? [],
        price: '0',
        currency: 'EUR',
        estimatedPrice: '',
        accountId: 'a',
        senderId: '',
        dateSubmitted: api(0),
        dateFinalized: '',
        firstEventDate: api(0),
        lastEventDate: api(14),
        fetchedAt: at(15),
      },
    }
    // Only the second call was triggered here: the first one was triggered by someone else.
    const model = fromHistory(entry, { triggeredAt: [at(14)] })
    expect(model.events.map((e) => e.at)).toEqual([at(0), null, at(14)])
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, false])
    expect(model.attemptsLeft).toBe(1)
    expect(model.pinExpiresAt).toBe(at(300))
  })
})

describe('a live request whose PIN had expired when its next event was triggered', () => {
  // Workflow 2 with next_event_wait 900 (PIN 300 s): the second SMS triggered at 400 s brings a
  // new PIN; the call triggered at 410 s sends that PIN again. Wrong codes at 30 s and 405 s.
  const search = answer(['sms', 'sms', 'tts'], 410, [30, 405])
  const entry = started({ workflow_id: '2', next_event_wait: '900' })

  it('counts the attempts and the expiry from the SMS triggered at 400 s', () => {
    const model = fromSearch('live', search, entry, { triggeredAt: [at(400), at(410)] })
    expect(model.events.map((e) => e.newPin)).toEqual([true, true, false])
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(400), at(410)])
    expect(model.attemptsLeft).toBe(2)
    expect(model.pinExpiresAt).toBe(at(700))
  })

  it('says neither the attempts nor the expiry when the trigger times are not known', () => {
    // The second SMS went out between 0 s and 410 s: before 300 s it brought no new PIN (and the
    // call at 410 s would have); after, it did (and the call did not).
    const model = fromSearch('live', search, entry)
    expect(model.events.map((e) => e.newPin)).toEqual([true, null, null])
    expect(model.events[1]?.at).toBeNull()
    expect(model.attemptsLeft).toBeNull()
    expect(model.pinExpiresAt).toBeNull()
    expect(attemptsLeftText(model.attemptsLeft)).toBe('Three wrong codes per PIN end the request.')
  })
})

describe('a live request whose events went out on schedule', () => {
  it('places the call between at its time and renews the PIN with the third event (workflow 1)', () => {
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 305, [10, 20]), started())
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(125), at(305)])
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, true])
    expect(model.attemptsLeft).toBe(3)
    expect(model.pinExpiresAt).toBe(at(605))
  })

  it('keeps the PIN of the SMS for the first call (workflow 1, 130 s)', () => {
    const model = fromSearch('live', answer(['sms', 'tts'], 125, [10, 20]), started())
    expect(model.events.map((e) => e.newPin)).toEqual([true, false])
    expect(model.attemptsLeft).toBe(1)
    expect(model.pinExpiresAt).toBe(at(300))
    expect(model.nextEventAt).toBe(at(305))
  })

  it('shows the call between near its time when the API reports the last one a little late', () => {
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 310, [10, 20]), started())
    const between = model.events[1]?.at ?? null
    expect(between).toBeGreaterThanOrEqual(at(125))
    expect(between).toBeLessThanOrEqual(at(130))
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, true])
    expect(model.attemptsLeft).toBe(3)
    expect(model.pinExpiresAt).toBe(at(610))
  })

  it('renews the PIN with the event reported a second after its expiry (pin_expiry 240, next_event_wait 120)', () => {
    // The API's dates have whole seconds: reported 241 s after the SMS, the third event went out
    // more than 240 s after it, once the PIN had expired.
    const entry = started({ pin_expiry: '240', next_event_wait: '120' })
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 241, [10]), entry)
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(120), at(241)])
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, true])
    expect(model.attemptsLeft).toBe(3)
    // The new PIN lasts until the request ends, 120 s after the last event.
    expect(model.pinExpiresAt).toBe(at(241 + 120))
  })

  it('leaves the renewal open for the event reported on the second of the expiry', () => {
    // Reported 240 s after the SMS: on schedule it renewed the PIN, but sent elsewhere in the
    // second before it was due (still dated 240 s) it resent the PIN about to expire.
    const entry = started({ pin_expiry: '240', next_event_wait: '120' })
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 240, [10]), entry)
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(120), at(240)])
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, null])
    expect(model.attemptsLeft).toBeNull()
    expect(model.pinExpiresAt).toBeNull()
  })
})

describe('the sandbox view of the same request', () => {
  it('takes the attempts, the PIN and the times from the sandbox itself', () => {
    const model = fromAdmin(
      admin({
        attempts_left: 1,
        pin_generated_at: iso(at(0)),
        expires_at: iso(at(314)),
        events: [
          { id: 'e1', type: 'sms', index: 0, sent_at: iso(at(0)), new_pin: true, price: '0.03' },
          { id: 'e2', type: 'tts', index: 1, sent_at: iso(at(11)), new_pin: false, price: '0.03' },
          { id: 'e3', type: 'tts', index: 2, sent_at: iso(at(14)), new_pin: false, price: '0.03' },
        ],
      }),
    )
    expect(model.events.map((e) => [e.at, e.newPin])).toEqual([
      [at(0), true],
      [at(11), false],
      [at(14), false],
    ])
    expect(model.attemptsLeft).toBe(1)
    expect(model.pinExpiresAt).toBe(at(300))
  })
})
