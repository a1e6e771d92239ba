import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { configureClient } from '@/api/client'
import { checkCode } from '@/api/verify'
import { createPinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import { useStorageProblemsStore } from '@/stores/storage-problems'
import { entry, freshHistoryEnvironment, requestId } from './history-support'

/** This tab's session storage (kept across its reloads). */
const session = new Map<string, string>()
/** What the page listens to on `window`. */
const pageListeners = new Map<string, (event: unknown) => void>()

const tabs: ReturnType<typeof useRequestsStore>[] = []

/** A load (or reload) of the tab: its history store and the app-wide storage problems. */
async function loadTab() {
  const pinia = createPinia()
  const history = useRequestsStore(pinia)
  tabs.push(history)
  await history.ready
  return { history, problems: useStorageProblemsStore(pinia) }
}

/** The API answers every check with a code accepted for request 5. */
function answerChecks() {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async () =>
      new Response(JSON.stringify({ request_id: requestId(5), status: '0', event_id: 'e1' }), {
        headers: { 'content-type': 'application/json' },
      })) as typeof fetch,
  })
}

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
  for (const tab of tabs.splice(0)) await tab.dispose()
  vi.unstubAllGlobals()
})

describe('a check whose request is not in history yet, and the page is left or reloaded', () => {
  it('asks before leaving, and a reload keeps the check for its request', async () => {
    answerChecks()
    const { history } = await loadTab()
    await checkCode('sandbox', requestId(5), '1234')
    await history.flushCalls()
    expect(leavingAsks()).toBe(true)

    // Reloaded before the request reached history: once it does, its check is stored with it.
    await history.dispose()
    const second = await loadTab()
    expect(leavingAsks()).toBe(true)
    await second.history.upsert(entry(5))
    await second.history.flushCalls()
    const calls = await second.history.loadCalls(requestId(5))
    expect(calls.map((c) => (c.body as { code?: string } | null)?.code)).toContain('1234')
    expect(leavingAsks()).toBe(false)
  })
})
