/**
 * Where history lives: IndexedDB (through idb), one record per request keyed by `request_id`.
 * Every write is per entry and read-merge-write inside one transaction, so two tabs never
 * overwrite each other's entries. When IndexedDB cannot open, an in-memory store with the same
 * interface takes over (the store shows a warning).
 */
import {
  openDB,
  type DBSchema,
  type IDBPDatabase,
  type IDBPObjectStore,
  type IDBPTransaction,
  type StoreNames,
} from 'idb'
import { mergeEntries, readEntry, sameEntry, type HistoryEntry } from './history-entry'
import { overflowKeys, readStoredCall, type StoredCall } from './call-log'

const HISTORY_DB_NAME = 'verify-desk'
/**
 * 1: store `requests` keyed by `id` (schema 1). 2: store `entries` keyed by `request_id`.
 * 3: adds store `calls` (the call log of each request, keyed by `key`, indexed by `request_id`).
 */
const HISTORY_DB_VERSION = 3
const ENTRIES_STORE = 'entries'
const CALLS_STORE = 'calls'
const QUARANTINE_STORE = 'quarantine'
const V1_STORE = 'requests'
/**
 * Records read per `getAll` while loading (keeps each pause of the page short); also the entries
 * per message of the import worker (each is taken in by the page in a task of its own, and each
 * also re-sorts and re-renders the whole list, so smaller ones cost the page more in all).
 */
export const LOAD_CHUNK = 5000
/**
 * Entries read before the rest at startup, newest first: a screenful and more. Also the first
 * chunk of an import, so an empty history shows its list without taking in thousands of entries.
 */
export const FIRST_SCREEN = 200

/** The key of a stored record (the store's keyPath is `request_id`, so it is always there). */
function keyOf(raw: unknown): string {
  return String((raw as { request_id?: unknown } | null)?.request_id)
}

/** The BroadcastChannel on which the tabs (and the import worker) tell each other what changed. */
export const HISTORY_CHANNEL = 'verify-desk-history'

/**
 * What is said on the history channel. `from` names the page the message is on behalf of (the
 * import worker speaks for the page that started it): that page ignores it, having it already.
 */
export type HistoryTabMessage =
  | { type: 'put'; entries: HistoryEntry[] }
  | { type: 'remove'; ids: string[] }
  | { type: 'clear' }
  | { type: 'calls'; records: StoredCall[]; from?: string }
  /** Many entries were written at once (an import): read history again from IndexedDB. */
  | { type: 'reload'; from?: string }

