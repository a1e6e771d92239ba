/**
 * Whether a message or call renewed the PIN, read from a search answer whose dates have whole
 * seconds, at the second of the PIN's expiry: the sandbox engine renews the PIN of an event sent
 * once `pin_expiry` has passed since the PIN went out (to the millisecond), so an event due at the
 * expiry renews it, and one another application triggered in the second before does not, with
 * the same dates. The page says which only where the dates tell.
 */
import { describe, expect, it } from 'vitest'
import { emptyEntry, type HistoryEntry, type SearchedRequest } from '@/utils/history-entry'
import { fromSearch } from '@/utils/request-model'
import { fakeEngine } from '../sandbox/support'

/** Workflow 1, next_event_wait 60, pin_expiry 120: the third event is due at the PIN's expiry. */
const PARAMS = { workflow_id: '1', next_event_wait: '60', pin_expiry: '120' }

/**
 * A request started 0.5 s after a whole second, then the clock moved to `triggerAt` s after the
 * start (another application triggering the next event there when given), then to `searchAt`.
 */
function run(triggerAt: number | null, searchAt: number) {
  const sandbox = fakeEngine()
  sandbox.advance(0.5)
  const id = sandbox.start(PARAMS)
  if (triggerAt !== null) {
    sandbox.advance(triggerAt)
    const answer = sandbox.call('control', { request_id: id, cmd: 'trigger_next_event' })
    expect(answer.status, 'the trigger was taken').toBe('0')
  }
  sandbox.advance(searchAt - sandbox.elapsed + 0.5)
  const truth = sandbox.engine.adminView(sandbox.engine.getRequest(id)!)
  const search = sandbox.call('search', { request_id: id }) as unknown as SearchedRequest
  const entry: HistoryEntry = { ...emptyEntry(id, 0, 'live'), source: 'started', params: PARAMS }
  return { truth, search, model: fromSearch('live', search, entry) }
}

describe('an event dated on the second of the PIN expiry', () => {
  it('leaves the renewal open: on schedule it renewed the PIN, triggered 0.5 s early it did not', () => {
    const onSchedule = run(null, 121)
    const early = run(119.5, 121)
    expect(onSchedule.truth.events.map((e) => e.new_pin)).toEqual([true, false, true])
    expect(early.truth.events.map((e) => e.new_pin)).toEqual([true, false, false])
    // The same answer: the first event dated 0 s, the last 120 s after it.
    expect(early.search).toEqual(onSchedule.search)
    expect(onSchedule.model.events.map((e) => e.newPin)).toEqual([true, false, null])
    expect(onSchedule.model.pinExpiresAt).toBeNull()
  })
})
