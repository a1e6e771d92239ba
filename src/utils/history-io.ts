/**
 * History files: the JSON export (read back by import, validated entry by entry) and CSV.
 */
import { toCsv } from './csv'
import {
  HISTORY_SCHEMA_VERSION,
  isSettled,
  mergeEntries,
  readEntry,
  reportedStatus,
  sameEntry,
  type HistoryEntry,
} from './history-entry'
import { readStoredCall, storedCallProblems, type StoredCall } from './call-log'

/** The `format` of a JSON export. */
export const HISTORY_FORMAT = 'verify-desk-history'

/** Problems listed in an import error before "and N more". */
const MAX_LISTED_PROBLEMS = 20
/** Entries checked between two progress reports of `parseHistoryFile`. */
export const IMPORT_PROGRESS_STEP = 5000

/** What `parseHistoryFile` reads from a file: its entries (one per id) and their call log. */
export interface ParsedHistory {
  entries: HistoryEntry[]
  calls: StoredCall[]
}

export interface ParseHistoryOptions {
  /**
   * Told how many entries of the file have been checked, every `IMPORT_PROGRESS_STEP` entries and
   * once at the end (`checked === total`).
   */
  onProgress?: (checked: number, total: number) => void
}

/** An import file that could not be used; `problems` says what is wrong, nothing was written. */
export class HistoryImportError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS)
    const more = problems.length - listed.length
    super(`The file was not imported: ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`)
    this.name = 'HistoryImportError'
    this.problems = problems
  }
}

/** What an import did (the store's `ImportReport`). */
export interface ImportCounts {
  added: number
  updated: number
  unchanged: number
  /** Call records of the file history did not hold yet (none when an export is imported again). */
  calls: number
  /**
   * Finished entries of the file not imported: older than the history retention (`retentionDays`),
   * which would remove them at once. Nothing else of the file is left out.
   */
  tooOld: number
  /** The retention applied, in days (0: history is kept forever). */
  retentionDays: number
}

/** Columns of the CSV export, in order. */
export const CSV_COLUMNS = [
  'request_id',
  'environment',
  'kind',
  'number',
  'brand',
  'payee',
  'amount',
  'status',
  'created_at',
  'updated_at',
  'price',
  'currency',
  'events',
  'checks',
  'last_error',
  'source',
] as const

/** ISO 8601; empty for a time no Date can hold (never throws: an export never fails on it). */
function iso(ms: number): string {
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? '' : date.toISOString()
}

/**
 * All entries as CSV, one row per request (RFC 4180, formulas guarded). A status search answered
 * that this dashboard does not know is written as search wrote it (as history shows it), not as
 * `UNKNOWN`.
 */
export function historyToCsv(entries: readonly HistoryEntry[]): string {
  return toCsv(
    CSV_COLUMNS,
    entries.map((e) => [
      e.request_id,
      e.environment,
      e.kind,
      e.number,
      e.brand,
      e.payee,
      e.amount,
      reportedStatus(e) ?? e.status,
      iso(e.createdAt),
      iso(e.updatedAt),
      e.lastSearch?.price ?? '',
      e.lastSearch?.currency ?? '',
      e.lastSearch?.events.map((ev) => ev?.type ?? '').join(' ') ?? '',
      e.lastSearch?.checks.map((c) => `${c?.status ?? ''} ${c?.date_received ?? ''}`).join('; ') ??
        '',
      e.lastError ? `${e.lastError.code} ${e.lastError.message}` : '',
      e.source,
    ]),
  )
}

/** All entries (and their call log) as the JSON export that `parseHistoryFile` reads back. */
export function historyToJson(
  entries: readonly HistoryEntry[],
  calls: readonly StoredCall[] = [],
): string {
  return JSON.stringify(
    {
      format: HISTORY_FORMAT,
      schemaVersion: HISTORY_SCHEMA_VERSION,
      exportedAt: iso(Date.now()),
      entries,
      ...(calls.length > 0 ? { calls } : {}),
    },
    null,
    1,
  )
}

/**
 * Refuses a file that says it is something else, or a history written by a newer Verify Desk
 * (its `schemaVersion` is above the one this version reads): its fields could not be read right.
 */
