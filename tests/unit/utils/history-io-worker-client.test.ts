/**
 * The page's side of the import worker, against an in-process worker that runs the real import job
 * (messages are structured-cloned and delivered a task later, as between threads): progress, the
 * entries handed over, cancel until saving begins, a refused file, a worker that cannot start.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { memoryHistoryDb, type HistoryDb } from '@/utils/history-db'
import { HistoryImportError, historyToJson } from '@/utils/history-io'
import type { HistoryEntry } from '@/utils/history-entry'
import { runImportJob, type ImportMessage, type ImportReply } from '@/workers/history-import-job'
import {
  ImportCancelledError,
  ImportWorkerUnavailableError,
  canImportInWorker,
  importInWorker,
  type ImportProgress,
} from '@/workers/history-import-client'
import { entry, storedCall } from '../stores/history-support'

/** The database every fake worker writes to (reset per test). */
let db: HistoryDb = memoryHistoryDb()
const started: FakeWorker[] = []

class FakeWorker {
  onmessage: ((event: MessageEvent<ImportMessage>) => void) | null = null
  onerror: ((event: ErrorEvent) => void) | null = null
  onmessageerror: (() => void) | null = null
  terminated = false
  /** Fails to load, as a worker whose script cannot be fetched. */
  static failToLoad = false
  readonly url: string
  private save: (() => void) | null = null

  constructor(
    url: URL | string,
    readonly options: WorkerOptions,
  ) {
    this.url = String(url)
    started.push(this)
    if (FakeWorker.failToLoad) {
      setTimeout(() => {
        const event = { message: '', preventDefault() {} } as unknown as ErrorEvent
        this.onerror?.(event)
      })
    }
  }

  postMessage(message: ImportReply): void {
    const data = structuredClone(message)
    setTimeout(() => {
      if (this.terminated || FakeWorker.failToLoad) return
      if (data.type === 'save') this.save?.()
      else {
        void runImportJob(data, {
          openDb: async () => db,
          post: (out) => {
            const copy = structuredClone(out)
            setTimeout(() => {
              if (!this.terminated) this.onmessage?.({ data: copy } as MessageEvent<ImportMessage>)
            })
          },
          announce: () => {},
          proceed: () => new Promise<void>((resolve) => (this.save = resolve)),
        })
      }
    })
  }

  terminate(): void {
    this.terminated = true
  }
}

function useFakeWorker(): void {
  db = memoryHistoryDb()
  FakeWorker.failToLoad = false
  started.length = 0
  vi.stubGlobal('Worker', FakeWorker)
}

afterEach(() => vi.unstubAllGlobals())

function file(entries: HistoryEntry[]): Blob {
  return new Blob([historyToJson(entries)], { type: 'application/json' })
}

