/**
 * Whether a message or call renewed the PIN, read from a search answer whose dates have whole
 * seconds: the sandbox engine renews the PIN of an event sent once `pin_expiry` has passed since
 * the PIN went out (to the millisecond), and two events dated `k` s apart went out more than
 * `k - 1` s and less than `k + 1` s apart. So an event dated `pin_expiry` after the PIN's may have
 * renewed it or not (on schedule it did; another application triggering it in the second before
 * it was due, it did not, with the same dates), one dated a second later did, and one dated two
 * seconds earlier did not. The page says which only where the dates tell.
 */
import { describe, expect, it } from 'vitest'
import { emptyEntry, type HistoryEntry, type SearchedRequest } from '@/utils/history-entry'
import { fromSearch } from '@/utils/request-model'
import { fakeEngine } from '../sandbox/support'

/**
 * A request started with `params` at `startAt` s (after a whole second), the next event triggered
 * by another application at each of `triggers` (s), then searched at `searchAt` s.
 */
function run(
  params: Record<string, string>,
  startAt: number,
  triggers: number[],
  searchAt: number,
) {
  const sandbox = fakeEngine()
  sandbox.at(startAt)
  const id = sandbox.start(params)
  for (const t of triggers) {
    sandbox.at(t)
    const answer = sandbox.call('control', { request_id: id, cmd: 'trigger_next_event' })
    expect(answer.status, `the trigger at ${t} s was taken`).toBe('0')
  }
  sandbox.at(searchAt)
  const truth = sandbox.engine.adminView(sandbox.engine.getRequest(id)!)
  const search = sandbox.call('search', { request_id: id }) as unknown as SearchedRequest
  const entry: HistoryEntry = { ...emptyEntry(id, 0, 'live'), source: 'started', params }
  return {
    renewed: truth.events.map((e) => e.new_pin),
    dates: [search.first_event_date, search.last_event_date],
    search,
    model: fromSearch('live', search, entry),
  }
}

describe('an event due at the PIN expiry and dated on its second', () => {
  // Workflow 1, next_event_wait 60, pin_expiry 120: the third event is due at the PIN's expiry.
  const params = { workflow_id: '1', next_event_wait: '60', pin_expiry: '120' }

  it('leaves the renewal open: on schedule it renewed the PIN, triggered 0.5 s early it did not', () => {
    const onSchedule = run(params, 0.5, [], 121.5)
    const early = run(params, 0.5, [120], 121.5)
    expect(onSchedule.renewed).toEqual([true, false, true])
    expect(early.renewed).toEqual([true, false, false])
    // The same answer: the first event dated 0 s, the last 120 s after it.
    expect(early.search).toEqual(onSchedule.search)
    expect(onSchedule.model.events.map((e) => e.newPin)).toEqual([true, false, null])
    expect(onSchedule.model.pinExpiresAt).toBeNull()
  })
})

describe('an event sent elsewhere, off the schedule, near the PIN expiry', () => {
  // Workflow 2, next_event_wait 900 (PIN 300 s): the second SMS, due at 900 s, was triggered by
  // another application; its time is known from the dates alone.
  const params = { workflow_id: '2', next_event_wait: '900' }
  const newPins = (r: ReturnType<typeof run>) => r.model.events.map((e) => e.newPin)

  it('dated 300 s after the first: not known (299.7 s or 300.5 s apart, the same dates)', () => {
    const before = run(params, 0.5, [300.2], 301)
    const after = run(params, 0, [300.5], 301)
    expect(before.renewed).toEqual([true, false])
    expect(after.renewed).toEqual([true, true])
    expect(before.dates).toEqual(after.dates)
    expect(newPins(before)).toEqual([true, null])
    expect(newPins(after)).toEqual([true, null])
    expect(after.model.pinExpiresAt).toBeNull()
  })

  it('dated 301 s after the first: renewed, even 300.1 s apart', () => {
    const late = run(params, 0.9, [301], 302)
    expect(late.renewed).toEqual([true, true])
    expect(newPins(late)).toEqual([true, true])
    expect(late.model.pinExpiresAt).toBe(
      Date.parse(`${late.dates[1]?.replace(' ', 'T')}Z`) + 300_000,
    )
  })

  it('dated 298 s after the first: not renewed, even 298.9 s apart', () => {
    const early = run(params, 0, [298.9], 300)
    expect(early.renewed).toEqual([true, false])
    expect(newPins(early)).toEqual([true, false])
  })
})
