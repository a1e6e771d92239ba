/**
 * A second copy of the starts without an answer, in IndexedDB: local storage is written to disk
 * lazily (a browser that ends abruptly a moment after a write may lose it), while an IndexedDB
 * transaction with strict durability is on disk once it completes. One record per start, keyed
 * by its id. Every write is queued, so they reach the database in the order they were made.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'

export const STARTS_DB_NAME = 'verify-desk-starts'
const STARTS_DB_VERSION = 1
const STORE = 'starts'

interface StartsSchema extends DBSchema {
  starts: { key: string; value: { id: string } }
}

export interface StartsDb {
  /** Every stored record, as stored (the caller checks each). */
  readAll(): Promise<unknown[]>
  /** Writes records and removes ids, in one transaction, after every write asked for before. */
  write(put: readonly { id: string }[], remove: readonly string[]): Promise<void>
}

/**
 * The database, opened on first use; null when this browser has no IndexedDB. A write that
 * fails rejects its promise and leaves the queue going.
 */
export function startsDb(name: string = STARTS_DB_NAME): StartsDb | null {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB
  if (!factory) return null
  let opening: Promise<IDBPDatabase<StartsSchema>> | null = null
  let queue: Promise<unknown> = Promise.resolve()

  function connection(): Promise<IDBPDatabase<StartsSchema>> {
    opening ??= openDB<StartsSchema>(name, STARTS_DB_VERSION, {
      upgrade(database) {
        database.createObjectStore(STORE, { keyPath: 'id' })
      },
      blocking(_current, _next, event) {
        // A newer version elsewhere: let it open; the next write here opens again.
        ;(event.target as IDBDatabase).close()
        opening = null
      },
      terminated() {
        opening = null
      },
    }).catch((cause: unknown) => {
      opening = null
      throw cause
    })
    return opening
  }

  function queued<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn)
    queue = run.catch(() => {})
    return run
  }

  return {
    readAll() {
      return queued(async () => (await connection()).getAll(STORE))
    },
    write(put, remove) {
      if (put.length === 0 && remove.length === 0) return queue.then(() => {})
      return queued(async () => {
        const db = await connection()
        const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' })
        await Promise.all([
          ...put.map((record) => tx.store.put(record)),
          ...remove.map((id) => tx.store.delete(id)),
          tx.done,
        ])
      })
    },
  }
}
