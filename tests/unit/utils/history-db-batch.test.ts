/**
 * Batched writes of history on IndexedDB (fake-indexeddb): every entry of a batch is read at once,
 * then written, in one transaction. The outcome must be the one of reading and writing each entry
 * in turn (the in-memory store does exactly that): same entries returned, same entries stored,
 * an id given twice sees its first change, and nothing is written when the batch fails.
 */
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { memoryHistoryDb, openHistoryDb, type HistoryDb } from '@/utils/history-db'
import type { HistoryEntry } from '@/utils/history-entry'
import type { StoredCall } from '@/utils/call-log'
import { entry, storedCall } from '../stores/history-support'

let counter = 0
let db: HistoryDb

beforeEach(async () => {
  globalThis.indexedDB = new IDBFactory()
  db = await openHistoryDb({ name: `history-db-batch-${++counter}` })
})
afterEach(() => db.close())

async function stored(target: HistoryDb): Promise<HistoryEntry[]> {
  const { entries } = await target.loadAll()
  return entries.sort((a, b) => a.request_id.localeCompare(b.request_id))
}

/** An entry of the small pool (so batches repeat ids and meet stored ones). */
const pooled = fc
  .record({
    n: fc.integer({ min: 1, max: 12 }),
    updatedAt: fc.integer({ min: 0, max: 5 }),
    status: fc.constantFrom('IN PROGRESS', 'SUCCESS', 'FAILED') as fc.Arbitrary<
      HistoryEntry['status']
    >,
  })
  .map(({ n, updatedAt, status }) =>
    entry(n, { status, updatedAt: 1_700_000_000_000 + updatedAt * 1000 }),
  )

/** What `next` does with the stored copy: replace it, bump it, or leave it alone. */
type Step = { entry: HistoryEntry; action: 'put' | 'bump' | 'skip' }
const steps = fc.array(
  fc.record({
    entry: pooled,
    action: fc.constantFrom('put', 'bump', 'skip'),
  }) as fc.Arbitrary<Step>,
  { maxLength: 30 },
)

function items(batch: readonly Step[], seen: (HistoryEntry | undefined)[]) {
  return batch.map(({ entry: given, action }) => ({
    id: given.request_id,
    next: (current: HistoryEntry | undefined): HistoryEntry | null => {
      seen.push(current)
      if (action === 'skip') return null
      if (action === 'put' || !current) return given
      return { ...current, updatedAt: current.updatedAt + 1, brand: `${current.brand}+` }
    },
  }))
}

describe('updateMany on IndexedDB', () => {
  it('returns, stores and shows each `next` what reading and writing in turn would', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pooled, { maxLength: 8 }), steps, async (initial, batch) => {
        globalThis.indexedDB = new IDBFactory()
        const idb = await openHistoryDb({ name: `history-db-batch-p${++counter}` })
        const memory = memoryHistoryDb()
        try {
          await idb.mergeMany(initial)
          await memory.mergeMany(initial)
          const seenIdb: (HistoryEntry | undefined)[] = []
          const seenMemory: (HistoryEntry | undefined)[] = []
          const written = await idb.updateMany(items(batch, seenIdb))
          expect(written).toEqual(await memory.updateMany(items(batch, seenMemory)))
          expect(seenIdb).toEqual(seenMemory)
          expect(await stored(idb)).toEqual(await stored(memory))
        } finally {
          idb.close()
        }
      }),
      { numRuns: 40, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
  })

  it('writes a batch of 3000 entries, each read once, in one call', async () => {
    await db.mergeMany([entry(5, { brand: 'Stored' })])
    const batch = Array.from({ length: 3000 }, (_, i) => entry(i + 1))
    const seen: (HistoryEntry | undefined)[] = []
    const written = await db.updateMany(
      batch.map((given) => ({
        id: given.request_id,
        next: (current) => {
          seen.push(current)
          return current ? { ...current, brand: `${current.brand} again` } : given
        },
      })),
    )
    expect(written).toHaveLength(3000)
    expect(seen.filter(Boolean)).toEqual([entry(5, { brand: 'Stored' })])
    const all = await stored(db)
    expect(all).toHaveLength(3000)
    expect(all.find((e) => e.request_id === entry(5).request_id)?.brand).toBe('Stored again')
  })

  it('shows an id given again, many entries later, its first change, and tells progress', async () => {
    const batch = Array.from({ length: 4500 }, (_, i) => entry(i + 1))
    batch.push(entry(7, { brand: 'Second' }))
    const seen: (HistoryEntry | undefined)[] = []
    const parts: number[] = []
    const written = await db.updateMany(
      batch.map((given) => ({
        id: given.request_id,
        next: (current) => {
          if (given.request_id === entry(7).request_id) seen.push(current)
          return current ? { ...current, brand: `${current.brand} then ${given.brand}` } : given
        },
      })),
      { onProgress: (part) => parts.push(part) },
    )
    expect(written).toHaveLength(4501)
    expect(seen).toEqual([undefined, entry(7)])
    const all = await stored(db)
    expect(all.find((e) => e.request_id === entry(7).request_id)?.brand).toBe('Brand 7 then Second')
    expect(parts.length).toBeGreaterThan(1)
    expect(parts).toEqual([...parts].sort((a, b) => a - b))
    expect(parts.at(-1)).toBe(1)
  })

  it('writes nothing when `next` fails part-way', async () => {
    await db.mergeMany([entry(1)])
    const failing = [entry(2), entry(3), entry(4)].map((given, i) => ({
      id: given.request_id,
      next: () => {
        if (i === 2) throw new Error('no such thing')
        return given
      },
    }))
    await expect(db.updateMany(failing)).rejects.toThrow('no such thing')
    expect(await stored(db)).toEqual([entry(1)])
  })

  it('writes nothing when one write of the batch is refused', async () => {
    await db.mergeMany([entry(1)])
    const refused = { ...entry(3), request_id: undefined } as unknown as HistoryEntry
    const batch = [entry(2), refused, entry(4)]
    await expect(
      db.updateMany(batch.map((given, i) => ({ id: `id-${i}`, next: () => given }))),
    ).rejects.toThrow()
    expect(await stored(db)).toEqual([entry(1)])
  })
})