/** This page's name on the history channel (each page, and each reload of it, has its own). */
export const HISTORY_TAB_ID = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`

/** A stored record that could not be read; it is left where it is (or quarantined), never lost. */
export interface DamagedRecord {
  key: string
  problems: string[]
}

interface QuarantinedRecord {
  key: string
  raw: unknown
  problems: string[]
  at: number
}

interface HistorySchema extends DBSchema {
  entries: { key: string; value: HistoryEntry; indexes: { updatedAt: number; createdAt: number } }
  quarantine: { key: number; value: QuarantinedRecord }
  calls: { key: string; value: StoredCall; indexes: { request_id: string } }
}

export interface HistoryDb {
  readonly kind: 'indexeddb' | 'memory'
  /** Records moved from an older shape when the database was opened. */
  readonly migrated: number
  /** How many records are stored. */
  count(): Promise<number>
  /** The `limit` most recently created readable entries (for a fast first screen). */
  loadNewest(limit: number): Promise<HistoryEntry[]>
  /**
   * Every readable entry and what could not be read, read in chunks (`getAll` with a count) so a
   * large history never blocks the page for long; `onChunk` gets each chunk as it arrives, and
   * then the entries are not also collected (`entries` is empty).
   */
  loadAll(
    onChunk?: (entries: HistoryEntry[]) => void,
  ): Promise<{ entries: HistoryEntry[]; damaged: DamagedRecord[] }>
  /**
   * Reads the stored copy of one entry, lets `next` compute the new one from it, writes it.
   * One transaction, so a concurrent writer in another tab is merged, not overwritten.
   */
  update(
    id: string,
    next: (stored: HistoryEntry | undefined) => HistoryEntry | null,
  ): Promise<HistoryEntry | null>
  /**
   * Reads, changes and writes entries in one transaction. `next` may answer `null` to leave an
   * entry alone (e.g. an update for an entry deleted meanwhile); only written entries are returned.
   */
  updateMany(
    items: readonly {
      id: string
      next: (stored: HistoryEntry | undefined) => HistoryEntry | null
    }[],
    options?: UpdateManyOptions,
  ): Promise<HistoryEntry[]>
  /**
   * Writes an import all or none, in ONE transaction over entries and calls: changes the entries
   * as `updateMany` does, then stores the call records `callsFor` names once every entry is
   * changed (it may depend on what became of them), as `addCalls` does. When anything fails,
   * nothing is written. Returns the written entries and how many call keys are new.
   */
  importMany(
    items: readonly {
      id: string
      next: (stored: HistoryEntry | undefined) => HistoryEntry | null
    }[],
    callsFor: () => readonly StoredCall[],
    options?: UpdateManyOptions,
  ): Promise<{ written: HistoryEntry[]; newCalls: number }>
  /** Merges many entries (newer `updatedAt` wins); returns the stored entries that changed. */
  mergeMany(entries: readonly HistoryEntry[]): Promise<HistoryEntry[]>
  /** Removes entries and their calls. */
  remove(ids: readonly string[]): Promise<void>
  /** Removes every entry and call. */
  clear(): Promise<void>
  /**
   * Stores call records, then drops the oldest of each request beyond the caps. Returns how many
   * keys were not stored before (a record stored again, or twice in `records`, adds none).
   */
  addCalls(records: readonly StoredCall[]): Promise<number>
  /** The stored calls of one request (unreadable records are skipped). */
  loadCalls(requestId: string): Promise<StoredCall[]>
  /** Every stored call (for the JSON export). */
  loadAllCalls(): Promise<StoredCall[]>
  close(): void
}

export interface UpdateManyOptions {
  /** How much of the items is done, from 0 to 1, as it grows (not after every item). */
  onProgress?: (part: number) => void
}

export interface OpenHistoryDbOptions {
  /** @default 'verify-desk' */
  name?: string
}

function storedOrUndefined(raw: unknown): HistoryEntry | undefined {
  const read = readEntry(raw)
  return 'entry' in read ? read.entry : undefined
}

/**
 * The error of an operation after another tab upgraded the database to a newer version: this tab
 * can neither read nor save history any more, and trying again never helps. Reloading the tab
 * loads the newer version, which saves again; what only this tab holds must be exported first.
 */
export class NewerVersionError extends Error {
  constructor() {
    super(
      'History could not be opened again: another tab opened it with a newer version of ' +
        'Verify Desk. Export JSON from History first to keep what this tab holds, then reload ' +
        'this tab to use the newer version.',
    )
  }
}

function isClosedError(cause: unknown): boolean {
  return (
    typeof cause === 'object' &&
    cause !== null &&
    (cause as { name?: unknown }).name === 'InvalidStateError'
  )
}

/**
 * Opens (and if needed creates or migrates) the history database. When the connection is closed
 * under it (another tab opens a newer version or deletes the database, or the browser ends it), the
 * next operation opens it again; if that is refused (a newer version now owns it), the operation
 * fails with a `NewerVersionError` (export first, then reload).
 */
export async function openHistoryDb(options: OpenHistoryDbOptions = {}): Promise<HistoryDb> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available here.')
  const name = options.name ?? HISTORY_DB_NAME
  let migrated = 0
  let current: IDBPDatabase<HistorySchema> | null = null
  let opening: Promise<IDBPDatabase<HistorySchema>> | null = null
  let closedForGood = false

  async function open(): Promise<IDBPDatabase<HistorySchema>> {
    const db: IDBPDatabase<HistorySchema> = await openDB<HistorySchema>(name, HISTORY_DB_VERSION, {
      async upgrade(database, oldVersion, _newVersion, tx) {
        migrated += await upgradeHistory(database, oldVersion, tx)
      },
      blocking() {
        // Another tab opens a newer version (or deletes the database): let it. The next
        // operation here opens the database again, or says to reload.
        if (current === db) current = null
        db.close()
      },
      terminated() {
        if (current === db) current = null
      },
    })
    return db
  }

  async function connection(): Promise<IDBPDatabase<HistorySchema>> {
    if (current) return current
    if (closedForGood) throw new Error('History is closed.')
    opening ??= open().then(
      (db) => {
        opening = null
        current = db
        return db
      },
      (cause: unknown) => {
        opening = null
        if ((cause as { name?: unknown } | null)?.name === 'VersionError') {
          throw new NewerVersionError()
        }
        throw cause
      },
    )
    return opening
  }

  /** Runs `fn` on an open connection; once more on a new one if this one was closed meanwhile. */
  async function run<T>(fn: (db: IDBPDatabase<HistorySchema>) => Promise<T>): Promise<T> {
    const db = await connection()
    try {
      return await fn(db)
    } catch (cause) {
      if (!isClosedError(cause) || closedForGood) throw cause
      if (current === db) current = null
      return fn(await connection())
    }
  }

  await connection()
  return indexedDbHistory(run, migrated, () => {
    closedForGood = true
    current?.close()
    current = null
  })
}

/** Creates or migrates the stores; returns how many records were moved from an older shape. */
async function upgradeHistory(
  database: IDBPDatabase<HistorySchema>,
  oldVersion: number,
  tx: IDBPTransaction<HistorySchema, ArrayLike<StoreNames<HistorySchema>>, 'versionchange'>,
): Promise<number> {
  let migrated = 0
  if (oldVersion < 2) {
    const entries = database.createObjectStore(ENTRIES_STORE, { keyPath: 'request_id' })
    entries.createIndex('updatedAt', 'updatedAt')
    entries.createIndex('createdAt', 'createdAt')
    database.createObjectStore(QUARANTINE_STORE, { autoIncrement: true })
  }
  if (oldVersion < 3) {
    // The entries are unchanged; the call log gets its own store.
    const calls = database.createObjectStore(CALLS_STORE, { keyPath: 'key' })
    calls.createIndex('request_id', 'request_id')
  }
  const names = database.objectStoreNames as unknown as DOMStringList
  if (oldVersion >= 1 && names.contains(V1_STORE)) {
    // The v1 store is not part of the current schema type: reach it untyped.
    const untyped = tx as unknown as {
      objectStore(name: string): {
        getAll(): Promise<unknown[]>
        getAllKeys(): Promise<IDBValidKey[]>
      }
    }
    const old = untyped.objectStore(V1_STORE)
    const [keys, records] = await Promise.all([old.getAllKeys(), old.getAll()])
    const target = tx.objectStore(ENTRIES_STORE)
    const quarantine = tx.objectStore(QUARANTINE_STORE)
    for (let i = 0; i < records.length; i++) {
      const read = readEntry(records[i])
      if ('entry' in read) {
        await target.put(read.entry)
        migrated++
      } else {
        const key = String(keys[i])
        await quarantine.add({
          key,
          raw: records[i],
          problems: read.problems,
          at: Date.now(),
        })
      }
    }
    ;(database as unknown as IDBDatabase).deleteObjectStore(V1_STORE)
  }
  return migrated
}

type Run = <T>(fn: (db: IDBPDatabase<HistorySchema>) => Promise<T>) => Promise<T>

function indexedDbHistory(run: Run, migrated: number, close: () => void): HistoryDb {
  return {
    kind: 'indexeddb',
    migrated,
    count() {
      return run((db) => db.count(ENTRIES_STORE))
    },
    loadNewest(limit) {
      return run(async (db) => {
        // Find the createdAt of the limit-th newest entry with a key cursor (two round trips),
        // then read everything from there in one getAll.
        const index = db.transaction(ENTRIES_STORE, 'readonly').store.index('createdAt')
        let cursor = await index.openKeyCursor(null, 'prev')
        if (cursor && limit > 1) cursor = await cursor.advance(limit - 1)
        const records = (await index.getAll(
          cursor ? IDBKeyRange.lowerBound(cursor.key) : null,
        )) as unknown[]
        const out: HistoryEntry[] = []
        for (const raw of records) {
          const read = readEntry(raw)
          if ('entry' in read) out.push(read.entry)
        }
        return out
      })
    },
    async loadAll(onChunk) {
      const entries: HistoryEntry[] = []
      const damaged: DamagedRecord[] = (await run((db) => db.getAll(QUARANTINE_STORE))).map(
        (q) => ({ key: q.key, problems: q.problems }),
      )
      let after: string | null = null
      for (;;) {
        const range: IDBKeyRange | null =
          after === null ? null : IDBKeyRange.lowerBound(after, true)
        const records = (await run((db) =>
          db.getAll(ENTRIES_STORE, range, LOAD_CHUNK),
        )) as unknown[]
        const chunk: HistoryEntry[] = []
        for (const raw of records) {
          const read = readEntry(raw)
          if ('entry' in read) chunk.push(read.entry)
          else damaged.push({ key: keyOf(raw), problems: read.problems })
        }
        if (!onChunk) entries.push(...chunk)
        else if (chunk.length > 0) onChunk(chunk)
        if (records.length < LOAD_CHUNK) break
        after = keyOf(records[records.length - 1])
      }
      return { entries, damaged }
    },
    update(id, next) {
      return run(async (db) => {
        const tx = db.transaction(ENTRIES_STORE, 'readwrite')
        const stored = storedOrUndefined(await tx.store.get(id))
        const result = next(stored)
        if (result) await tx.store.put(result)
        await tx.done
        return result
      })
    },
    updateMany(items, options = {}) {
      return run(async (db) => {
        const tx = db.transaction(ENTRIES_STORE, 'readwrite')
        return inOneTransaction(tx, () =>
          changeInBatches(
            tx.store,
            items,
            (item) => item.id,
            (item, stored) => item.next(stored),
            options.onProgress,
          ),
        )
      })
    },
    importMany(items, callsFor, options = {}) {
      return run(async (db) => {
        const tx = db.transaction([ENTRIES_STORE, CALLS_STORE], 'readwrite')
        return inOneTransaction(tx, async () => {
          const written = await changeInBatches(
            tx.objectStore(ENTRIES_STORE),
            items,
            (item) => item.id,
            (item, stored) => item.next(stored),
            options.onProgress,
          )
          const newCalls = await putCalls(tx.objectStore(CALLS_STORE), callsFor())
          return { written, newCalls }
        })
      })
    },
    mergeMany(incoming) {
      return run(async (db) => {
        const tx = db.transaction(ENTRIES_STORE, 'readwrite')
        return inOneTransaction(tx, () =>
          changeInBatches(
            tx.store,
            incoming,
            (entry) => entry.request_id,
            (entry, stored) => {
              const merged = mergeEntries(stored, entry)
              return stored && sameEntry(stored, merged) ? null : merged
            },
          ),
        )
      })
    },
    remove(ids) {
      return run(async (db) => {
        const tx = db.transaction([ENTRIES_STORE, CALLS_STORE], 'readwrite')
        const entries = tx.objectStore(ENTRIES_STORE)
        const calls = tx.objectStore(CALLS_STORE)
        const byRequest = calls.index('request_id')
        await Promise.all([
          ...ids.map(async (id) => {
            await entries.delete(id)
            const keys = await byRequest.getAllKeys(id)
            await Promise.all(keys.map((key) => calls.delete(key)))
          }),
          tx.done,
        ])
      })
    },
    clear() {
      return run(async (db) => {
        const tx = db.transaction([ENTRIES_STORE, QUARANTINE_STORE, CALLS_STORE], 'readwrite')
        await Promise.all([
          tx.objectStore(ENTRIES_STORE).clear(),
          tx.objectStore(QUARANTINE_STORE).clear(),
          tx.objectStore(CALLS_STORE).clear(),
          tx.done,
        ])
      })
    },
    async addCalls(records) {
      if (records.length === 0) return 0
      return run(async (db) => {
        const tx = db.transaction(CALLS_STORE, 'readwrite')
        const added = await putCalls(tx.store, records)
        await tx.done
        return added
      })
    },
    async loadCalls(requestId) {
      return readableCalls(
        await run((db) => db.getAllFromIndex(CALLS_STORE, 'request_id', requestId)),
      )
    },
    async loadAllCalls() {
      return readableCalls(await run((db) => db.getAll(CALLS_STORE)))
    },
    close,
  }
}

/** The entries store within a read-write transaction (over it alone, or with other stores). */
interface EntriesStore {
  get(id: string): Promise<unknown>
  put(entry: HistoryEntry): Promise<unknown>
}

/** The calls store within a read-write transaction (over it alone, or with other stores). */
type CallsStore = IDBPObjectStore<
  HistorySchema,
  ArrayLike<StoreNames<HistorySchema>>,
  'calls',
  'readwrite'
>

/**
 * Stores call records in the caller's transaction, then drops the oldest of each request beyond
 * the caps; returns how many keys were not stored before.
 */
async function putCalls(store: CallsStore, records: readonly StoredCall[]): Promise<number> {
  let added = 0
  for (const record of records) {
    if ((await store.getKey(record.key)) === undefined) added++
    await store.put(record)
  }
  for (const id of new Set(records.map((r) => r.request_id))) {
    const stored = await store.index('request_id').getAll(id)
    for (const key of overflowKeys(prunableCalls(stored))) await store.delete(key)
  }
  return added
}

/**
 * Runs `fn` in `tx`, all or nothing: when `fn` fails, the transaction is aborted (nothing it
 * wrote stays) and `fn`'s error is thrown; otherwise the transaction's end is awaited.
 */
async function inOneTransaction<T>(
  tx: { done: Promise<void>; abort(): void },
  fn: () => Promise<T>,
): Promise<T> {
  // Awaited below; this only keeps an abort from being reported as unhandled meanwhile.
  tx.done.catch(() => {})
  let result: T
  try {
    result = await fn()
  } catch (cause) {
    try {
      tx.abort()
    } catch {
      // Already finished or aborted (e.g. by the failed request itself).
    }
    throw cause
  }
  await tx.done
  return result
}

/**
 * Entries read, changed and written per round trip: few round trips for a large import (each
 * read of an entry awaited in turn would be one per entry), and short pauses of the page between
 * batches (the transaction stays open while its requests run).
 */
const BATCH = 2000

/**
 * Changes `items` in batches, within the caller's transaction: the stored copies of a batch are
 * read with all requests in flight at once, then `change` computes each new entry (null: leave it
 * alone) in the order given, then the batch's writes are sent and the next batch is read (requests
 * of a transaction run in order, so it sees them). The outcome is the one of reading and writing
 * each item in turn. When a write fails, its error is thrown (not the abort it causes).
 */
async function changeInBatches<I>(
  store: EntriesStore,
  items: readonly I[],
  idOf: (item: I) => string,
  change: (item: I, stored: HistoryEntry | undefined) => HistoryEntry | null,
  onProgress?: (part: number) => void,
): Promise<HistoryEntry[]> {
  const results: HistoryEntry[] = []
  const writes: Promise<unknown>[] = []
  let writeError: { cause: unknown } | null = null
  try {
    for (let from = 0; from < items.length; from += BATCH) {
      const batch = items.slice(from, from + BATCH)
      const stored = await readStored(store, batch.map(idOf))
      for (const item of batch) {
        const result = change(item, stored.current(idOf(item)))
        if (!result) continue
        stored.wrote(result)
        results.push(result)
        const write = store.put(result)
        write.catch((cause: unknown) => {
          writeError ??= { cause }
        })
        writes.push(write)
      }
      onProgress?.((from + batch.length) / items.length)
    }
    await Promise.all(writes)
  } catch (cause) {
    throw (writeError as { cause: unknown } | null)?.cause ?? cause
  }
  return results
}

/**
 * The stored copy of each id, read with every request in flight at once. `current` answers what a
 * read in the same transaction would return at this point: after `wrote`, the copy just written
 * (an id given twice sees its first change, as when each entry is read and written in turn).
 */
async function readStored(
  store: EntriesStore,
  ids: readonly string[],
): Promise<{
  current(id: string): HistoryEntry | undefined
  wrote(entry: HistoryEntry): void
}> {
  const distinct = [...new Set(ids)]
  const raws = await allInFlight(distinct.map((id) => () => store.get(id)))
  const stored = new Map<string, HistoryEntry | undefined>()
  for (let i = 0; i < distinct.length; i++) stored.set(distinct[i]!, storedOrUndefined(raws[i]))
  const repeated = distinct.length < ids.length ? repeatedIds(ids) : new Set<string>()
  return {
    current: (id) => stored.get(id),
    wrote(entry) {
      // Only an id read again needs the copy as stored (a structured clone, as IndexedDB keeps it).
      if (repeated.has(entry.request_id)) {
        stored.set(entry.request_id, storedOrUndefined(structuredClone(entry)))
      }
    },
  }
}

function repeatedIds(ids: readonly string[]): Set<string> {
  const seen = new Set<string>()
  const repeated = new Set<string>()
  for (const id of ids) {
    if (seen.has(id)) repeated.add(id)
    else seen.add(id)
  }
  return repeated
}

/**
 * Starts every request, then waits for all. A request refused at once (it throws) ends the batch
 * with its error; those started before it then fail with the transaction's abort, which is the
 * same failure and not reported again.
 */
async function allInFlight<T>(requests: readonly (() => Promise<T>)[]): Promise<T[]> {
  const started: Promise<T>[] = []
  for (const request of requests) {
    const promise = request()
    promise.catch(() => {})
    started.push(promise)
  }
  return Promise.all(started)
}

/**
 * The records pruning needs to order (kind, key, start time, id): a cheap check on the write path,
 * which runs on every poll; reads shown to the user go through the full check (`readableCalls`).
 */
function prunableCalls(stored: readonly unknown[]): StoredCall[] {
  return stored.filter((raw): raw is StoredCall => {
    const r = raw as Partial<StoredCall> | null
    return (
      typeof r === 'object' &&
      r !== null &&
      (r.kind === 'action' || r.kind === 'read') &&
      typeof r.key === 'string' &&
      typeof r.call?.startedAt === 'number' &&
      typeof r.call.id === 'number'
    )
  })
}

/** Call records as read back from IndexedDB, without the damaged ones. */
function readableCalls(stored: readonly unknown[]): StoredCall[] {
  return stored.map(readStoredCall).filter((r): r is StoredCall => r !== null)
}

/** The fallback when IndexedDB cannot open: same behaviour, nothing survives a reload. */
export function memoryHistoryDb(): HistoryDb {
  const records = new Map<string, HistoryEntry>()
  const calls = new Map<string, StoredCall>()
  const callsOf = (id: string) => [...calls.values()].filter((c) => c.request_id === id)
  return {
    kind: 'memory',
    migrated: 0,
    async count() {
      return records.size
    },
    async loadNewest(limit) {
      return [...records.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit)
    },
    async loadAll(onChunk) {
      const entries = [...records.values()]
      if (!onChunk) return { entries, damaged: [] }
      if (entries.length > 0) onChunk(entries)
      return { entries: [], damaged: [] }
    },
    async update(id, next) {
      const result = next(records.get(id))
      if (result) records.set(id, result)
      return result
    },
    async updateMany(items, options = {}) {
      const results: HistoryEntry[] = []
      for (let i = 0; i < items.length; i++) {
        const { id, next } = items[i]!
        const result = next(records.get(id))
        if (result) {
          records.set(id, result)
          results.push(result)
        }
        options.onProgress?.((i + 1) / items.length)
      }
      return results
    },
    async importMany(items, callsFor, options = {}) {
      // All or none: what was there before is put back when anything fails.
      const before = { records: new Map(records), calls: new Map(calls) }
      try {
        const written = await this.updateMany(items, options)
        const newCalls = await this.addCalls(callsFor())
        return { written, newCalls }
      } catch (cause) {
        records.clear()
        calls.clear()
        for (const [k, v] of before.records) records.set(k, v)
        for (const [k, v] of before.calls) calls.set(k, v)
        throw cause
      }
    },
    async mergeMany(incoming) {
      const changed: HistoryEntry[] = []
      for (const entry of incoming) {
        const stored = records.get(entry.request_id)
        const merged = mergeEntries(stored, entry)
        if (stored && sameEntry(stored, merged)) continue
        records.set(merged.request_id, merged)
        changed.push(merged)
      }
      return changed
    },
    async remove(ids) {
      for (const id of ids) {
        records.delete(id)
        for (const call of callsOf(id)) calls.delete(call.key)
      }
    },
    async clear() {
      records.clear()
      calls.clear()
    },
    async addCalls(incoming) {
      let added = 0
      for (const record of incoming) {
        if (!calls.has(record.key)) added++
        calls.set(record.key, record)
      }
      for (const id of new Set(incoming.map((r) => r.request_id))) {
        for (const key of overflowKeys(callsOf(id))) calls.delete(key)
      }
      return added
    },
    async loadCalls(requestId) {
      return callsOf(requestId)
    },
    async loadAllCalls() {
      return [...calls.values()]
    },
    close() {},
  }
}
