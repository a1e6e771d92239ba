/**
 * A live request's dates are on the API's clock: where its own calls show that clock ahead of this
 * browser's, the page's `now` and the times its triggers sent events are on the API's clock too.
 *
 * `now` ticks every second on this browser's clock: here a fake one (the date and the tick), moved
 * only while the test waits, so a busy machine never leaves the tick more than a second behind.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { effectScope, type EffectScope } from 'vue'
import { searchRequests } from '@/api/verify'
import type { ApiCall } from '@/api/client'
import { useCallsStore } from '@/stores/calls'
import { useRequestDetails } from '@/composables/useRequestDetails'
import { freshHistoryEnvironment, searchedRequest } from '../stores/history-support'

vi.mock('@/api/verify', async (original) => ({
  ...(await original<typeof import('@/api/verify')>()),
  searchRequests: vi.fn(),
}))

const ID = 'd'.repeat(32)
const T0 = Date.UTC(2026, 10, 26, 9, 0, 0)
/** How far the API's clock runs ahead of this browser's. */
const AHEAD = 60_000
const at = (s: number) => T0 + s * 1000
/** The API's `YYYY-MM-DD HH:MM:SS` for `s` seconds after T0 on its clock. */
const api = (s: number) => new Date(at(s) + AHEAD).toISOString().slice(0, 19).replace('T', ' ')

/** This tab's start of the request, sent at T0 and answered after 200 ms. */
function start(): ApiCall {
  return {
    id: 1,
    key: 'start-1',
    method: 'POST',
    path: 'live/verify/json',
    query: {},
    body: { number: '447700900123', brand: 'Acme' },
    startedAt: at(0),
    durationMs: 200,
    httpStatus: 200,
    response: { status: '0', request_id: ID },
    error: null,
  }
}

/** This tab's trigger_next_event for the request, sent at `s` s and answered 0 after 200 ms. */
function trigger(s: number, n: number): ApiCall {
  return {
    id: n,
    key: `trigger-${n}`,
    method: 'POST',
    path: 'live/verify/control/json',
    query: {},
    body: { request_id: ID, cmd: 'trigger_next_event' },
    startedAt: at(s),
    durationMs: 200,
    httpStatus: 200,
    response: { status: '0', command: 'trigger_next_event' },
    error: null,
  }
}

let scope: EffectScope
beforeEach(() => {
  freshHistoryEnvironment()
  setActivePinia(createPinia())
  scope = effectScope()
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] })
})
afterEach(() => {
  scope.stop()
  vi.useRealTimers()
})

describe('a live request whose calls show the API clock 60 s ahead', () => {
  it('places the events its triggers sent, and its `now`, on the API clock', async () => {
    const found = searchedRequest(api(0), {
      request_id: ID,
      events: [
        { type: 'sms', id: 'e1' },
        { type: 'tts', id: 'e2' },
        { type: 'tts', id: 'e3' },
      ],
      first_event_date: api(0),
      last_event_date: api(14),
    })
    vi.mocked(searchRequests).mockResolvedValue({ kind: 'found', requests: [found], missing: [] })
    const calls = useCallsStore()
    calls.record(start())
    calls.record(trigger(11, 2))
    calls.record(trigger(14, 3))
    // The search that found it, as the call log keeps it (its dates on the API clock).
    calls.record({
      id: 4,
      key: 'search-4',
      method: 'GET',
      path: 'live/verify/search/json',
      query: { request_id: ID },
      body: null,
      startedAt: at(20),
      durationMs: 100,
      httpStatus: 200,
      response: found,
      error: null,
    })
    const details = scope.run(() => useRequestDetails(ID, { environment: 'live' }))!
    await vi.waitFor(() => expect(details.model.value?.events).toHaveLength(3), {
      timeout: 10_000,
    })
    // Submitted within the start's 200 ms on its way: the API at least 59.8 s ahead.
    const ahead = AHEAD - 200
    expect(details.apiOffset.value).toBe(ahead)
    const events = details.model.value!.events
    expect(events.map((e) => e.at)).toEqual([at(0) + AHEAD, at(11) + 100 + ahead, at(14) + AHEAD])
    expect(details.now.value - Date.now()).toBeGreaterThanOrEqual(ahead - 1000)
  })
})
