import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDB } from 'idb'
import { checkCode } from '@/api/verify'
import { historyStoreOptions } from '@/stores/requests'
import type { StoredCall } from '@/utils/call-log'
import type { HistoryEntry } from '@/utils/history-entry'
import {
  answerChecks,
  closeTabs,
  entry,
  freshHistoryEnvironment,
  openTab,
  quotaError,
  requestId,
} from './history-support'

function read(json: string): { entries: HistoryEntry[]; calls?: StoredCall[] } {
  return JSON.parse(json) as { entries: HistoryEntry[]; calls?: StoredCall[] }
}

beforeEach(() => freshHistoryEnvironment())
afterEach(async () => {
  vi.restoreAllMocks()
  await closeTabs()
})

describe('history export while storage fails', () => {
  it('holds the entries and the calls storage refused, with those it stored', async () => {
    answerChecks()
    const history = await openTab()
    await history.upsert(entry(1))
    await checkCode('sandbox', requestId(1), '1111')
    await history.flushCalls()
    // Storage full: a check and a new request are kept in this tab only.
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError()
    })
    await history.upsert(entry(2))
    await checkCode('sandbox', requestId(1), '2222')
    await history.flushCalls()
    expect(history.unsaved.size).toBe(1)

    const file = read(await history.exportJson())
    expect(file.entries.map((e) => e.request_id).sort()).toEqual([requestId(1), requestId(2)])
    const codes = (file.calls ?? []).map((c) => (c.call.body as { code?: string } | null)?.code)
    expect(codes.sort()).toEqual(['1111', '2222'])
  })

  it('holds the calls not saved yet when the stored ones cannot be read, and says so', async () => {
    answerChecks()
    const history = await openTab()
    await history.upsert(entry(1))
    // A new version in another tab took the database: nothing is saved or read here any more.
    const newer = await openDB(historyStoreOptions.name!, 99)
    await checkCode('sandbox', requestId(1), '2222')
    await history.flushCalls()
    const file = read(await history.exportJson())
    newer.close()
    expect(file.entries.map((e) => e.request_id)).toEqual([requestId(1)])
    expect((file.calls ?? []).map((c) => (c.call.body as { code?: string } | null)?.code)).toEqual([
      '2222',
    ])
    expect(history.error).toMatch(/recorded calls stored in this browser could not be read/)
  })
})
