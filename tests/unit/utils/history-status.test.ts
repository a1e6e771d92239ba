import { describe, expect, it } from 'vitest'
import { applyPatch, gonePatch, patchFromAction } from '@/utils/history-entry'
import { statusTitle } from '@/utils/history-status'
import { entry, foundWith, requestId } from '../stores/history-support'

const NOW = Date.UTC(2026, 10, 26, 9, 0, 0)

/** Request 1 in history once search answered `status`. */
const found = (status: string) => foundWith(1, status, NOW)

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

  it('a request search has not found is "Not found", as the history filter names it', () => {
    expect(statusTitle(entry(1, { status: 'UNKNOWN' }))).toBe('Not found')
  })

  it('a request search found once and no longer finds (a sandbox reset) is "Not found" too', () => {
    const before = found('IN PROGRESS')
    const gone = applyPatch(
      before,
      gonePatch(before, 'The sandbox was reset.', NOW + 1000),
      NOW + 1000,
    )
    expect(statusTitle(gone)).toBe('Not found')
  })

  it('a status search answered that this dashboard does not know is shown as written', () => {
    expect(statusTitle(found('BLOCKED'))).toBe('BLOCKED')
    expect(statusTitle(found('in_progress'))).toBe('in_progress')
  })

  it('a status search answered in other letter case is the known one', () => {
    expect(statusTitle(found(' in progress '))).toBe('In progress')
  })

  it('an empty status search answered is "Unknown", not an empty label', () => {
    expect(statusTitle(found(''))).toBe('Unknown')
  })

  it('once a later action ends the request, its title replaces the status search wrote', () => {
    const blocked = found('BLOCKED')
    const cancelled = applyPatch(
      blocked,
      patchFromAction(blocked, { request_id: requestId(1), at: NOW + 1000, status: 'CANCELLED' }),
      NOW + 1000,
    )
    expect(statusTitle(cancelled)).toBe('Cancelled')
  })
})
