/**
 * The import worker's job as a plain function (the worker only wires it to postMessage): the
 * messages it posts, in order, and what it writes, with the same rules and counts as the store's
 * own import on the page.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  FIRST_SCREEN,
  LOAD_CHUNK,
  memoryHistoryDb,
  openHistoryDb,
  type HistoryDb,
  type HistoryTabMessage,
} from '@/utils/history-db'
import { historyStoreOptions } from '@/stores/requests'
import { IMPORT_PROGRESS_STEP, historyToJson, parseHistoryFile } from '@/utils/history-io'
import type { StoredCall } from '@/utils/call-log'
import type { HistoryEntry } from '@/utils/history-entry'
import { runImportJob, type ImportMessage, type ImportRequest } from '@/workers/history-import-job'
import {
  closeTabs,
  entry,
  freshHistoryEnvironment,
  openTab,
  requestId,
  storedCall,
} from '../stores/history-support'

// Imports of thousands of entries, saved and read back: many seconds on a busy machine. The time
// limits here (the tests' and their waits') only catch a hang.
vi.setConfig({ testTimeout: 120_000 })

const NOW = Date.UTC(2026, 10, 20)
const DAY = 86_400_000

function call(n: number, key = `read-${n}`): StoredCall {
  return storedCall(requestId(n), n, { key })
}

function request(text: string, patch: Partial<ImportRequest> = {}): ImportRequest {
  return {
    type: 'import',
    file: new Blob([text], { type: 'application/json' }),
    retentionDays: 0,
    now: NOW,
    ...patch,
  }
}

/** What the last `run` said to the other tabs, in order. */
let announced: HistoryTabMessage[] = []

/** Runs the job against `db`, saying yes to saving; returns every message it posted. */
async function run(
  text: string,
  db: HistoryDb,
  patch: Partial<ImportRequest> = {},
): Promise<ImportMessage[]> {
  const messages: ImportMessage[] = []
  announced = []
  await runImportJob(request(text, patch), {
    openDb: async () => db,
    post: (message) => messages.push(structuredClone(message)),
    announce: (message) => announced.push(structuredClone(message)),
    proceed: async () => {},
  })
  return messages
}

function last(messages: ImportMessage[]): ImportMessage | undefined {
  return messages[messages.length - 1]
}

