/**
 * What a live request's page says of the messages and calls between the first and the last (search
 * gives the times of those two only) rests on what the answer confirms: an event placed on the
 * workflow's schedule before a trigger of this dashboard is not confirmed by anything (someone
 * else may have triggered it earlier), an event a few seconds off the schedule leaves a PIN
 * renewal at the edge of `pin_expiry` open, and a looked-up request's assumed waits place nothing.
 */
import { describe, expect, it } from 'vitest'
import { emptyEntry, type HistoryEntry, type SearchedRequest } from '@/utils/history-entry'
import { fromSearch } from '@/utils/request-model'
import { searchedRequest } from '../stores/history-support'
import { T0 } from './admin-request-support'

const ID = 'd'.repeat(32)
/** The API's `YYYY-MM-DD HH:MM:SS` for `s` seconds after T0. */
const api = (s: number) => new Date(T0 + s * 1000).toISOString().slice(0, 19).replace('T', ' ')
const at = (s: number) => T0 + s * 1000

/** What search answers: `types` sent, the first at 0 s, the last at `lastAt` s; wrong codes. */
function answer(types: ('sms' | 'tts')[], lastAt: number, wrongAt: number[] = []): SearchedRequest {
  return searchedRequest(api(0), {
    request_id: ID,
    events: types.map((type, i) => ({ type, id: `e${i + 1}` })),
    first_event_date: api(0),
    last_event_date: api(lastAt),
    checks: wrongAt.map((s) => ({
      code: '$CODE',
      status: 'INVALID' as const,
      date_received: api(s),
      ip_address: '',
    })),
  })
}

const started = (params: Record<string, string> = {}): HistoryEntry => ({
  ...emptyEntry(ID, T0, 'live'),
  source: 'started',
  params,
})
const lookedUp = (): HistoryEntry => emptyEntry(ID, T0, 'live')

describe('an event sent by someone else before one this dashboard triggered', () => {
  // Workflow 1 (SMS, 125 s, call, 180 s, call; PIN 300 s). Another application triggered the first
  // call at 50 s; this dashboard triggered the second at 200 s (before its 230 s). Search answers
  // the same as if the first call had gone out on schedule at 125 s.
  const search = answer(['sms', 'tts', 'tts'], 200)

  it('gives the first call no time: it went out between the SMS and 125 s, not known when', () => {
    const model = fromSearch('live', search, started(), { triggeredAt: [at(200)] })
    expect(model.events.map((e) => e.at)).toEqual([at(0), null, at(200)])
    // Wherever it went out in those bounds, the PIN of the SMS had not expired.
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, false])
    expect(model.pinExpiresAt).toBe(at(300))
    // Triggered here at 10 s instead, the first call is placed: the second went out 180 s after it,
    // as due, which the last event's time confirms.
    const confirmed = fromSearch('live', answer(['sms', 'tts', 'tts'], 190), started(), {
      triggeredAt: [at(10)],
    })
    expect(confirmed.events.map((e) => e.at)).toEqual([at(0), at(10), at(190)])
  })

  it('leaves a new PIN open where the bounds straddle the PIN expiry (pin_expiry 120)', () => {
    // With pin_expiry 120 the first call at 50 s resent the PIN and the second, at 200 s, brought
    // a new one; on schedule the first call (125 s) would have brought it instead.
    const model = fromSearch('live', search, started({ pin_expiry: '120' }), {
      triggeredAt: [at(200)],
    })
    expect(model.events.map((e) => e.newPin)).toEqual([true, null, null])
    expect(model.pinExpiresAt).toBeNull()
  })
})

describe('an event a little off the schedule at the edge of the PIN expiry', () => {
  // pin_expiry 240, next_event_wait 120: on schedule the third event, at 240 s, brings a new PIN
  // (the SMS's has just expired). Triggered elsewhere 2 s early (238 s), it resends the old one;
  // triggered elsewhere less than a second early, it is dated 240 s all the same.
  const entry = started({ pin_expiry: '240', next_event_wait: '120' })

  it('says the third event brought a new PIN once reported late, not when 2 s early', () => {
    // Dated 240 s after the SMS: sent on schedule or in the second before, not known.
    const onTheSecond = fromSearch('live', answer(['sms', 'tts', 'tts'], 240, [10]), entry)
    expect(onTheSecond.events.map((e) => e.newPin)).toEqual([true, false, null])
    expect(onTheSecond.pinExpiresAt).toBeNull()
    expect(onTheSecond.attemptsLeft).toBeNull()
    // Dated 238 s after it: less than 239 s apart, the PIN of the SMS had not expired.
    const early = fromSearch('live', answer(['sms', 'tts', 'tts'], 238, [10]), entry)
    expect(early.events.map((e) => e.newPin)).toEqual([true, false, false])
    expect(early.attemptsLeft).toBe(2)
    expect(early.pinExpiresAt).toBe(at(240))
    for (const lastAt of [241, 242]) {
      const model = fromSearch('live', answer(['sms', 'tts', 'tts'], lastAt, [10]), entry)
      expect(
        model.events.map((e) => e.newPin),
        `last at ${lastAt} s`,
      ).toEqual([true, false, true])
      expect(model.attemptsLeft, `last at ${lastAt} s`).toBe(3)
    }
    // With pin_expiry 480 nothing at 120 s or 238 s is near an expiry: the PIN was resent.
    const far = fromSearch(
      'live',
      answer(['sms', 'tts', 'tts'], 238, [10]),
      started({ pin_expiry: '480', next_event_wait: '120' }),
    )
    expect(far.events.map((e) => e.newPin)).toEqual([true, false, false])
    expect(far.attemptsLeft).toBe(2)
  })
})

