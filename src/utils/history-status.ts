/**
 * A history entry's status as the history list and the look-up results write it. Apart from
 * `history-entry.ts`, which the import worker loads: the status texts are of no use there.
 */
import { SEARCH_STATUS_INFO } from '@contract/status'
import { reportedStatus, type HistoryEntry } from './history-entry'

/**
 * What every page calls a request search has not (or no longer) found: the history badge, the
 * look-up results, the announcement of the change, and the history filter, whose `Not found /
 * unknown` adds the requests search found with a status this dashboard cannot show.
 */
export const NOT_FOUND_TITLE = 'Not found'
/** A request search found, but answered without a status (an empty one). */
export const NO_STATUS_TITLE = 'Unknown'

/**
 * The entry's status in words, as history lists it: the title of a status this dashboard knows
 * (`In progress`), `Not found` for a request search has not (or no longer) found, `Unknown` for
 * one it found without a status, and a status search answered that this dashboard does not know
 * as written (`BLOCKED`: the caller says it is unknown).
 */
export function statusTitle(
  entry: Pick<HistoryEntry, 'status' | 'lastSearch'> & Partial<Pick<HistoryEntry, 'lastError'>>,
): string {
  const reported = reportedStatus(entry)
  if (reported !== null) return reported
  if (entry.status !== 'UNKNOWN') return SEARCH_STATUS_INFO[entry.status].title
  return entry.lastSearch && entry.lastError?.code !== '101' ? NO_STATUS_TITLE : NOT_FOUND_TITLE
}
