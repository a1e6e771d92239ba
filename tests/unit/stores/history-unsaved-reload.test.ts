import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDB } from 'idb'
import { historyStoreOptions } from '@/stores/requests'
import {
  closeTabs,
  entry,
  freshHistoryEnvironment,
  openTabWithProblems,
  quotaError,
  requestId,
} from './history-support'
import { eventually } from '../../support/eventually'

/** This tab's session storage (kept across its reloads). */
const session = new Map<string, string>()
/** What the page listens to on `window`. */
const pageListeners = new Map<string, (event: unknown) => void>()

/** Whether leaving the page now asks first (what the browser does with `beforeunload`). */
function leavingAsks(): boolean {
  const event = { defaultPrevented: false, returnValue: undefined as unknown }
  Object.assign(event, { preventDefault: () => (event.defaultPrevented = true) })
  pageListeners.get('beforeunload')?.(event)
  return event.defaultPrevented
}

beforeEach(() => {
  freshHistoryEnvironment()
  session.clear()
  pageListeners.clear()
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => session.get(key) ?? null,
    setItem: (key: string, value: string) => void session.set(key, value),
    removeItem: (key: string) => void session.delete(key),
  })
  vi.stubGlobal('window', {
    addEventListener: (type: string, listener: (event: unknown) => void) =>
      pageListeners.set(type, listener),
    removeEventListener: (type: string) => pageListeners.delete(type),
  })
})
afterEach(async () => {
  vi.restoreAllMocks()
  await closeTabs()
  vi.unstubAllGlobals()
})

describe('history that cannot be saved, and the page is left or reloaded', () => {
  it('asks before leaving, and a reload keeps the request and stores it once there is room', async () => {
    const { history } = await openTabWithProblems()
    expect(leavingAsks()).toBe(false)
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError()
    })
    await history.upsert(entry(0x62a2d3))
    expect(leavingAsks()).toBe(true)

    // Reloaded, storage still full: the request is still there, still said not saved.
    await history.dispose()
    const second = await openTabWithProblems()
    expect(second.history.byId(requestId(0x62a2d3))?.brand).toBe(`Brand ${0x62a2d3}`)
    await eventually(() =>
      expect(second.problems.forRequest(requestId(0x62a2d3))?.message).toMatch(/storage is full/),
    )
    expect(leavingAsks()).toBe(true)

    // Room again: stored, nothing left to ask about, and there in a new session too.
    put.mockRestore()
    await second.history.retryUnsaved()
    expect(second.problems.problems).toEqual([])
    expect(leavingAsks()).toBe(false)
    session.clear()
    expect((await openTabWithProblems()).history.byId(requestId(0x62a2d3))?.status).toBe(
      'IN PROGRESS',
    )
  })

  it('says to export first, consistently, whatever the cause', async () => {
    const { history, problems } = await openTabWithProblems()
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw quotaError()
    })
    await history.upsert(entry(1))
    const full = problems.forRequest(requestId(1))?.message ?? ''
    expect(full).toMatch(/Export JSON from History first/)
    vi.restoreAllMocks()

    // A new version in another tab took the database: trying again cannot help.
    const newer = await openDB(historyStoreOptions.name!, 99)
    await history.upsert(entry(2))
    newer.close()
    const message = problems.forRequest(requestId(2))?.message ?? ''
    expect(message).toMatch(/newer version of Verify Desk/)
    expect(message).toMatch(/Export JSON from History first/)
    expect(message).not.toMatch(/tries (to save it )?again|Keep this tab open|\.\./)
  })
})