describe('an event between due at the PIN expiry, the last reported a second late', () => {
  it('renewed the PIN: a late last event leaves the events before it no earlier', () => {
    // pin_expiry 60, next_event_wait 60 (workflow 1): the first call is due at the SMS's PIN
    // expiry, the second at the first call's. The second is dated 121 s: late by up to 2 s, not
    // early, so neither call went out before the PIN it replaced had expired.
    const entry = started({ pin_expiry: '60', next_event_wait: '60' })
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 121), entry)
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(60), at(121)])
    expect(model.events.map((e) => e.newPin)).toEqual([true, true, true])
  })
})

describe('how far off the schedule the last event may be and still confirm it', () => {
  it('3 s late, the most allowed: the call between is placed on its time', () => {
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 308), started())
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(125), at(308)])
  })

  it('5 s early: not on schedule, and an event at 235 s brought no new PIN lasting 240 s', () => {
    const entry = started({ pin_expiry: '240', next_event_wait: '120' })
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 235, [10]), entry)
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, false])
    expect(model.attemptsLeft).toBe(2)
  })
})

describe("a trigger's time is this browser's estimate", () => {
  it('1 s after the PIN expiry: the API dates the SMS it sent, which brought a new PIN', () => {
    // Workflow 2, next_event_wait 900 (PIN 300 s): the call that triggered the second SMS was
    // out from 299.5 s to 302.5 s; its middle, 301 s, may be 1.5 s after the event, but the API
    // dates the SMS 301 s after the first: more than 300 s after it.
    const model = fromSearch(
      'live',
      answer(['sms', 'sms'], 301),
      started({ workflow_id: '2', next_event_wait: '900' }),
      { triggeredAt: [at(301)] },
    )
    expect(model.events.map((e) => e.newPin)).toEqual([true, true])
    expect(model.pinExpiresAt).toBe(at(601))
  })

  it('on the second of the PIN expiry: whether the SMS it sent brought a new PIN is not known', () => {
    const model = fromSearch(
      'live',
      answer(['sms', 'sms'], 300),
      started({ workflow_id: '2', next_event_wait: '900' }),
      { triggeredAt: [at(300)] },
    )
    expect(model.events.map((e) => e.newPin)).toEqual([true, null])
    expect(model.pinExpiresAt).toBeNull()
  })
})

describe('the first and the last event dated by the API', () => {
  it('tell a renewal that the time of a trigger between leaves open', () => {
    // Workflow 1: the first call triggered here at about 124 s (a trigger's time may be 3 s off),
    // the last went out 180 s after it, dated 302 s: more than 301 s after the SMS, once its PIN
    // had expired, wherever the first call went out.
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 302), started(), {
      triggeredAt: [at(124)],
    })
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(124), at(302)])
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, true])
    expect(model.pinExpiresAt).toBe(at(302 + 300))
  })
})

describe('a looked-up request: its waits are assumed, so they place no event', () => {
  it('shows no time for a call between, even one where the assumed schedule puts it', () => {
    // Workflow 1's defaults would put the first call at 125 s; sent elsewhere with
    // next_event_wait 60 and triggered at 245 s it went out at 60 s.
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 305), lookedUp())
    expect(model.events.map((e) => e.at)).toEqual([at(0), null, at(305)])
  })

  it('shows the times this dashboard triggered', () => {
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 305), lookedUp(), {
      triggeredAt: [at(150)],
    })
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(150), at(305)])
  })
})

describe("this dashboard's triggers bound the events between", () => {
  it('every event after the first triggered here: each at its trigger, whatever the waits', () => {
    // Looked up (sent elsewhere with next_event_wait 300): both calls triggered here, at 130 s and
    // 140 s. Workflow 1's assumed 125 s would have sent the first call before the first trigger.
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 140), lookedUp(), {
      triggeredAt: [at(140), at(130)],
    })
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(130), at(140)])
  })

  it('two triggers for two calls: each call at its trigger, the first dated at or after its due time', () => {
    // Workflow 1, started here: the first call is due at 125 s. Both calls were triggered here
    // (each trigger answered 0 sent one), the first trigger's time off by a second or two: it
    // sent the first call, whatever its time says against the schedule.
    for (const first of [124, 125, 126]) {
      const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 127), started(), {
        triggeredAt: [at(first), at(127)],
      })
      expect(
        model.events.map((e) => e.at),
        `first trigger at ${first} s`,
      ).toEqual([at(0), at(first), at(127)])
    }
  })

  it('a trigger dated when the last call was due sent it: the call between went out on schedule', () => {
    // Workflow 1, started here: the last call was due 180 s after the first. A trigger answered 0
    // sent one, so the last call was not out before it (about 305 s, 3 s off at most): the first
    // call went out no earlier than 122 s, and it was due at 125 s.
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 305), started(), {
      triggeredAt: [at(305)],
    })
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(125), at(305)])
    expect(model.events.map((e) => e.newPin)).toEqual([true, false, true])
  })

  it('a trigger dated within the last event is the last one: the call between is not known', () => {
    // Looked up: the SMS at 0 s, a call at some time, the last call triggered here at 300 s.
    const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 300), lookedUp(), {
      triggeredAt: [at(300) + 400],
    })
    expect(model.events.map((e) => e.at)).toEqual([at(0), null, at(300)])
  })
})
