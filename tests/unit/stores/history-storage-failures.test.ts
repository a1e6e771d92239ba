import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDB } from 'idb'
import { checkCode } from '@/api/verify'
import { historyStoreOptions } from '@/stores/requests'
import {
  answerChecks,
  closeTabs,
  entry,
  freshHistoryEnvironment,
  openTabWithProblems,
  quotaError,
  requestId,
} from './history-support'

beforeEach(() => freshHistoryEnvironment())
afterEach(async () => {
  vi.restoreAllMocks()
  await closeTabs()
})

describe('history: a full storage', () => {
  it('keeps the failure until the entry is stored, names it app-wide, and stores it later', async () => {
    const { history, problems } = await openTabWithProblems()
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError()
    })
    await history.upsert(entry(0x62a2d3))
    // Kept in this tab, and said on every page, naming the request.
    expect(history.byId(requestId(0x62a2d3))?.brand).toBe(`Brand ${0x62a2d3}`)
    expect(problems.problems).toHaveLength(1)
    expect(problems.problems[0]?.message).toMatch(
      /^The request …62a2d3 could not be saved in this browser's history: the browser's storage is full/,
    )
    // Its page finds the notice, and why, by its request_id.
    expect(problems.forRequest(requestId(0x62a2d3))?.message).toMatch(/storage is full/)
    // Said once, app-wide: not as the history's own error (which is for reading failures).
    expect(history.error).toBeNull()
    // A background refresh that writes nothing does not hide the failure.
    await history.updateIfStored({ request_id: requestId(5), status: 'FAILED' })
    expect(problems.problems).toHaveLength(1)
    expect(problems.problems[0]?.message).toMatch(/…62a2d3 could not be saved/)
    // Room again: the next try stores it and the notice goes away.
    put.mockRestore()
    await history.retryUnsaved()
    expect(problems.problems).toEqual([])
    const reloaded = await openTabWithProblems()
    expect(reloaded.history.byId(requestId(0x62a2d3))?.status).toBe('IN PROGRESS')
  })

  it('stores an unsaved entry with the next write that works', async () => {
    const { history, problems } = await openTabWithProblems()
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError()
    })
    await history.upsert(entry(1))
    put.mockRestore()
    await history.upsert(entry(1, { status: 'SUCCESS' }))
    expect(problems.problems).toEqual([])
    expect((await openTabWithProblems()).history.byId(requestId(1))?.status).toBe('SUCCESS')
  })

  it('keeps call records storage refused and stores them later', async () => {
    const { history, problems } = await openTabWithProblems()
    await history.upsert(entry(1))
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError()
    })
    answerChecks()
    await checkCode('sandbox', requestId(1), '1234')
    await history.flushCalls()
    expect(problems.problems[0]?.message).toMatch(/^1 recorded call could not be saved/)
    put.mockRestore()
    await history.retryUnsaved()
    expect(problems.problems).toEqual([])
    expect(await (await openTabWithProblems()).history.loadCalls(requestId(1))).toHaveLength(1)
  })
})

describe('history: the database closed by another tab', () => {
  it('opens it again after another tab deleted it, and stores the new entry', async () => {
    const { history, problems } = await openTabWithProblems()
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(historyStoreOptions.name!)
      request.onsuccess = () => resolve()
      request.onerror = () => reject(request.error)
    })
    await history.upsert(entry(7))
    expect(problems.problems).toEqual([])
    expect((await openTabWithProblems()).history.byId(requestId(7))).toBeDefined()
  })

  it('says to reload when a newer version took it, naming what is kept in memory', async () => {
    const { history, problems } = await openTabWithProblems()
    // A new deploy in another tab opens the database at a newer version.
    const newer = await openDB(historyStoreOptions.name!, 4)
    await history.upsert(entry(0xabcdef))
    expect(history.byId(requestId(0xabcdef))).toBeDefined()
    expect(problems.problems[0]?.message).toMatch(
      /^The request …abcdef could not be saved in this browser's history\. History could not be opened again: another tab opened it with a newer version of Verify Desk\. Export JSON from History first to keep what this tab holds, then reload this tab to use the newer version\.$/,
    )
    newer.close()
  })

  it('shows app-wide that history is kept in memory only when it cannot open', async () => {
    const newer = await openDB(historyStoreOptions.name!, 99)
    newer.close()
    const { history, problems } = await openTabWithProblems()
    expect(history.storage).toBe('memory')
    expect(problems.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^History cannot be saved in this browser \(.+\)\. Entries are kept only while this tab is open/,
      ),
    ])
  })
})