describe('import job: a valid file', () => {
  it('reports each step, saves every entry and call, hands them back in chunks, then the counts', async () => {
    const count = 2 * IMPORT_PROGRESS_STEP + 300
    const entries = Array.from({ length: count }, (_, i) => entry(i + 1))
    const calls = [call(1), call(2), call(count)]
    const db = memoryHistoryDb()
    const messages = await run(historyToJson(entries, calls), db)

    const progress = messages.filter((m) => m.type === 'progress')
    expect(progress.filter((m) => m.phase === 'checking')).toEqual([
      { type: 'progress', phase: 'checking', done: IMPORT_PROGRESS_STEP, total: count },
      { type: 'progress', phase: 'checking', done: 2 * IMPORT_PROGRESS_STEP, total: count },
      { type: 'progress', phase: 'checking', done: count, total: count },
    ])
    const kinds = messages.map((m) => (m.type === 'progress' ? `progress:${m.phase}` : m.type))
    // In order: read, check, wait for the go-ahead, save, hand back, done.
    expect([...new Set(kinds)]).toEqual([
      'progress:reading',
      'progress:checking',
      'checked',
      'progress:saving',
      'entries',
      'done',
    ])
    expect(messages.find((m) => m.type === 'checked')).toEqual({ type: 'checked', total: count })
    const chunks = messages.filter((m) => m.type === 'entries')
    // A screenful first (an empty history shows its list at once), then chunks of LOAD_CHUNK.
    const rest = count - FIRST_SCREEN
    expect(chunks.map((m) => m.entries.length)).toEqual([
      FIRST_SCREEN,
      ...Array.from({ length: Math.ceil(rest / LOAD_CHUNK) }, (_, i) =>
        Math.min(LOAD_CHUNK, rest - i * LOAD_CHUNK),
      ),
    ])
    expect(chunks.every((m) => m.total === count)).toBe(true)
    const handedBack = chunks.flatMap((m) => m.entries)
    expect(handedBack).toEqual(entries)
    expect(last(messages)).toEqual({
      type: 'done',
      counts: { added: count, updated: 0, unchanged: 0, calls: 3, tooOld: 0, retentionDays: 0 },
    })

    expect(await db.count()).toBe(count)
    expect((await db.loadAllCalls()).map((c) => c.key).sort()).toEqual(
      calls.map((c) => c.key).sort(),
    )
  })

  it('counts only what is new when the same file is imported again', async () => {
    const text = historyToJson([entry(1), entry(2)], [call(1), call(2, 'read-b')])
    const db = memoryHistoryDb()
    await run(text, db)
    const again = await run(text, db)
    expect(last(again)).toEqual({
      type: 'done',
      counts: { added: 0, updated: 0, unchanged: 2, calls: 0, tooOld: 0, retentionDays: 0 },
    })
    expect(again.some((m) => m.type === 'entries')).toBe(false)
  })

  it('merges into what is stored: the newer copy wins, what only the older knows is kept', async () => {
    const db = memoryHistoryDb()
    await db.mergeMany([entry(1, { brand: 'Kept brand', updatedAt: 1_700_000_001_000 })])
    const newer = entry(1, { brand: '', status: 'SUCCESS', updatedAt: 1_700_000_500_000 })
    const messages = await run(historyToJson([newer]), db)
    expect(last(messages)).toMatchObject({ type: 'done', counts: { added: 0, updated: 1 } })
    const [stored] = (await db.loadAll()).entries
    expect(stored).toMatchObject({ status: 'SUCCESS', brand: 'Kept brand' })
    expect(messages.find((m) => m.type === 'entries')).toEqual({
      type: 'entries',
      entries: [stored],
      total: 1,
    })
  })

  it('leaves out what retention would remove at once, with its calls, and counts it', async () => {
    const old = NOW - 40 * DAY
    const oldDone = entry(1, {
      status: 'SUCCESS',
      createdAt: old,
      updatedAt: old,
      lastActivityAt: old,
    })
    const oldOpen = entry(2, { status: 'IN PROGRESS', createdAt: old, updatedAt: old })
    const recent = entry(3, { status: 'SUCCESS', createdAt: NOW - DAY, updatedAt: NOW - DAY })
    const db = memoryHistoryDb()
    const messages = await run(
      historyToJson([oldDone, oldOpen, recent], [call(1), call(2), call(3)]),
      db,
      { retentionDays: 30 },
    )
    expect(last(messages)).toEqual({
      type: 'done',
      counts: { added: 2, updated: 0, unchanged: 0, calls: 2, tooOld: 1, retentionDays: 30 },
    })
    expect((await db.loadAll()).entries.map((e) => e.request_id).sort()).toEqual([
      requestId(2),
      requestId(3),
    ])
    expect((await db.loadAllCalls()).map((c) => c.request_id).sort()).toEqual([
      requestId(2),
      requestId(3),
    ])
  })

  it('brings a last activity later than now (a clock ahead) back to now', async () => {
    const db = memoryHistoryDb()
    const ahead = entry(1, { updatedAt: NOW - DAY, lastActivityAt: NOW + DAY })
    await run(historyToJson([ahead, entry(2)]), db)
    const stored = (await db.loadAll()).entries
    expect(stored.find((e) => e.request_id === requestId(1))).toEqual({
      ...ahead,
      lastActivityAt: NOW,
    })
    expect(stored.find((e) => e.request_id === requestId(2))).toEqual(entry(2))
  })

  it('leaves out the fields history does not know', async () => {
    const db = memoryHistoryDb()
    const text = JSON.stringify({ entries: [{ ...entry(1), smsLog: ['x'] }] })
    const messages = await run(text, db)
    const [written] = messages.find((m) => m.type === 'entries')!.entries
    expect(written).toEqual(entry(1))
    expect((await db.loadAll()).entries[0]).not.toHaveProperty('smsLog')
  })
})

