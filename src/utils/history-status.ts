/**
 * A history entry's status as the history list and the look-up results write it. Apart from
 * `history-entry.ts`, which the import worker loads: the status texts are of no use there.
 */
import { SEARCH_STATUS_INFO } from '@contract/status'
import { reportedStatus, type HistoryEntry } from './history-entry'

/**
 * The entry's status in words, as history lists it: the title of a status this dashboard knows
 * (`In progress`), `Unknown` for a request search has not (or no longer) found, and a status search
 * answered that this dashboard does not know as written (`BLOCKED`: the caller says it is unknown).
 */
export function statusTitle(entry: Pick<HistoryEntry, 'status' | 'lastSearch'>): string {
  return (
    reportedStatus(entry) ??
    (entry.status === 'UNKNOWN' ? 'Unknown' : SEARCH_STATUS_INFO[entry.status].title)
  )
}
