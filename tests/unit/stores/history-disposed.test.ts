/**
 * A tab's history and call log once their app is disposed (its Pinia disposed, as on an app
 * re-created in the same tab): they record no call made afterwards and write nothing more. Calls
 * of the app that lives on are that app's to record, never a dead copy's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, disposePinia } from 'pinia'
import { checkCode } from '@/api/verify'
import { useCallsStore } from '@/stores/calls'
import { useRequestsStore } from '@/stores/requests'
import {
  answerChecks,
  closeTabs,
  entry,
  freshHistoryEnvironment,
  openTab,
  openTabWithProblems,
  quotaError,
  requestId,
} from './history-support'

beforeEach(freshHistoryEnvironment)
afterEach(closeTabs)

describe('history and the call log of a disposed app', () => {
  it('store no call made once the app is disposed', async () => {
    answerChecks()
    const id = requestId(1)
    const pinia = createPinia()
    const history = useRequestsStore(pinia)
    await history.ready
    await history.upsert(entry(1))
    // A check of the living app is stored with its request.
    await checkCode('sandbox', id, '1234')
    await history.flushCalls()
    expect(await history.loadCalls(id)).toHaveLength(1)

    disposePinia(pinia)
    await checkCode('sandbox', id, '5678')
    await history.flushCalls()

    const reloaded = await openTab()
    const stored = await reloaded.loadCalls(id)
    expect(stored.map((call) => call.body)).toEqual([{ request_id: id, code: '1234' }])
  })

  it('list no call made once the app is disposed', async () => {
    answerChecks()
    const id = requestId(1)
    const pinia = createPinia()
    const calls = useCallsStore(pinia)
    await useRequestsStore(pinia).ready
    await checkCode('sandbox', id, '1234')
    expect(calls.calls).toHaveLength(1)

    disposePinia(pinia)
    await checkCode('sandbox', id, '5678')
    expect(calls.calls).toHaveLength(1)
  })
})

describe('a late write of a disposed app', () => {
  /** The tab's session storage, kept across its reloads. */
  const session = new Map<string, string>()
  beforeEach(() => {
    session.clear()
    vi.stubGlobal('sessionStorage', {
      getItem: (key: string) => session.get(key) ?? null,
      setItem: (key: string, value: string) => void session.set(key, value),
      removeItem: (key: string) => void session.delete(key),
    })
  })
  afterEach(() => {
    vi.restoreAllMocks()
    vi.unstubAllGlobals()
  })

  it('never takes the place of what the living app keeps for a reload of the tab', async () => {
    const pinia = createPinia()
    const disposed = useRequestsStore(pinia)
    await disposed.ready
    disposePinia(pinia)
    await disposed.dispose()

    // The app of the tab now cannot store a request (storage full): kept for a reload.
    const { history } = await openTabWithProblems()
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError()
    })
    await history.upsert(entry(1))
    // A read the disposed app sent before it went answers now.
    await disposed.upsert(entry(2))
    put.mockRestore()
    await history.dispose()

    const reloaded = await openTab()
    expect(reloaded.byId(requestId(1))).toBeDefined()
    expect(reloaded.byId(requestId(2))).toBeUndefined()
  })
})
