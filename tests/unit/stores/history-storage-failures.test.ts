import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDB } from 'idb'
import { createPinia } from 'pinia'
import { configureClient } from '@/api/client'
import { checkCode } from '@/api/verify'
import { historyStoreOptions, useRequestsStore } from '@/stores/requests'
import { useStorageProblemsStore } from '@/stores/storage-problems'
import { entry, freshHistoryEnvironment, requestId } from './history-support'

const tabs: ReturnType<typeof useRequestsStore>[] = []

/** A freshly loaded tab: its history store and its storage problems (the app-wide notice). */
async function openTab() {
  const pinia = createPinia()
  const history = useRequestsStore(pinia)
  tabs.push(history)
  await history.ready
  return { history, problems: useStorageProblemsStore(pinia) }
}

function quotaError(): DOMException {
  return new DOMException('The quota has been exceeded.', 'QuotaExceededError')
}

beforeEach(() => freshHistoryEnvironment())
afterEach(async () => {
  vi.restoreAllMocks()
  for (const tab of tabs.splice(0)) await tab.dispose()
})

describe('history: a full storage', () => {
  it('keeps the failure until the entry is stored, names it app-wide, and stores it later', async () => {
    const { history, problems } = await openTab()
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
    const reloaded = await openTab()
    expect(reloaded.history.byId(requestId(0x62a2d3))?.status).toBe('IN PROGRESS')
  })

  it('stores an unsaved entry with the next write that works', async () => {
    const { history, problems } = await openTab()
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError()
    })
    await history.upsert(entry(1))
    put.mockRestore()
    await history.upsert(entry(1, { status: 'SUCCESS' }))
    expect(problems.problems).toEqual([])
    expect((await openTab()).history.byId(requestId(1))?.status).toBe('SUCCESS')
  })

  it('keeps call records storage refused and stores them later', async () => {
    const { history, problems } = await openTab()
    await history.upsert(entry(1))
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError()
    })
    configureClient({
      prefixUrl: 'http://127.0.0.1:9/api',
      fetch: (async () =>
        new Response(JSON.stringify({ request_id: requestId(1), status: '0', event_id: 'e1' }), {
          headers: { 'content-type': 'application/json' },
        })) as typeof fetch,
    })
    await checkCode('sandbox', requestId(1), '1234')
    await history.flushCalls()
    expect(problems.problems[0]?.message).toMatch(/^1 recorded call could not be saved/)
    put.mockRestore()
    await history.retryUnsaved()
    expect(problems.problems).toEqual([])
    expect(await (await openTab()).history.loadCalls(requestId(1))).toHaveLength(1)
  })
})

describe('history: the database closed by another tab', () => {
  it('opens it again after another tab deleted it, and stores the new entry', async () => {
    const { history, problems } = await openTab()
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(historyStoreOptions.name!)
      request.onsuccess = () => resolve()
      request.onerror = () => reject(request.error)
    })
    await history.upsert(entry(7))
    expect(problems.problems).toEqual([])
    expect((await openTab()).history.byId(requestId(7))).toBeDefined()
  })

  it('says to reload when a newer version took it, naming what is kept in memory', async () => {
    const { history, problems } = await openTab()
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
    const { history, problems } = await openTab()
    expect(history.storage).toBe('memory')
    expect(problems.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^History cannot be saved in this browser \(.+\)\. Entries are kept only while this tab is open/,
      ),
    ])
  })
})
