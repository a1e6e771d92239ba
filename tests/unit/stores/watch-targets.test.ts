/**
 * The requests live status refreshes, kept up to date from history's changes: always what a full
 * pass over history gives (same targets, same order), or a full pass is asked for.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { HistoryChange, HistoryEntry } from '@/stores/requests'
import type { HistoryStatus } from '@/utils/history-entry'
import { updateWatchTargets, watchTargets } from '@/stores/watch'
import { entry } from './history-support'

const STATUSES: HistoryStatus[] = ['IN PROGRESS', 'UNKNOWN', 'SUCCESS', 'FAILED', 'CANCELLED']

const given = fc
  .record({
    n: fc.integer({ min: 1, max: 30 }),
    status: fc.constantFrom(...STATUSES),
    searched: fc.boolean(),
    lastActivityAt: fc.integer({ min: 0, max: 9 }),
    environment: fc.constantFrom('sandbox', 'live') as fc.Arbitrary<HistoryEntry['environment']>,
  })
  .map(({ n, status, searched, lastActivityAt, environment }) =>
    entry(n, {
      status,
      lastActivityAt,
      environment,
      lastSearch: searched
        ? { at: 1, events: [], checks: [], dateFinalized: '', price: '', currency: '' }
        : null,
    } as Partial<HistoryEntry>),
  )

/** In progress, or just started and never searched. */
function watchedNow(e: HistoryEntry): boolean {
  return (
    e.status === 'IN PROGRESS' ||
    (e.status === 'UNKNOWN' && e.lastSearch === null && e.lastError === null)
  )
}

describe('updateWatchTargets', () => {
  it('equals watchTargets of history after each change, or asks for a full pass', () => {
    fc.assert(
      fc.property(fc.array(fc.array(given, { maxLength: 15 }), { maxLength: 6 }), (chunks) => {
        const byKey = new Map<string, HistoryEntry>()
        let targets = watchTargets([])
        for (const chunk of chunks) {
          const changes = new Map<string, HistoryChange>()
          for (const next of chunk) {
            const noted = changes.get(next.request_id)
            if (noted) noted.next = next
            else changes.set(next.request_id, { previous: byKey.get(next.request_id), next })
            byKey.set(next.request_id, next)
          }
          const expected = watchTargets([...byKey.values()])
          const updated = updateWatchTargets(targets, [...changes.values()])
          expect(updated ?? expected).toEqual(expected)
          // A full pass only when a request already in history starts being watched.
          const starts = [...changes.values()].some(
            (c) => c.previous !== undefined && !watchedNow(c.previous) && watchedNow(c.next),
          )
          expect(updated === null).toBe(starts)
          targets = updated ?? expected
        }
      }),
      { numRuns: 400, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
  })

  it('answers the same list when no watched entry changed (an import of finished requests)', () => {
    const watched = entry(1)
    const targets = watchTargets([watched])
    const finished = [entry(2, { status: 'SUCCESS' }), entry(3, { status: 'FAILED' })]
    const changes = finished.map((next) => ({ previous: undefined, next }))
    expect(updateWatchTargets(targets, changes)).toBe(targets)
  })
})