describe('mergeMany on IndexedDB', () => {
  it('returns and stores what merging entry by entry would', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(pooled, { maxLength: 8 }),
        fc.array(pooled, { maxLength: 30 }),
        async (initial, incoming) => {
          globalThis.indexedDB = new IDBFactory()
          const idb = await openHistoryDb({ name: `history-db-batch-m${++counter}` })
          const memory = memoryHistoryDb()
          try {
            await idb.mergeMany(initial)
            await memory.mergeMany(initial)
            expect(await idb.mergeMany(incoming)).toEqual(await memory.mergeMany(incoming))
            expect(await stored(idb)).toEqual(await stored(memory))
          } finally {
            idb.close()
          }
        },
      ),
      { numRuns: 40, seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    )
  })

  it('writes nothing when one write of the batch is refused', async () => {
    await db.mergeMany([entry(1)])
    const refused = {
      ...entry(3),
      params: { brand: () => 'not storable' },
    } as unknown as HistoryEntry
    await expect(db.mergeMany([entry(2), refused, entry(4)])).rejects.toThrow()
    expect(await stored(db)).toEqual([entry(1)])
  })
})

describe('importMany: entries and call records in one transaction', () => {
  function callOf(e: HistoryEntry, key = 'read-1'): StoredCall {
    return storedCall(e.request_id, 1, { key, startedAt: e.createdAt + 10 })
  }

  for (const kind of ['indexeddb', 'memory'] as const) {
    it(`${kind}: writes the entries and the call records it names (asked once)`, async () => {
      const target = kind === 'memory' ? memoryHistoryDb() : db
      const items = [entry(1), entry(2), entry(3)]
      let named = 0
      const { written, newCalls } = await target.importMany(
        items.map((e) => ({ id: e.request_id, next: () => e })),
        () => {
          named++
          return [callOf(items[0]!), callOf(items[2]!)]
        },
      )
      expect(written).toEqual(items)
      expect(newCalls).toBe(2)
      expect(await stored(target)).toEqual(items)
      expect((await target.loadAllCalls()).map((c) => c.request_id).sort()).toEqual(
        [items[0]!.request_id, items[2]!.request_id].sort(),
      )
      expect(named).toBe(1)
    })

    it(`${kind}: writes no entry when a call record cannot be written`, async () => {
      const target = kind === 'memory' ? memoryHistoryDb() : db
      await target.updateMany([{ id: entry(9).request_id, next: () => entry(9) }])
      const items = [entry(1), entry(2)]
      const broken = { ...callOf(entry(1)), key: undefined } as unknown as StoredCall
      const failing: HistoryDb =
        kind === 'memory'
          ? {
              ...target,
              addCalls: async () => {
                throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
              },
            }
          : target
      await expect(
        failing.importMany(
          items.map((e) => ({ id: e.request_id, next: () => e })),
          () => [callOf(entry(2)), broken],
        ),
      ).rejects.toThrow()
      // Only what was there before.
      expect(await stored(target)).toEqual([entry(9)])
      expect(await target.loadAllCalls()).toEqual([])
    })
  }
})
