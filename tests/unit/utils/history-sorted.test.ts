/**
 * Updating the sorted History list from what changed gives exactly the list a full sort gives
 * (ties included), for any history, any changes and every sort; or says to sort in full.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { HistoryEntry, HistoryStatus } from '@/utils/history-entry'
import { sortHistory, type HistorySort } from '@/utils/history-filter'
import { applySortedChanges, type HistoryChange } from '@/utils/history-sorted'
import { entry } from '../stores/history-support'

const STATUSES: HistoryStatus[] = [
  'IN PROGRESS',
  'UNKNOWN',
  'SUCCESS',
  'FAILED',
  'EXPIRED',
  'CANCELLED',
]
const SORTS: HistorySort[] = ['date-desc', 'date-asc', 'status']

/** Few distinct dates and ids, so ties and changes of known ids are common. */
const given = fc
  .record({
    n: fc.integer({ min: 1, max: 40 }),
    createdAt: fc.integer({ min: 0, max: 6 }),
    status: fc.constantFrom(...STATUSES),
    brand: fc.constantFrom('A', 'B'),
  })
  .map(({ n, createdAt, status, brand }) => entry(n, { createdAt, status, brand }))

/** History as the store keeps it: a Map in insertion order, a new id goes to the end. */
function setAll(
  byKey: Map<string, HistoryEntry>,
  incoming: readonly HistoryEntry[],
): HistoryChange[] {
  const changes = new Map<string, HistoryChange>()
  for (const next of incoming) {
    const noted = changes.get(next.request_id)
    if (noted) noted.next = next
    else changes.set(next.request_id, { previous: byKey.get(next.request_id), next })
    byKey.set(next.request_id, next)
  }
  return [...changes.values()]
}

describe('applySortedChanges', () => {
  it('equals a full sort after each chunk, or asks for one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SORTS),
        fc.array(fc.array(given, { maxLength: 25 }), { maxLength: 6 }),
        (sort, chunks) => {
          const byKey = new Map<string, HistoryEntry>()
          let sorted: HistoryEntry[] = []
          for (const chunk of chunks) {
            const changes = setAll(byKey, chunk)
            const expected = sortHistory([...byKey.values()], sort)
            const merged = applySortedChanges(sorted, changes, sort)
            expect(merged ?? expected).toEqual(expected)
            // Only a change of a known entry's place in the order needs a full sort.
            const moved = changes.some(
              (c) =>
                c.previous !== undefined &&
                (c.previous.createdAt !== c.next.createdAt ||
                  (sort === 'status' && c.previous.status !== c.next.status)),
            )
            expect(merged === null).toBe(moved)
            sorted = merged ?? expected
          }
        },
      ),
      { numRuns: 400, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
  })

  it('keeps the same entries in order for an import of new ids only', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SORTS),
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        (sort, dates, size) => {
          const all = dates.map((createdAt, i) => entry(i + 1, { createdAt }))
          const byKey = new Map<string, HistoryEntry>()
          let sorted: HistoryEntry[] = []
          for (let at = 0; at < all.length; at += size) {
            sorted = applySortedChanges(sorted, setAll(byKey, all.slice(at, at + size)), sort)!
          }
          expect(sorted).toEqual(sortHistory(all, sort))
        },
      ),
      { seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
  })

  it('answers the same list when nothing changed, and the new copy of a changed entry', () => {
    const a = entry(1, { createdAt: 5 })
    const b = entry(2, { createdAt: 7 })
    const sorted = sortHistory([a, b], 'date-desc')
    expect(applySortedChanges(sorted, [], 'date-desc')).toBe(sorted)
    const b2 = { ...b, brand: 'Renamed' }
    expect(applySortedChanges(sorted, [{ previous: b, next: b2 }], 'date-desc')).toEqual([b2, a])
  })
})
