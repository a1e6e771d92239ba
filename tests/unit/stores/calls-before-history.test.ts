import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import { FIRST_SCREEN, openHistoryDb } from '@/utils/history-db'
import { historyStoreOptions } from '@/stores/requests'
import { closeTabs, entry, freshHistoryEnvironment, requestId, storedCall } from './history-support'

beforeEach(freshHistoryEnvironment)
afterEach(closeTabs)

describe('the calls of one request after a reload', () => {
  it('are read without waiting for the whole of a large history', async () => {
    // A history read in two steps (the first screen, then the rest), and a check of one request still out (stored pending).
    const db = await openHistoryDb(historyStoreOptions)
    const many = Array.from({ length: FIRST_SCREEN + 100 }, (_, i) => entry(i + 1))
    await db.mergeMany(many)
    const id = requestId(7)
    await db.addCalls([storedCall(id, 1)])
    db.close()

    const tab = useRequestsStore(createPinia())
    let historyRead = false
    void tab.ready.then(() => (historyRead = true))
    const calls = await tab.loadCalls(id)
    expect(calls.map((c) => c.id)).toEqual([1])
    expect(historyRead).toBe(false)
    await tab.ready
    expect(tab.entries).toHaveLength(many.length)
    await tab.dispose()
  })
})