function refuseOtherFormats(parsed: unknown): void {
  if (typeof parsed !== 'object' || parsed === null) return
  const { format, schemaVersion } = parsed as { format?: unknown; schemaVersion?: unknown }
  if (format !== undefined && format !== HISTORY_FORMAT) {
    throw new HistoryImportError([
      `it is not a Verify Desk history export: its format is ${JSON.stringify(format)}, not "${HISTORY_FORMAT}"`,
    ])
  }
  if (schemaVersion === undefined) return
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new HistoryImportError([
      `its schemaVersion must be a whole number from 1 (it is ${JSON.stringify(schemaVersion)})`,
    ])
  }
  if (schemaVersion > HISTORY_SCHEMA_VERSION) {
    throw new HistoryImportError([
      `it was exported by a newer version of Verify Desk (history schemaVersion ${schemaVersion}; this version reads up to ${HISTORY_SCHEMA_VERSION}): update Verify Desk to import it`,
    ])
  }
}

/**
 * Whether `text` starts as this app's CSV export does: its first column `request_id`, then a
 * comma, a semicolon or a tab (a spreadsheet may save it again with other separators, quotes or
 * columns), after a byte order mark.
 */
function isCsvExport(text: string): boolean {
  return /^\uFEFF?"?request_id"?[,;\t]/.test(text)
}

/**
 * Reads an export (or a bare array of entries, current or older shape). A file of another
 * `format`, or of a newer `schemaVersion`, is refused as a whole; fields history does not know are
 * left out of each entry. Every entry is checked:
 * any problem rejects the whole file with a `HistoryImportError` naming each entry and field.
 * Duplicate ids inside the file are merged (the newer copy wins). The call log of an export
 * (`calls`, optional) is checked too: each record must belong to an entry of the file.
 */
export function parseHistoryFile(text: string, options: ParseHistoryOptions = {}): ParsedHistory {
  const { onProgress } = options
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (cause) {
    throw new HistoryImportError([
      isCsvExport(text)
        ? 'it is a CSV export of history: only a JSON export can be imported (export as JSON, then import that file)'
        : `it is not JSON (${cause instanceof Error ? cause.message : cause})`,
    ])
  }
  if (!Array.isArray(parsed)) refuseOtherFormats(parsed)
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === 'object' &&
        parsed !== null &&
        Array.isArray((parsed as { entries?: unknown }).entries)
      ? (parsed as { entries: unknown[] }).entries
      : null
  if (!list) {
    throw new HistoryImportError([
      'expected a Verify Desk history export (an object with "entries") or an array of entries',
    ])
  }
  const problems: string[] = []
  const unique = new Map<string, HistoryEntry>()
  /** The request_ids of the entries refused above: their calls go (are refused) with them. */
  const refused = new Set<string>()
  list.forEach((raw, index) => {
    const read = readEntry(raw)
    if ('entry' in read) {
      unique.set(read.entry.request_id, mergeEntries(unique.get(read.entry.request_id), read.entry))
    } else {
      const hasId = typeof raw === 'object' && raw !== null && 'request_id' in raw
      if (hasId) refused.add(String(raw.request_id))
      const id = hasId ? ` (${String(raw.request_id)})` : ''
      problems.push(`entry ${index + 1}${id}: ${read.problems.join(', ')}`)
    }
    if ((index + 1) % IMPORT_PROGRESS_STEP === 0) onProgress?.(index + 1, list.length)
  })
  onProgress?.(list.length, list.length)
  const rawCalls = Array.isArray(parsed) ? undefined : (parsed as { calls?: unknown }).calls
  const calls: StoredCall[] = []
  if (rawCalls !== undefined && !Array.isArray(rawCalls)) problems.push('calls must be an array')
  else if (rawCalls) {
    let withRefused = 0
    rawCalls.forEach((raw, index) => {
      const call = readStoredCall(raw)
      if (!call) problems.push(`call ${index + 1}: ${storedCallProblems(raw).join(', ')}`)
      else if (unique.has(call.request_id)) calls.push(call)
      else if (refused.has(call.request_id)) withRefused++
      else {
        problems.push(
          `call ${index + 1}: its request_id ${call.request_id} has no entry in the file`,
        )
      }
    })
    if (withRefused > 0) {
      problems.push(
        withRefused === 1
          ? '1 recorded call of the entries above is left out with them'
          : `${withRefused} recorded calls of the entries above are left out with them`,
      )
    }
  }
  if (problems.length > 0) throw new HistoryImportError(problems)
  return { entries: [...unique.values()], calls }
}

