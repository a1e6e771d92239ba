/**
 * Keeps a sorted History list up to date from what changed, instead of sorting everything again:
 * a chunk of 5000 imported entries costs a sort of 5000 and one merge pass, not a sort of 100,000.
 * The answer is always the list `sortHistory` gives for the new entries (same order, ties
 * included), or `null` when that cannot be had from the changes (then sort in full).
 */
import type { HistoryEntry } from './history-entry'
import { compareHistory, type HistorySort } from './history-filter'

/** One entry set in history: `previous` is undefined for an id new to history. */
export interface HistoryChange {
  previous: HistoryEntry | undefined
  next: HistoryEntry
}

/**
 * `sorted` (the entries before, sorted) with `changes` applied. New ids must come in the order
 * they were added to history, after every entry already there (as history keeps them); a change
 * of an entry's place in the order (its date, or its status in the status sort) answers `null`.
 */
export function applySortedChanges(
  sorted: readonly HistoryEntry[],
  changes: readonly HistoryChange[],
  sort: HistorySort,
): HistoryEntry[] | null {
  if (changes.length === 0) return sorted as HistoryEntry[]
  const compare = compareHistory(sort)
  const replaced = new Map<HistoryEntry, HistoryEntry>()
  const added: HistoryEntry[] = []
  for (const { previous, next } of changes) {
    if (!previous) added.push(next)
    else if (compare(previous, next) !== 0) return null
    else if (previous !== next) replaced.set(previous, next)
  }
  const base = replaced.size === 0 ? sorted : sorted.map((entry) => replaced.get(entry) ?? entry)
  if (added.length === 0) return base as HistoryEntry[]
  // Stable: new entries equal to each other keep their order, and come after equal older ones.
  added.sort(compare)
  const out: HistoryEntry[] = new Array<HistoryEntry>(base.length + added.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < base.length && j < added.length) {
    out[k++] = compare(base[i]!, added[j]!) <= 0 ? base[i++]! : added[j++]!
  }
  while (i < base.length) out[k++] = base[i++]!
  while (j < added.length) out[k++] = added[j++]!
  return out
}
