import { describe, expect, it } from 'vitest'
import {
  applyPatch,
  patchFromAction,
  patchFromSearch,
  type SearchedRequest,
} from '@/utils/history-entry'
import { statusTitle } from '@/utils/history-status'
import { entry, requestId } from '../stores/history-support'

const NOW = Date.UTC(2026, 10, 26, 9, 0, 0)

function searched(status: string): SearchedRequest {
  return {
    request_id: requestId(1),
    account_id: 'abcdef01',
    number: '447700900001',
    sender_id: 'verify',
    date_submitted: '2026-11-26 08:59:00',
    date_finalized: '',
    checks: [],
    first_event_date: '2026-11-26 08:59:00',
    last_event_date: '2026-11-26 08:59:00',
    price: '0',
    currency: 'EUR',
    status,
    estimated_price_messages_sent: '0.03',
    events: [],
  }
}

/** A request in progress in history that search then answered with `status`. */
function foundWith(status: string) {
  const started = entry(1, { status: 'IN PROGRESS', createdAt: NOW - 60_000 })
  return applyPatch(started, patchFromSearch('sandbox', searched(status), NOW), NOW)
}

describe('statusTitle: a history entry status in words', () => {
  it.each([
    ['IN PROGRESS', 'In progress'],
    ['SUCCESS', 'Verified'],
    ['FAILED', 'Failed'],
    ['EXPIRED', 'Expired'],
    ['CANCELLED', 'Cancelled'],
  ] as const)('a known status, %s, is its title: %s', (status, title) => {
    expect(statusTitle(entry(1, { status }))).toBe(title)
  })

  it('a request search has not found is "Unknown"', () => {
    expect(statusTitle(entry(1, { status: 'UNKNOWN' }))).toBe('Unknown')
  })

  it('a status search answered that this dashboard does not know is shown as written', () => {
    expect(statusTitle(foundWith('BLOCKED'))).toBe('BLOCKED')
    expect(statusTitle(foundWith('in_progress'))).toBe('in_progress')
  })

  it('a status search answered in other letter case is the known one', () => {
    expect(statusTitle(foundWith(' in progress '))).toBe('In progress')
  })

  it('an empty status search answered is "Unknown", not an empty label', () => {
    expect(statusTitle(foundWith(''))).toBe('Unknown')
  })

  it('once a later action ends the request, its title replaces the status search wrote', () => {
    const blocked = foundWith('BLOCKED')
    const cancelled = applyPatch(
      blocked,
      patchFromAction(blocked, { request_id: requestId(1), at: NOW + 1000, status: 'CANCELLED' }),
      NOW + 1000,
    )
    expect(statusTitle(cancelled)).toBe('Cancelled')
  })
})