/**
 * An entry of an import file as history takes it in at `now` (epoch ms, this browser's clock): a
 * `lastActivityAt` later than `now` (a file from a machine whose clock is ahead) is brought back to
 * `now`, as `applyPatch` does, since nothing this browser sees can have happened after the time it
 * is (a later one would make every answer look older than the last action, and the status would
 * not move until this clock caught up). `updatedAt` is left as it is: it only orders copies of an
 * entry (the newer wins) and retention, and always moves forward from it.
 */
function importedEntry(entry: HistoryEntry, now: number): HistoryEntry {
  return entry.lastActivityAt > now ? { ...entry, lastActivityAt: now } : entry
}

/** One day in ms (retention counts in days). */
export const DAY_MS = 86_400_000

/** What importing one entry of a file did. */
export type ImportOutcome = 'added' | 'updated' | 'unchanged' | 'tooOld'

/** One entry to read, change and write in the database (`HistoryDb.updateMany`'s items). */
export interface ImportUpdate {
  id: string
  next: (stored: HistoryEntry | undefined) => HistoryEntry | null
}

/** How a checked file is imported: the same rules on the page and in the import worker. */
export interface ImportPlan {
  /** The file's entries as history takes them in (see `importedEntry`). */
  readonly entries: readonly HistoryEntry[]
  /**
   * What importing `entry` (one of `entries`) over the stored copy does, and the copy to write
   * (null: nothing). An id already stored keeps the newer copy; what history retention would
   * remove at once is not imported (and counted), rather than counted as added and then gone
   * after the next page load.
   */
  decide(
    stored: HistoryEntry | undefined,
    entry: HistoryEntry,
  ): { outcome: ImportOutcome; write: HistoryEntry | null }
  /**
   * The entries as `HistoryDb.updateMany` items (one transaction: all or none), each recording its
   * outcome in `outcomes` by id (a transaction run again counts nothing twice).
   */
  updates(outcomes: Map<string, ImportOutcome>): ImportUpdate[]
  /** The file's call records to save: those of the entries imported (not left out as too old). */
  callsToSave(outcomes: ReadonlyMap<string, ImportOutcome>): StoredCall[]
  /** The counts of an import with these outcomes, of which `calls` call records were new. */
  counts(outcomes: ReadonlyMap<string, ImportOutcome>, calls: number): ImportCounts
}

/**
 * The plan of importing a checked file (`parseHistoryFile`) at `now` (epoch ms) with history
 * retention `retentionDays` (0: kept forever). Pure: the caller reads and writes the database.
 */
export function planImport(
  parsed: ParsedHistory,
  options: { retentionDays: number; now: number },
): ImportPlan {
  const { retentionDays, now } = options
  const cutoff = retentionDays > 0 ? now - retentionDays * DAY_MS : null
  const entries = parsed.entries.map((entry) => importedEntry(entry, now))
  function decide(stored: HistoryEntry | undefined, entry: HistoryEntry) {
    const merged = mergeEntries(stored, entry)
    if (cutoff !== null && merged.updatedAt < cutoff && isSettled(merged)) {
      return { outcome: 'tooOld' as const, write: null }
    }
    if (stored && sameEntry(stored, merged)) return { outcome: 'unchanged' as const, write: null }
    return { outcome: stored ? ('updated' as const) : ('added' as const), write: merged }
  }
  return {
    entries,
    decide,
    updates: (outcomes) =>
      entries.map((entry) => ({
        id: entry.request_id,
        next: (stored) => {
          const { outcome, write } = decide(stored, entry)
          outcomes.set(entry.request_id, outcome)
          return write
        },
      })),
    callsToSave: (outcomes) =>
      parsed.calls.filter((call) => {
        const outcome = outcomes.get(call.request_id)
        return outcome !== undefined && outcome !== 'tooOld'
      }),
    counts: (outcomes, calls) => {
      const counts: ImportCounts = {
        added: 0,
        updated: 0,
        unchanged: 0,
        calls,
        tooOld: 0,
        retentionDays,
      }
      for (const outcome of outcomes.values()) counts[outcome]++
      return counts
    },
  }
}
