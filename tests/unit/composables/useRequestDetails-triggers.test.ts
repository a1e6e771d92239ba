/**
 * A live request's page places a message or call between the first and the last at the time this
 * dashboard's own trigger_next_event went out: search tells no time for it, the call log does.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { effectScope, type EffectScope } from 'vue'
import { searchRequests } from '@/api/verify'
import type { ApiCall } from '@/api/client'
import { useCallsStore } from '@/stores/calls'
import { useRequestDetails } from '@/composables/useRequestDetails'
import { freshHistoryEnvironment, searchedRequest } from '../stores/history-support'
import { eventually } from '../../support/eventually'

vi.mock('@/api/verify', async (original) => ({
  ...(await original<typeof import('@/api/verify')>()),
  searchRequests: vi.fn(),
}))

const ID = 'c'.repeat(32)
const T0 = Date.UTC(2026, 10, 26, 9, 0, 0)
const at = (s: number) => T0 + s * 1000
/** The API's `YYYY-MM-DD HH:MM:SS` for `s` seconds after T0. */
const api = (s: number) => new Date(at(s)).toISOString().slice(0, 19).replace('T', ' ')

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
})
afterEach(() => scope.stop())

describe('a live request whose calls were triggered from this dashboard', () => {
  // Workflow 1: the SMS at 0 s, both calls triggered at 11 s and 14 s (before any PIN can expire):
  // search lists three events with the times of the first and the last only.
  it('shows the first call at the time its trigger went out, and the PIN it sent again', async () => {
    vi.mocked(searchRequests).mockResolvedValue({
      kind: 'found',
      requests: [
        searchedRequest(api(0), {
          request_id: ID,
          events: [
            { type: 'sms', id: 'e1' },
            { type: 'tts', id: 'e2' },
            { type: 'tts', id: 'e3' },
          ],
          first_event_date: api(0),
          last_event_date: api(14),
        }),
      ],
      missing: [],
    })
    const calls = useCallsStore()
    calls.record(trigger(11, 1))
    calls.record(trigger(14, 2))
    const details = scope.run(() => useRequestDetails(ID, { environment: 'live' }))!
    await eventually(() => expect(details.model.value?.events).toHaveLength(3))
    const events = details.model.value!.events
    expect(events.map((e) => e.at)).toEqual([at(0), at(11) + 100, at(14)])
    expect(events.map((e) => e.newPin)).toEqual([true, false, false])
    // Not in this browser's history: its pin_expiry is not known, so neither is when the PIN expires.
    expect(details.model.value!.pinExpiresAt).toBeNull()
  })
})
