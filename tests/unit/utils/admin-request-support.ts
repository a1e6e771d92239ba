/** A sandbox admin view of a request, as the tests of the request page's model start from. */
import type { AdminRequest } from '@contract/admin'

export const T0 = Date.parse('2026-01-02T03:04:05Z')
export const iso = (ms: number) => new Date(ms).toISOString()

export function admin(patch: Partial<AdminRequest>): AdminRequest {
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

/**
 * Workflow 2 with next_event_wait=900 and no pin_expiry, its first SMS sent at `sentAt`: the PIN
 * expires 300 s later, the next SMS (with a new PIN) goes out at 900 s, the request expires at
 * 2700 s.
 */
export const longWait = (sentAt: number): Partial<AdminRequest> => ({
  workflow_id: 2,
  next_event_wait: 900,
  next_event_at: iso(sentAt + 900_000),
  expires_at: iso(sentAt + 2_700_000),
})

/** The request of `longWait`, its first SMS sent at T0. */
export const LONG_WAIT = admin(longWait(T0))
