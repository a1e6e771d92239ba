/**
 * A live request's dates are on the API's clock; the page's countdowns run on this browser's. How
 * far the two are apart is read from the request's own calls: the API's dates against when this
 * browser sent the start and got the reads.
 */
import { describe, expect, it } from 'vitest'
import { apiClockOffset, attemptsLeft, type LoggedCall } from '@/utils/request-state'

const ID = 'f'.repeat(32)
const OTHER = '1'.repeat(32)
/** This browser's clock: the start is sent at B0. */
const B0 = Date.parse('2026-03-04T05:06:07.250Z')
/** The API's `YYYY-MM-DD HH:MM:SS` of epoch ms `ms` (whole seconds, rounded down). */
const api = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')

function call(patch: Partial<LoggedCall>): LoggedCall {
  return {
    key: String(Math.random()),
    method: 'GET',
    path: 'live/verify/search/json',
    startedAt: B0,
    durationMs: 200,
    httpStatus: 200,
    response: null,
    error: null,
    ...patch,
  }
}

const start = (id = ID) =>
  call({ method: 'POST', path: 'live/verify/json', response: { request_id: id, status: '0' } })

/** A search sent `after` ms after the start, answering the request as the API dates it. */
function search(after: number, dates: { submitted: number; lastEvent?: number }, id = ID) {
  return call({
    startedAt: B0 + after,
    durationMs: 300,
    response: {
      request_id: id,
      status: 'IN PROGRESS',
      date_submitted: api(dates.submitted),
      first_event_date: api(dates.submitted),
      last_event_date: api(dates.lastEvent ?? dates.submitted),
      date_finalized: '',
      checks: [],
      events: [],
    },
  })
}

describe('apiClockOffset: how far the API clock runs ahead of this browser', () => {
  it('reads 90 s ahead from the submission date of a start sent from here', () => {
    // Submitted 100 ms into the start call, on a clock 90 s ahead.
    const offset = apiClockOffset([search(5_000, { submitted: B0 + 100 + 90_000 }), start()], ID)
    // The date has whole seconds and the call took 200 ms: known to within them.
    expect(offset).toBeGreaterThanOrEqual(89_000)
    expect(offset).toBeLessThanOrEqual(91_000)
  })

  it('reads a clock 2 min behind from the same', () => {
    const offset = apiClockOffset([search(5_000, { submitted: B0 + 100 - 120_000 }), start()], ID)
    expect(offset).toBeGreaterThanOrEqual(-121_000)
    expect(offset).toBeLessThanOrEqual(-119_000)
  })

  it('says none when the clocks agree within what the calls can tell', () => {
    expect(apiClockOffset([search(5_000, { submitted: B0 + 100 }), start()], ID)).toBe(0)
  })

  it('a request started elsewhere: a date later than the read was answered shows the API ahead', () => {
    // Looked up: the last event is dated 40 s after this browser got the answer.
    const read = search(5_000, { submitted: B0, lastEvent: B0 + 5_300 + 40_000 })
    // At least that far (less the date's whole second): how much further is not known.
    expect(apiClockOffset([read], ID)).toBeGreaterThanOrEqual(39_000)
    expect(apiClockOffset([read], ID)).toBeLessThanOrEqual(40_000)
    // Dates in the past tell nothing of a clock behind.
    expect(apiClockOffset([search(5_000, { submitted: B0 - 60_000 })], ID)).toBe(0)
  })

  it("reads only this request's start and reads", () => {
    const calls = [search(5_000, { submitted: B0 + 90_000 }, OTHER), start(OTHER)]
    expect(apiClockOffset(calls, ID)).toBe(0)
  })
})

describe('attemptsLeft: a wrong code dated in the same second as the PIN', () => {
  it('counts it against that PIN: at worst one attempt fewer is said, never one more', () => {
    const pinAt = Date.parse('2026-03-04T05:10:07Z')
    const checks = [
      { status: 'INVALID' as const, at: pinAt - 1_000 },
      { status: 'INVALID' as const, at: pinAt },
    ]
    expect(attemptsLeft(checks, pinAt)).toBe(2)
  })
})
