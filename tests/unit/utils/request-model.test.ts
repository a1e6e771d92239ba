import { describe, expect, it } from 'vitest'
import { emptyEntry, type HistoryEntry } from '@/utils/history-entry'
import { fromAdmin, fromSearch } from '@/utils/request-model'
import { searchedRequest } from '../stores/history-support'
import { admin, iso, LONG_WAIT, T0 } from './admin-request-support'

/** What search answers for the request of these tests, its first SMS sent at the start. */
const search = searchedRequest('2026-01-02 03:04:05', {
  request_id: 'r'.repeat(32),
  account_id: 'a',
  number: '447700900123',
  events: [{ type: 'sms', id: 'e1' }],
})

function sentWith(params: Record<string, string>): HistoryEntry {
  return { ...emptyEntry(search.request_id, T0, 'live'), source: 'started', params }
}

describe('pinExpiresAt: the PIN is never usable after the request expires', () => {
  it("takes the request's expiry from the sandbox when it comes first (workflow 4, pin_expiry 3600)", () => {
    const model = fromAdmin(
      admin({
        workflow_id: 4,
        pin_expiry: 3600,
        next_event_at: iso(T0 + 120_000),
        expires_at: iso(T0 + 300_000),
      }),
    )
    expect(model.expiresAt).toBe(T0 + 300_000)
    expect(model.pinExpiresAt).toBe(T0 + 300_000)
  })
  it("keeps the PIN's own expiry when it comes first (workflow 2, next_event_wait 900)", () => {
    const model = fromAdmin(LONG_WAIT)
    expect(model.pinExpiresAt).toBe(T0 + 300_000)
  })
  it('bounds the estimate by the estimated request expiry (workflow 5 600/200, workflow 3 60)', () => {
    const five = fromSearch(
      'live',
      search,
      sentWith({ workflow_id: '5', pin_expiry: '600', next_event_wait: '200' }),
    )
    expect(five.expiresAt).toBe(T0 + 400_000)
    expect(five.pinExpiresAt).toBe(T0 + 400_000)
    const three = fromSearch(
      'live',
      { ...search, events: [{ type: 'tts', id: 'e1' }] },
      sentWith({ workflow_id: '3', next_event_wait: '60' }),
    )
    expect(three.expiresAt).toBe(T0 + 120_000)
    expect(three.pinExpiresAt).toBe(T0 + 120_000)
  })
})
