/**
 * Two clocks: the API dates a request by its own clock (`date_submitted`: the sandbox's, moved by
 * its clock controls, or Vonage's, which a browser may lag or lead), while answers are ordered by
 * when this browser sent the call. A request first seen through a search must be ordered on the
 * browser's clock, whatever the API says of its submission, or later answers are taken for older.
 */
import { describe, expect, it } from 'vitest'
import type { SearchStatus, VerificationRequest } from '@contract/types'
import {
  applyPatch,
  mergeEntries,
  observedPatch,
  patchFromAction,
  patchFromSearch,
  type HistoryEntry,
} from '@/utils/history-entry'

const ID = 'a'.repeat(32)
/** The browser's time when the request is looked up. */
const NOW = Date.UTC(2026, 10, 26, 13, 42, 0)

function apiDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
}

/** A search answer whose dates are the upstream's clock: `offsetMs` from the browser's. */
function answer(status: SearchStatus, offsetMs: number): VerificationRequest {
  const submitted = apiDate(NOW + offsetMs - 5_000)
  return {
    request_id: ID,
    account_id: 'abcd1234',
    number: '447700900000',
    sender_id: 'Acme',
    date_submitted: submitted,
    date_finalized: status === 'IN PROGRESS' ? '' : apiDate(NOW + offsetMs),
    checks: [],
    first_event_date: submitted,
    last_event_date: submitted,
    price: '0.10000000',
    currency: 'EUR',
    status,
    estimated_price_messages_sent: '0.03330000',
    events: [{ type: 'sms', id: 'e1' }],
  }
}

/**
 * What history does with a search answer (as its store does): a new id is added as looked up with
 * the API's submission date, a known one keeps its own; the answer, sent at `sentAt`, may not undo
 * what is newer; the write happens at `now`.
 */
function observe(
  base: HistoryEntry | undefined,
  found: VerificationRequest,
  sentAt: number,
  now: number,
): HistoryEntry {
  const patch = patchFromSearch('sandbox', found, now)
  if (base) delete patch.createdAt
  else patch.source = 'looked-up'
  return applyPatch(base, observedPatch(base, patch, sentAt), now)
}

describe.each([
  ['ahead of', 300_000],
  ['ahead of (a minute)', 60_000],
  ['behind', -300_000],
])('a looked-up request when the upstream clock is %s the browser', (_, offset) => {
  it('shows the upstream submission time but orders answers on the browser clock', () => {
    const looked = observe(undefined, answer('IN PROGRESS', offset), NOW - 150, NOW)
    expect(looked.createdAt).toBe(NOW + offset - 5_000)
    expect(looked.lastSearch?.dateSubmitted).toBe(apiDate(NOW + offset - 5_000))
    expect(looked.lastActivityAt).toBe(NOW)
    // The write time is the browser's too (it orders copies of the entry).
    expect(looked.updatedAt).toBeGreaterThanOrEqual(NOW)
    expect(looked.updatedAt).toBeLessThan(NOW + 1_000)
    expect(looked.status).toBe('IN PROGRESS')
  })

  it('takes the next background answer (2 s later) that says it succeeded', () => {
    const looked = observe(undefined, answer('IN PROGRESS', offset), NOW - 150, NOW)
    const polled = observe(looked, answer('SUCCESS', offset), NOW + 2_000, NOW + 2_100)
    expect(polled.status).toBe('SUCCESS')
    expect(polled.lastSearch?.dateFinalized).toBe(apiDate(NOW + offset))
    // The submission time shown stays the API's.
    expect(polled.createdAt).toBe(NOW + offset - 5_000)
  })

  it('still ignores an answer sent before a later check on the request', () => {
    const looked = observe(undefined, answer('IN PROGRESS', offset), NOW - 150, NOW)
    const checked = applyPatch(
      looked,
      patchFromAction(looked, {
        request_id: ID,
        at: NOW + 1_000,
        status: 'SUCCESS',
        check: { code: '1234', status: 'VALID' },
      }),
      NOW + 1_000,
    )
    // A search sent before the check, answered after it: it knows nothing of the check.
    const late = observe(checked, answer('IN PROGRESS', offset), NOW + 500, NOW + 1_200)
    expect(late.status).toBe('SUCCESS')
    expect(late.lastActivityAt).toBe(NOW + 1_000)
  })
})

describe('an entry added from the sandbox handset with the sandbox clock moved', () => {
  it('counts its activity from when it was added, not from its submission time', () => {
    const added = applyPatch(
      undefined,
      {
        request_id: ID,
        environment: 'sandbox',
        status: 'IN PROGRESS',
        createdAt: NOW + 300_000,
        source: 'handset',
      },
      NOW,
    )
    expect(added.createdAt).toBe(NOW + 300_000)
    expect(added.lastActivityAt).toBe(NOW)
    const polled = observe(added, answer('SUCCESS', 300_000), NOW + 2_000, NOW + 2_100)
    expect(polled.status).toBe('SUCCESS')
  })
})

describe('a stored or imported entry whose last activity is later than the browser clock', () => {
  // An entry written by an earlier version (activity = the API's submission time), or imported
  // from a machine whose clock is ahead.
  const stored: HistoryEntry = {
    ...observe(undefined, answer('IN PROGRESS', 300_000), NOW - 150, NOW),
    lastActivityAt: NOW + 295_000,
    updatedAt: NOW + 295_001,
  }

  it('is brought back to the browser clock by the next write, so the answer after is taken', () => {
    const first = observe(stored, answer('IN PROGRESS', 300_000), NOW + 2_000, NOW + 2_100)
    expect(first.lastActivityAt).toBe(NOW + 2_100)
    const second = observe(first, answer('SUCCESS', 300_000), NOW + 4_000, NOW + 4_100)
    expect(second.status).toBe('SUCCESS')
  })

  it('does not carry the future time over when two copies meet and one is written', () => {
    const other = { ...stored, lastActivityAt: NOW - 10_000, updatedAt: NOW + 300_000 }
    const merged = mergeEntries(stored, other)
    const written = applyPatch(merged, { request_id: ID, brand: 'Acme' }, NOW + 1_000)
    expect(written.lastActivityAt).toBe(NOW + 1_000)
  })
})