describe('import job: what is not imported', () => {
  async function refusedBy(text: string) {
    const messages: ImportMessage[] = []
    let opened = false
    await runImportJob(request(text), {
      openDb: async () => {
        opened = true
        return memoryHistoryDb()
      },
      post: (message) => messages.push(message),
      announce: () => {},
      proceed: async () => {},
    })
    expect(opened).toBe(false)
    expect(messages.some((m) => m.type === 'checked' || m.type === 'entries')).toBe(false)
    return last(messages)
  }

  it('refuses a file with bad entries with the problems parseHistoryFile names', async () => {
    const text = JSON.stringify({ entries: [entry(1), { ...entry(2), status: 'DONE' }] })
    let expected: string[] = []
    try {
      parseHistoryFile(text)
    } catch (error) {
      expected = (error as { problems: string[] }).problems
    }
    expect(expected).toHaveLength(1)
    expect(await refusedBy(text)).toEqual({ type: 'refused', problems: expected })
  })

  it('refuses another format and a newer schema version, as the page does', async () => {
    expect(await refusedBy(JSON.stringify({ format: 'other', entries: [] }))).toEqual({
      type: 'refused',
      problems: [
        'it is not a Verify Desk history export: its format is "other", not "verify-desk-history"',
      ],
    })
    const newer = await refusedBy(
      JSON.stringify({ format: 'verify-desk-history', schemaVersion: 99, entries: [] }),
    )
    expect(newer).toMatchObject({ type: 'refused' })
    expect((newer as { problems: string[] }).problems[0]).toMatch(
      /^it was exported by a newer version of Verify Desk \(history schemaVersion 99;/,
    )
    expect(await refusedBy('{"entries": [')).toMatchObject({
      type: 'refused',
      problems: [expect.stringMatching(/^it is not JSON \(/)],
    })
  })

  it('writes nothing before the page says to save (ending the worker then cancels)', async () => {
    const db = memoryHistoryDb()
    const messages: ImportMessage[] = []
    let opened = false
    void runImportJob(request(historyToJson([entry(1)])), {
      openDb: async () => {
        opened = true
        return db
      },
      post: (message) => messages.push(message),
      announce: () => {},
      proceed: () => new Promise<void>(() => {}),
    })
    await expect
      .poll(() => messages.some((m) => m.type === 'checked'), { timeout: 10_000 })
      .toBe(true)
    expect(opened).toBe(false)
    expect(await db.count()).toBe(0)
    expect(last(messages)).toEqual({ type: 'checked', total: 1 })
  })

  it('says why saving failed, and hands nothing back', async () => {
    const db = memoryHistoryDb()
    const full: HistoryDb = {
      ...db,
      updateMany: async () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      },
    }
    const messages = await run(historyToJson([entry(1)]), full)
    expect(last(messages)).toEqual({ type: 'failed', message: 'The quota has been exceeded.' })
    expect(messages.some((m) => m.type === 'entries' || m.type === 'done')).toBe(false)
  })
})

describe('import job: entries and call records are saved all or none', () => {
  beforeEach(freshHistoryEnvironment)
  afterEach(async () => {
    vi.restoreAllMocks()
    await closeTabs()
  })

  function failCallWrites(): void {
    const put = IDBObjectStore.prototype.put
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['put']>
    ) {
      if (this.name === 'calls') {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      }
      return put.apply(this, args)
    })
  }

  it('writes no entry when writing the call records fails, and hands nothing over', async () => {
    const db = await openHistoryDb({ name: historyStoreOptions.name! })
    failCallWrites()
    const entries = Array.from({ length: 2500 }, (_, i) => entry(i + 1))
    const messages = await run(historyToJson(entries, [call(1), call(7)]), db)
    vi.restoreAllMocks()
    expect(last(messages)).toEqual({ type: 'failed', message: 'The quota has been exceeded.' })
    expect(messages.some((m) => m.type === 'entries')).toBe(false)
    // No other tab is told of anything.
    expect(announced).toEqual([])
    const check = await openHistoryDb({ name: historyStoreOptions.name! })
    expect(await check.count()).toBe(0)
    expect(await check.loadAllCalls()).toEqual([])
    check.close()
  })

  it('writes both, then tells the other tabs before handing anything to the page', async () => {
    const db = await openHistoryDb({ name: historyStoreOptions.name! })
    const entries = Array.from({ length: 2500 }, (_, i) => entry(i + 1))
    const calls = [call(1), call(7)]
    const messages = await run(historyToJson(entries, calls), db, { from: 'page-a' })
    expect(last(messages)).toMatchObject({ type: 'done', counts: { added: 2500, calls: 2 } })
    expect(announced).toEqual([
      { type: 'reload', from: 'page-a' },
      { type: 'calls', records: calls, from: 'page-a' },
    ])
    const check = await openHistoryDb({ name: historyStoreOptions.name! })
    expect(await check.count()).toBe(2500)
    expect((await check.loadAllCalls()).map((c) => c.key).sort()).toEqual(
      calls.map((c) => c.key).sort(),
    )
    check.close()
  })

  it('says nothing to the other tabs when the file changes nothing', async () => {
    const db = memoryHistoryDb()
    await run(historyToJson([entry(1)]), db)
    const messages = await run(historyToJson([entry(1)]), db)
    expect(last(messages)).toMatchObject({ type: 'done', counts: { unchanged: 1 } })
    expect(announced).toEqual([])
  })
})