describe('import in a worker: the page side', () => {
  it('is used only where the browser has workers', () => {
    expect(canImportInWorker()).toBe(false)
    useFakeWorker()
    expect(canImportInWorker()).toBe(true)
  })

  it('starts a module worker, reports progress, hands over every saved entry, then ends it', async () => {
    useFakeWorker()
    const entries = Array.from({ length: 4500 }, (_, i) => entry(i + 1))
    const progress: ImportProgress[] = []
    const handed: HistoryEntry[] = []
    const counts = await importInWorker(file(entries), {
      dbName: 'verify-desk-test',
      retentionDays: 0,
      onProgress: (p) => progress.push({ ...p }),
      onEntries: (chunk) => handed.push(...chunk),
    })
    expect(counts).toEqual({
      added: 4500,
      updated: 0,
      unchanged: 0,
      calls: 0,
      tooOld: 0,
      retentionDays: 0,
    })
    expect(handed).toEqual(entries)
    expect(await db.count()).toBe(4500)
    expect(started).toHaveLength(1)
    expect(started[0]!.url).toMatch(/history-import\.ts/)
    expect(started[0]!.options.type).toBe('module')
    expect(started[0]!.terminated).toBe(true)
    expect([...new Set(progress.map((p) => p.phase))]).toEqual([
      'reading',
      'checking',
      'saving',
      'showing',
    ])
    expect(progress.at(-1)).toEqual({ phase: 'showing', done: 4500, total: 4500 })
  })

  it('writes and hands over nothing when saving the recorded calls fails (all or none)', async () => {
    useFakeWorker()
    const saving = db
    db = {
      ...saving,
      addCalls: async () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      },
    }
    const handed: HistoryEntry[] = []
    const id = entry(1).request_id
    const call = storedCall(id, 1)
    const withCalls = historyToJson([entry(1), entry(2)], [call])
    const result = importInWorker(new Blob([withCalls], { type: 'application/json' }), {
      retentionDays: 0,
      onEntries: (chunk) => handed.push(...chunk),
    })
    // The plain failure, with the reason: nothing of the file was written, entries nor calls.
    const error = await result.then(
      () => null,
      (cause: unknown) => cause,
    )
    expect(error).toBeInstanceOf(Error)
    expect(Object.getPrototypeOf(error)).toBe(Error.prototype)
    expect((error as Error).message).toBe('The quota has been exceeded.')
    expect(handed).toEqual([])
    expect(await saving.count()).toBe(0)
    expect(await saving.loadAllCalls()).toEqual([])
  })

  it('rejects a refused file with its problems, writing nothing', async () => {
    useFakeWorker()
    const bad = { ...entry(2), status: 'DONE' } as unknown as HistoryEntry
    const result = importInWorker(file([entry(1), bad]), {
      retentionDays: 0,
      onEntries: () => {},
    })
    await expect(result).rejects.toBeInstanceOf(HistoryImportError)
    await expect(result).rejects.toMatchObject({
      problems: [expect.stringMatching(/^entry 2 \([0-9a-f]{32}\): status must be one of/)],
    })
    expect(await db.count()).toBe(0)
    expect(started[0]!.terminated).toBe(true)
  })

  it('cancels while the file is checked: nothing is written and the worker is ended', async () => {
    useFakeWorker()
    const controller = new AbortController()
    const result = importInWorker(file([entry(1), entry(2)]), {
      retentionDays: 0,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'checking') controller.abort()
      },
      onEntries: () => {},
    })
    await expect(result).rejects.toBeInstanceOf(ImportCancelledError)
    // Give a worker that was not ended every chance to write.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await db.count()).toBe(0)
    expect(started[0]!.terminated).toBe(true)
  })

  it('cancelled just before the go-ahead: still nothing written', async () => {
    useFakeWorker()
    const controller = new AbortController()
    const result = importInWorker(file([entry(1)]), {
      retentionDays: 0,
      signal: controller.signal,
      onProgress: (p) => {
        // The last progress before the worker asks for the go-ahead.
        if (p.phase === 'checking' && p.done === p.total) controller.abort()
      },
      onEntries: () => {},
    })
    await expect(result).rejects.toBeInstanceOf(ImportCancelledError)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await db.count()).toBe(0)
  })

  it('says "saving" as soon as the go-ahead is given, so no ignored Cancel is offered', async () => {
    useFakeWorker()
    const controller = new AbortController()
    const progress: ImportProgress[] = []
    const result = importInWorker(file([entry(1), entry(2)]), {
      retentionDays: 0,
      signal: controller.signal,
      onProgress: (p) => progress.push(p),
      onEntries: () => {},
    })
    const worker = started[0]!
    const inner = worker.onmessage!
    let afterChecked: ImportProgress | undefined
    worker.onmessage = (event) => {
      inner(event)
      if (event.data.type === 'checked') {
        // What the page shows right after the go-ahead, before any other worker message.
        afterChecked = progress.at(-1)
        controller.abort()
      }
    }
    const counts = await result
    expect(afterChecked).toEqual({ phase: 'saving', done: 0, total: 2 })
    // The abort came after saving began: ignored, as the page no longer offers it.
    expect(counts.added).toBe(2)
    expect(await db.count()).toBe(2)
  })

  it('once saving has begun, a cancel is ignored and the import completes', async () => {
    useFakeWorker()
    const controller = new AbortController()
    const handed: HistoryEntry[] = []
    const counts = await importInWorker(file([entry(1), entry(2)]), {
      retentionDays: 0,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'saving') controller.abort()
      },
      onEntries: (chunk) => handed.push(...chunk),
    })
    expect(counts.added).toBe(2)
    expect(handed).toHaveLength(2)
    expect(await db.count()).toBe(2)
  })

  it('says when the worker cannot start, so the page can import on its own', async () => {
    useFakeWorker()
    FakeWorker.failToLoad = true
    const result = importInWorker(file([entry(1)]), {
      retentionDays: 0,
      onEntries: () => {},
    })
    await expect(result).rejects.toBeInstanceOf(ImportWorkerUnavailableError)
    expect(await db.count()).toBe(0)
  })
})
