/**
 * The page's side of the import worker: starts it (a chunk of its own, loaded only when a file is
 * imported), reports its progress, hands the entries it saved to the caller chunk by chunk, and can
 * cancel it until it starts saving (then the import completes or fails as a whole).
 */
import type { HistoryEntry } from '@/utils/history-entry'
import { HistoryImportError, type ImportCounts } from '@/utils/history-io'
import { HISTORY_TAB_ID } from '@/utils/history-db'
import { historyStoreOptions } from '@/stores/requests'
import type { ImportMessage, ImportPhase, ImportReply, ImportRequest } from './history-import-job'

/** Where an import is: the worker's phases, then `showing` while the page takes the entries in. */
export interface ImportProgress {
  phase: ImportPhase | 'showing'
  done: number
  total: number
}

/** The import was cancelled before anything was written. */
export class ImportCancelledError extends Error {
  constructor() {
    super('The import was cancelled; history is unchanged.')
    this.name = 'ImportCancelledError'
  }
}

/** The worker could not be started (nothing was read or written): import on the page instead. */
export class ImportWorkerUnavailableError extends Error {
  constructor(reason: string) {
    super(`The import worker could not start: ${reason}`)
    this.name = 'ImportWorkerUnavailableError'
  }
}

export interface WorkerImportOptions {
  /** History's IndexedDB database name (the store's; tests use their own). */
  dbName?: string
  /** The history channel the worker tells the other tabs on. @default the store's */
  channel?: string
  retentionDays: number
  /** @default Date.now() */
  now?: number
  onProgress?: (progress: ImportProgress) => void
  /** Takes in a chunk of the entries the worker saved (already in IndexedDB), in order. */
  onEntries: (entries: HistoryEntry[]) => void
  /** Cancels the import while it is read and checked; ignored once saving has begun. */
  signal?: AbortSignal
}

function channelOf(options: WorkerImportOptions): { channel?: string } {
  const channel = options.channel ?? historyStoreOptions.channel
  return channel === undefined ? {} : { channel }
}

/** Whether this browser can run the import worker (test DOMs have no Worker). */
export function canImportInWorker(): boolean {
  return typeof Worker !== 'undefined'
}

/**
 * Imports `file` in a worker. Rejects with `HistoryImportError` when the file is refused,
 * `ImportCancelledError` when cancelled, `ImportWorkerUnavailableError` when no worker could
 * start, or an `Error` saying why saving failed: in each of these cases nothing was written
 * (entries and call records are saved in one transaction). Once saved, the worker tells the other
 * tabs itself, then hands the entries to `onEntries`.
 */
export function importInWorker(file: Blob, options: WorkerImportOptions): Promise<ImportCounts> {
  const worker = new Worker(new URL('./history-import.ts', import.meta.url), {
    type: 'module',
    name: 'history-import',
  })
  return new Promise<ImportCounts>((resolve, reject) => {
    let started = false
    let saving = false
    let shown = 0
    const { signal, onProgress } = options

    function end(): void {
      worker.terminate()
      signal?.removeEventListener('abort', cancel)
    }
    function fail(error: Error): void {
      end()
      reject(error)
    }
    function cancel(): void {
      if (!saving) fail(new ImportCancelledError())
    }
    function reply(message: ImportReply): void {
      worker.postMessage(message)
    }

    worker.onmessage = (event: MessageEvent<ImportMessage>) => {
      started = true
      const message = event.data
      switch (message.type) {
        case 'progress':
          onProgress?.(message)
          break
        case 'checked':
          // The last moment to cancel: the worker waits for this answer before it writes.
          if (signal?.aborted) return cancel()
          saving = true
          // Saving begins now: said at once, so no Cancel is offered that would be ignored (the
          // worker's own first "saving" comes only once its database is open).
          onProgress?.({ phase: 'saving', done: 0, total: message.total })
          reply({ type: 'save' })
          break
        case 'entries':
          options.onEntries(message.entries)
          shown += message.entries.length
          onProgress?.({ phase: 'showing', done: shown, total: message.total })
          break
        case 'done':
          end()
          resolve(message.counts)
          break
        case 'refused':
          fail(new HistoryImportError(message.problems))
          break
        case 'failed':
          fail(new Error(message.message))
          break
      }
    }
    worker.onerror = (event) => {
      event.preventDefault()
      const reason = event.message || 'the worker script did not load'
      fail(started ? new Error(reason) : new ImportWorkerUnavailableError(reason))
    }
    worker.onmessageerror = () => fail(new Error('a message of the import worker was unreadable'))
    if (signal?.aborted) return fail(new ImportCancelledError())
    signal?.addEventListener('abort', cancel)
    const request: ImportRequest = {
      type: 'import',
      file,
      ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
      retentionDays: options.retentionDays,
      now: options.now ?? Date.now(),
      ...channelOf(options),
      from: HISTORY_TAB_ID,
    }
    reply(request)
  })
}