describe('import job: another tab learns of the import from the worker', () => {
  beforeEach(freshHistoryEnvironment)
  afterEach(closeTabs)

  it('brings every imported entry into another tab though the page never relays a chunk', async () => {
    const tabB = await openTab()
    const heard: StoredCall[] = []
    tabB.onCallsStored((records) => heard.push(...records))
    const count = 12_345
    const entries = Array.from({ length: count }, (_, i) => entry(i + 1))
    const calls = [call(1), call(50)]
    const db = await openHistoryDb({ name: historyStoreOptions.name! })
    const channel = new BroadcastChannel(historyStoreOptions.channel!)
    // The importing page is gone: nothing it would be handed is relayed anywhere.
    await runImportJob(request(historyToJson(entries, calls), { from: 'page-a' }), {
      openDb: async () => db,
      post: () => {},
      announce: (message) => channel.postMessage(message),
      proceed: async () => {},
    })
    channel.close()
    await expect.poll(() => tabB.entries.length, { timeout: 100_000 }).toBe(count)
    expect(tabB.byId(requestId(count))).toEqual(entries[count - 1])
    await expect
      .poll(() => heard.map((c) => c.key), { timeout: 10_000 })
      .toEqual(calls.map((c) => c.key))
  })

  it('is ignored by the page that started the import (it takes the chunks in itself)', async () => {
    const tabA = await openTab()
    const tabB = await openTab()
    const heardByA: string[] = []
    tabA.onCallsStored((records) => heardByA.push(...records.map((c) => c.key)))
    const { HISTORY_TAB_ID } = await import('@/utils/history-db')
    const db = await openHistoryDb({ name: historyStoreOptions.name! })
    const channel = new BroadcastChannel(historyStoreOptions.channel!)
    const handed: HistoryEntry[] = []
    const calls = [call(1)]
    await runImportJob(
      request(historyToJson([entry(1), entry(2)], calls), { from: HISTORY_TAB_ID }),
      {
        openDb: async () => db,
        post: (message) => {
          if (message.type === 'entries') handed.push(...message.entries)
        },
        announce: (message) => channel.postMessage(message),
        proceed: async () => {},
      },
    )
    // Another page of the same origin (tab B here shares this module's page name, as in a test
    // every store does) is told too; a marker sent after the import's messages reaches tab A last.
    channel.postMessage({ type: 'calls', records: [call(2)] } satisfies HistoryTabMessage)
    await expect.poll(() => heardByA, { timeout: 10_000 }).toEqual([call(2).key])
    channel.close()
    // Tab A neither re-read history nor heard its own calls: it takes in what it is handed.
    expect(tabA.entries).toHaveLength(0)
    expect(tabB.entries).toHaveLength(0)
    tabA.absorbWritten(handed)
    expect(tabA.entries).toHaveLength(2)
  })
})

describe('import job: the same outcome as the import on the page', () => {
  beforeEach(freshHistoryEnvironment)
  afterEach(closeTabs)

  it('writes the same entries and calls and reports the same counts as the store', async () => {
    const old = NOW - 40 * DAY
    const seed = [entry(1, { brand: 'Stored', updatedAt: NOW - 3 * DAY }), entry(2), entry(5)]
    const file = historyToJson(
      [
        entry(1, { status: 'SUCCESS', brand: '', updatedAt: NOW - 2 * DAY }),
        entry(2),
        entry(3, { status: 'EXPIRED', createdAt: old, updatedAt: old, lastActivityAt: old }),
        entry(4, { createdAt: NOW - DAY, updatedAt: NOW - DAY, lastActivityAt: NOW - DAY }),
      ],
      [call(1), call(3), call(4), call(4, 'read-b')],
    )

    async function seeded() {
      const db = await openHistoryDb(historyStoreOptions)
      await db.mergeMany(seed)
      db.close()
      return openTab()
    }

    // On the page: the store's own import.
    const page = await seeded()
    const pageReport = await page.importJson(file, { retentionDays: 30, now: NOW })
    const pageDb = await openHistoryDb(historyStoreOptions)
    const pageEntries = (await pageDb.loadAll()).entries
    const pageCalls = await pageDb.loadAllCalls()
    pageDb.close()
    await closeTabs()

    // In the worker: the same seed in a database of its own.
    freshHistoryEnvironment()
    await seeded()
    const workerDb = await openHistoryDb(historyStoreOptions)
    const messages = await run(file, workerDb, { retentionDays: 30 })
    const check = await openHistoryDb(historyStoreOptions)
    const workerEntries = (await check.loadAll()).entries
    const workerCalls = await check.loadAllCalls()
    check.close()

    expect(last(messages)).toEqual({ type: 'done', counts: pageReport })
    expect(pageReport).toMatchObject({ added: 1, updated: 1, unchanged: 1, tooOld: 1, calls: 3 })
    const byId = (list: HistoryEntry[]) =>
      [...list].sort((a, b) => a.request_id.localeCompare(b.request_id))
    expect(byId(workerEntries)).toEqual(byId(pageEntries))
    expect(byId(workerEntries).map((e) => [e.status, e.brand])).toEqual([
      ['SUCCESS', 'Stored'],
      ['IN PROGRESS', 'Brand 2'],
      ['IN PROGRESS', 'Brand 4'],
      ['IN PROGRESS', 'Brand 5'],
    ])
    expect(workerCalls.map((c) => c.key).sort()).toEqual(pageCalls.map((c) => c.key).sort())
  })
})
