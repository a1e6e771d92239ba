import { describe, expect, it } from 'vitest'
import type { AdminRequest } from '@contract/admin'
import type { SearchedRequest } from '@/utils/history-entry'
import { emptyEntry, type HistoryEntry } from '@/utils/history-entry'
import { fromAdmin, fromSearch } from '@/utils/request-model'

const T0 = Date.parse('2026-01-02T03:04:05Z')
const iso = (ms: number) => new Date(ms).toISOString()

function admin(patch: Partial<AdminRequest>): AdminRequest {
  return {
    request_id: 'r'.repeat(32),
    account_id: 'sandbox',
    kind: 'request',
    number: '447700900123',
    normalized_number: '447700900123',
    country: '',
    brand: 'Acme',
    sender_id: '',
    payee: '',
    amount: '',
    lg: 'en-gb',
    workflow_id: 1,
    code_length: 4,
    pin_expiry: 300,
    next_event_wait: null,
    pin: '2172',
    pin_generated_at: iso(T0),
    attempts_left: 3,
    status: 'IN PROGRESS',
    date_submitted: '2026-01-02 03:04:05',
    date_finalized: '',
    submitted_at: iso(T0),
    finalized_at: null,
    next_event_at: null,
    expires_at: null,
    events: [{ id: 'e1', type: 'sms', index: 0, sent_at: iso(T0), new_pin: true, price: '0.03' }],
    checks: [],
    price: '0',
    currency: 'EUR',
    estimated_price_messages_sent: '0.03',
    ...patch,
  }
}

const search: SearchedRequest = {
  request_id: 'r'.repeat(32),
  account_id: 'a',
  number: '447700900123',
  sender_id: 'verify',
  date_submitted: '2026-01-02 03:04:05',
  date_finalized: '',
  checks: [],
  first_event_date: '2026-01-02 03:04:05',
  last_event_date: '2026-01-02 03:04:05',
  price: '0',
  currency: 'EUR',
  status: 'IN PROGRESS',
  estimated_price_messages_sent: '0.03',
  events: [{ type: 'sms', id: 'e1' }],
}

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
    const model = fromAdmin(
      admin({
        workflow_id: 2,
        next_event_wait: 900,
        next_event_at: iso(T0 + 900_000),
        expires_at: iso(T0 + 2_700_000),
      }),
    )
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
