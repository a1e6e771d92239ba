/**
 * Importing a History export away from the page: the messages between the page and the import
 * worker, and the import itself as a plain function of a file, a database and a `post` callback
 * (the worker only wires it to `postMessage`, and unit tests run it as it is).
 *
 * The rules are the store's `importJson`'s (both follow `planImport`): the file is read and checked whole first (one
 * problem refuses it, nothing is written); entries that history retention would remove at once are
 * left out and counted; the rest is merged into IndexedDB in one transaction (an id already stored
 * keeps the newer copy) together with the call records, added by key (importing a file again adds
 * none): all or none. Right after that transaction the worker itself tells the other tabs, so they
 * learn of the import even when the page that started it is closed or reloaded meanwhile.
 */
import {
  FIRST_SCREEN,
  LOAD_CHUNK,
  type HistoryDb,
  type HistoryTabMessage,
} from '@/utils/history-db'
import type { HistoryEntry } from '@/utils/history-entry'
import {
  HistoryImportError,
  type ImportCounts,
  IMPORT_PROGRESS_STEP,
  parseHistoryFile,
  planImport,
  type ImportOutcome,
} from '@/utils/history-io'
import type { StoredCall } from '@/utils/call-log'

/** The page asks the worker to import `file`. */
export interface ImportRequest {
  type: 'import'
  file: Blob
  /** The IndexedDB database of history (tests use their own name). */
  dbName?: string
  /** History retention in days (0: kept forever): what it would remove at once is not imported. */
  retentionDays: number
  /** Epoch ms the retention counts back from. */
  now: number
  /** The history channel the other tabs listen on (tests use their own name). */
  channel?: string
  /** The name of the page that started the import on that channel (it ignores what is said). */
  from?: string
}

/** What the page sends the worker: the import, then (once the file is checked) the go-ahead to save. */
export type ImportReply = ImportRequest | { type: 'save' }

/** What an import is doing: reading the file, checking its entries, saving them. */
export type ImportPhase = 'reading' | 'checking' | 'saving'

/** What the worker tells the page, in this order: progress, then the written data, then the end. */
export type ImportMessage =
  /** `done` of `total` (entries; 0 of 0 while the file is read and parsed). */
  | { type: 'progress'; phase: ImportPhase; done: number; total: number }
  /** The file is read and checked: the worker waits for `save` (or is ended, which cancels). */
  | { type: 'checked'; total: number }
  /** Entries the import wrote (stored copies, merged), a chunk at a time, once saved. */
  | { type: 'entries'; entries: HistoryEntry[]; total: number }
  | { type: 'done'; counts: ImportCounts }
  /** The file was refused (a `HistoryImportError`): nothing was written. */
  | { type: 'refused'; problems: string[] }
  /**
   * Something else failed (storage full, file unreadable…): nothing was written (entries and call
   * records are written in one transaction).
   */
  | { type: 'failed'; message: string }

export interface ImportJobDeps {
  /** Opens history's database (the worker's own connection). */
  openDb(name: string | undefined): Promise<HistoryDb>
  post(message: ImportMessage): void
  /** Says something to the other tabs on the history channel (the worker's own BroadcastChannel). */
  announce(message: HistoryTabMessage): void
  /** Resolves when the page says to save the checked file (the page ends the worker to cancel). */
  proceed(): Promise<void>
}

/** `list` in chunks of `size`, the first of `first` (at most). */
function chunks<T>(list: readonly T[], size: number, first = size): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length;) {
    const end = i + (out.length === 0 ? first : size)
    out.push(list.slice(i, end))
    i = end
  }
  return out
}

/**
 * Runs one import and posts its progress and outcome; never throws (a failure is a message).
 * Nothing is written before the page's go-ahead (`proceed`); the entries and their call records are
 * then written in one transaction (all or none); the other tabs are told at once (they read history
 * again, and hear the call records), and only then are the saved entries handed to the page, a
 * chunk at a time (the page reads its call records from IndexedDB: none are handed to it).
 */
export async function runImportJob(request: ImportRequest, deps: ImportJobDeps): Promise<void> {
  const { post } = deps
  let db: HistoryDb | null = null
  try {
    post({ type: 'progress', phase: 'reading', done: 0, total: 0 })
    const text = await request.file.text()
    const parsed = parseHistoryFile(text, {
      onProgress: (done, total) => post({ type: 'progress', phase: 'checking', done, total }),
    })
    const total = parsed.entries.length
    post({ type: 'checked', total })
    await deps.proceed()
    const plan = planImport(parsed, request)
    db = await deps.openDb(request.dbName)
    post({ type: 'progress', phase: 'saving', done: 0, total })
    /** What became of each entry (by id: a transaction run again counts nothing twice). */
    const outcomes = new Map<string, ImportOutcome>()
    /** The last step of IMPORT_PROGRESS_STEP entries told (saving reads, then writes, them all). */
    let toldStep = 0
    const onProgress = (part: number) => {
      const step = Math.floor((part * total) / IMPORT_PROGRESS_STEP)
      if (step <= toldStep) return
      toldStep = step
      post({ type: 'progress', phase: 'saving', done: step * IMPORT_PROGRESS_STEP, total })
    }
    let calls: StoredCall[] = []
    // A call is one key: importing an export again adds none.
    const { written, newCalls } = await db.importMany(
      plan.updates(outcomes),
      () => (calls = plan.callsToSave(outcomes)),
      { onProgress },
    )
    post({ type: 'progress', phase: 'saving', done: total, total })
    // Everything is saved: the other tabs hear it from here, not from the page (which may be
    // reloaded before it has taken every chunk in). They read history again, in chunks.
    const from = request.from === undefined ? {} : { from: request.from }
    if (written.length > 0) deps.announce({ type: 'reload', ...from })
    for (const part of chunks(calls, LOAD_CHUNK)) {
      deps.announce({ type: 'calls', records: part, ...from })
    }
    for (const part of chunks(written, LOAD_CHUNK, FIRST_SCREEN)) {
      post({ type: 'entries', entries: part, total: written.length })
    }
    post({ type: 'done', counts: plan.counts(outcomes, newCalls) })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (error instanceof HistoryImportError) post({ type: 'refused', problems: error.problems })
    else post({ type: 'failed', message })
  } finally {
    db?.close()
  }
}
