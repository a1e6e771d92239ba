/**
 * The times a live request's page shows for the messages and calls between the first and the last
 * (search gives only those two) are worked out only from what fits them: a trigger of this
 * dashboard dated before the request started is none of its events, and a last event later than
 * the assumed schedule's waits allow means those waits are not the request's.
 */
import { describe, expect, it } from 'vitest'
import { emptyEntry, type HistoryEntry, type SearchedRequest } from '@/utils/history-entry'
import { fromSearch } from '@/utils/request-model'
import { searchedRequest } from '../stores/history-support'
import { T0 } from './admin-request-support'

const ID = 'b'.repeat(32)
/** The API's `YYYY-MM-DD HH:MM:SS` for `s` seconds after T0. */
const api = (s: number) => new Date(T0 + s * 1000).toISOString().slice(0, 19).replace('T', ' ')
const at = (s: number) => T0 + s * 1000

/** What search answers: `types` sent, the first at 0 s, the last at `lastAt` s. */
function answer(types: ('sms' | 'tts')[], lastAt: number): SearchedRequest {
  return searchedRequest(api(0), {
    request_id: ID,
    events: types.map((type, i) => ({ type, id: `e${i + 1}` })),
    first_event_date: api(0),
    last_event_date: api(lastAt),
  })
}

const started = (): HistoryEntry => ({ ...emptyEntry(ID, T0, 'live'), source: 'started' })

describe('a trigger of this dashboard dated before the request started', () => {
  // Workflow 1 (SMS, 125 s, call, 180 s, call): the first call went out early, the second 180 s
  // after it. The one trigger known is dated 10 s before the SMS (a clock offset that was wrong
  // then): it tells nothing of when the first call went out.
  const search = answer(['sms', 'tts', 'tts'], 180)

  it('is ignored: the first call is not shown at the start, its time is not known', () => {
    const model = fromSearch('live', search, started(), { triggeredAt: [at(-10)] })
    expect(model.events.map((e) => e.at)).toEqual([at(0), null, at(180)])
    expect(model).toEqual(fromSearch('live', search, started()))
  })

  it('is used once dated after the start: the first call shows at it', () => {
    const model = fromSearch('live', search, started(), { triggeredAt: [at(1)] })
    expect(model.events.map((e) => e.at)).toEqual([at(0), at(1), at(180)])
  })
})

describe('a last event later than the assumed waits allow', () => {
  // Looked up, started elsewhere: workflow 1 and its default waits are assumed, but the last call
  // went out at 1000 s (the request was sent with longer waits). Nothing is known of the first
  // call's time but that it falls between the SMS and the last call.
  const model = fromSearch('live', answer(['sms', 'tts', 'tts'], 1000), emptyEntry(ID, T0, 'live'))

  it('shows no time for the call between and leaves its PIN open', () => {
    expect(model.paramsAssumed).toBe(true)
    expect(model.events.map((e) => e.at)).toEqual([at(0), null, at(1000)])
    expect(model.events.map((e) => e.newPin)).toEqual([true, null, null])
    expect(model.pinExpiresAt).toBeNull()
  })
})

describe('a call between dated by nothing but the first and the last event', () => {
  // Looked up: no waits are known and nothing was triggered here. The call between went out no
  // earlier than the SMS and no later than the last call: a time is shown only when every time in
  // those bounds is within the API's lateness (3 s) of it, in the API's whole seconds.
  const lookedUp = emptyEntry(ID, T0, 'live')
  const between = (lastAt: number) =>
    fromSearch('live', answer(['sms', 'tts', 'tts'], lastAt), lookedUp).events[1]?.at

  it('is shown at the middle of bounds 6 s apart, or less', () => {
    expect(between(6)).toBe(at(3))
    expect(between(5)).toBe(at(2))
  })

  it('is not shown once the bounds are 7 s apart: the middle may be 4 s off', () => {
    expect(between(7)).toBeNull()
  })
})
