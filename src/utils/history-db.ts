/**
 * Where history lives: IndexedDB (through idb), one record per request keyed by `request_id`.
 * Every write is per entry and read-merge-write inside one transaction, so two tabs never
 * overwrite each other's entries. When IndexedDB cannot open, an in-memory store with the same
 * interface takes over (the store shows a warning).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import { mergeEntries, readEntry, sameEntry, type HistoryEntry } from './history-entry'

export const HISTORY_DB_NAME = 'verify-desk'
/** 1: store `requests` keyed by `id` (schema 1). 2: store `entries` keyed by `request_id`. */
export const HISTORY_DB_VERSION = 2
export const ENTRIES_STORE = 'entries'
export const QUARANTINE_STORE = 'quarantine'
const V1_STORE = 'requests'

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
}

export interface HistoryDb {
  readonly kind: 'indexeddb' | 'memory'
  /** Records moved from an older shape when the database was opened. */
  readonly migrated: number
  /** Every readable entry (one getAll) and what could not be read. */
  loadAll(): Promise<{ entries: HistoryEntry[]; damaged: DamagedRecord[] }>
  /**
   * Reads the stored copy of one entry, lets `next` compute the new one from it, writes it.
   * One transaction, so a concurrent writer in another tab is merged, not overwritten.
   */
  update(
    id: string,
    next: (stored: HistoryEntry | undefined) => HistoryEntry | null,
  ): Promise<HistoryEntry | null>
  /** `update` for several entries in one transaction; results in the same order. */
  updateMany(
    items: readonly { id: string; next: (stored: HistoryEntry | undefined) => HistoryEntry }[],
  ): Promise<HistoryEntry[]>
  /** Merges many entries (newer `updatedAt` wins); returns the stored entries that changed. */
  mergeMany(entries: readonly HistoryEntry[]): Promise<HistoryEntry[]>
  remove(ids: readonly string[]): Promise<void>
  clear(): Promise<void>
  close(): void
}

export interface OpenHistoryDbOptions {
  /** @default 'verify-desk' */
  name?: string
}

function storedOrUndefined(raw: unknown): HistoryEntry | undefined {
  const read = readEntry(raw)
  return 'entry' in read ? read.entry : undefined
}

/** Opens (and if needed creates or migrates) the history database. */
export async function openHistoryDb(options: OpenHistoryDbOptions = {}): Promise<HistoryDb> {
  if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available here.')
  let migrated = 0
  const db: IDBPDatabase<HistorySchema> = await openDB<HistorySchema>(
    options.name ?? HISTORY_DB_NAME,
    HISTORY_DB_VERSION,
    {
      async upgrade(database, oldVersion, _newVersion, tx) {
        if (oldVersion < 2) {
          const entries = database.createObjectStore(ENTRIES_STORE, { keyPath: 'request_id' })
          entries.createIndex('updatedAt', 'updatedAt')
          entries.createIndex('createdAt', 'createdAt')
          database.createObjectStore(QUARANTINE_STORE, { autoIncrement: true })
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
      },
      blocking() {
        // Another tab opens a newer version: let it, this tab reloads its data on next start.
        db.close()
      },
    },
  )
  return indexedDbHistory(db, migrated)
}

function indexedDbHistory(db: IDBPDatabase<HistorySchema>, migrated: number): HistoryDb {
  return {
    kind: 'indexeddb',
    migrated,
    async loadAll() {
      const tx = db.transaction([ENTRIES_STORE, QUARANTINE_STORE], 'readonly')
      const store = tx.objectStore(ENTRIES_STORE)
      const [keys, records, quarantined] = await Promise.all([
        store.getAllKeys(),
        store.getAll() as Promise<unknown[]>,
        tx.objectStore(QUARANTINE_STORE).getAll(),
      ])
      const entries: HistoryEntry[] = []
      const damaged: DamagedRecord[] = quarantined.map((q) => ({
        key: q.key,
        problems: q.problems,
      }))
      for (let i = 0; i < records.length; i++) {
        const read = readEntry(records[i])
        if ('entry' in read) entries.push(read.entry)
        else damaged.push({ key: String(keys[i]), problems: read.problems })
      }
      return { entries, damaged }
    },
    async update(id, next) {
      const tx = db.transaction(ENTRIES_STORE, 'readwrite')
      const stored = storedOrUndefined(await tx.store.get(id))
      const result = next(stored)
      if (result) await tx.store.put(result)
      await tx.done
      return result
    },
    async updateMany(items) {
      const tx = db.transaction(ENTRIES_STORE, 'readwrite')
      const results: HistoryEntry[] = []
      for (const { id, next } of items) {
        const result = next(storedOrUndefined(await tx.store.get(id)))
        await tx.store.put(result)
        results.push(result)
      }
      await tx.done
      return results
    },
    async mergeMany(incoming) {
      const tx = db.transaction(ENTRIES_STORE, 'readwrite')
      const changed: HistoryEntry[] = []
      for (const entry of incoming) {
        const stored = storedOrUndefined(await tx.store.get(entry.request_id))
        const merged = mergeEntries(stored, entry)
        if (stored && sameEntry(stored, merged)) continue
        await tx.store.put(merged)
        changed.push(merged)
      }
      await tx.done
      return changed
    },
    async remove(ids) {
      const tx = db.transaction(ENTRIES_STORE, 'readwrite')
      await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done])
    },
    async clear() {
      const tx = db.transaction([ENTRIES_STORE, QUARANTINE_STORE], 'readwrite')
      await Promise.all([
        tx.objectStore(ENTRIES_STORE).clear(),
        tx.objectStore(QUARANTINE_STORE).clear(),
        tx.done,
      ])
    },
    close() {
      db.close()
    },
  }
}

/** The fallback when IndexedDB cannot open: same behaviour, nothing survives a reload. */
export function memoryHistoryDb(): HistoryDb {
  const records = new Map<string, HistoryEntry>()
  return {
    kind: 'memory',
    migrated: 0,
    async loadAll() {
      return { entries: [...records.values()], damaged: [] }
    },
    async update(id, next) {
      const result = next(records.get(id))
      if (result) records.set(id, result)
      return result
    },
    async updateMany(items) {
      return items.map(({ id, next }) => {
        const result = next(records.get(id))
        records.set(id, result)
        return result
      })
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
      for (const id of ids) records.delete(id)
    },
    async clear() {
      records.clear()
    },
    close() {},
  }
}
