import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { configureClient, setAccessToken, type ApiCall } from '@/api/client'
import { cancelRequest, searchRequests } from '@/api/verify'
import { useRequestsStore } from '@/stores/requests'
import { useCallsStore } from '@/stores/calls'
import { capCalls, MAX_ACTIONS_PER_REQUEST, MAX_READS_PER_REQUEST } from '@/utils/call-log'
import { closeTabs, entry, freshHistoryEnvironment, openTab, requestId } from './history-support'
import { eventually } from '../../support/eventually'

const ID = requestId(8)

function serve() {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async (input: RequestInfo | URL) => {
      const path = String(input instanceof Request ? input.url : input)
      return new Response(
        JSON.stringify({ request_id: ID, status: path.includes('search') ? 'IN PROGRESS' : '0' }),
        { headers: { 'content-type': 'application/json' } },
      )
    }) as typeof fetch,
  })
}

const pages: { dispose(): void; close(): Promise<void> }[] = []

/** A page showing the request's calls: history and the call log in one Pinia. */
async function openPage() {
  const pinia = createPinia()
  const calls = useCallsStore(pinia)
  const tab = useRequestsStore(pinia)
  pages.push({ dispose: calls.dispose, close: tab.dispose })
  setActivePinia(pinia)
  await tab.ready
  await calls.load(ID)
  return calls
}

function call(i: number, method: 'GET' | 'POST'): ApiCall {
  return {
    id: i,
    key: `k${i}`,
    method,
    path: method === 'GET' ? 'sandbox/verify/search/json' : 'sandbox/verify/control/json',
    query: {},
    body: null,
    startedAt: Date.UTC(2026, 0, 1) + i * 1000,
    durationMs: 1,
    httpStatus: 200,
    response: { status: '0' },
    error: null,
  }
}

beforeEach(() => {
  freshHistoryEnvironment()
  setAccessToken(null)
})
afterEach(async () => {
  for (const page of pages.splice(0)) {
    page.dispose()
    await page.close()
  }
  await closeTabs()
  vi.useRealTimers()
})

describe('capCalls', () => {
  it('keeps the newest actions and reads of a request, each within its cap', () => {
    const all: ApiCall[] = []
    for (let i = 0; i < MAX_ACTIONS_PER_REQUEST + MAX_READS_PER_REQUEST + 40; i++)
      all.push(call(i, i % 3 === 0 ? 'GET' : 'POST'))
    const newestFirst = all.slice().reverse()
    const kept = capCalls(newestFirst)
    const reads = kept.filter((c) => c.method === 'GET')
    const actions = kept.filter((c) => c.method === 'POST')
    expect(reads).toEqual(newestFirst.filter((c) => c.method === 'GET').slice(0, 10))
    expect(actions).toEqual(newestFirst.filter((c) => c.method === 'POST').slice(0, 50))
    // Still newest first.
    expect(kept.map((c) => c.startedAt)).toEqual(kept.map((c) => c.startedAt).sort((a, b) => b - a))
  })

  it('leaves a list within the caps as it is', () => {
    const list = [call(3, 'GET'), call(2, 'POST'), call(1, 'GET')]
    expect(capCalls(list)).toEqual(list)
  })
})

describe('calls store: another tab polling the request shown', () => {
  it('never lists more than the caps of a request, however long the other tab polls', async () => {
    serve()
    const other = await openTab()
    await other.upsert(entry(8))
    const shown = await openPage()
    // This page's own client listener is off: what it lists came through storage and the channel.
    shown.stop()
    vi.useFakeTimers({ toFake: ['Date'] })
    let t = Date.UTC(2026, 0, 1)
    for (let i = 0; i < MAX_READS_PER_REQUEST * 3; i++) {
      vi.setSystemTime((t += 1000))
      await searchRequests('sandbox', [ID], { background: true })
      await other.flushCalls()
    }
    for (let i = 0; i < MAX_ACTIONS_PER_REQUEST + 5; i++) {
      vi.setSystemTime((t += 1000))
      await cancelRequest('sandbox', ID)
    }
    await other.flushCalls()
    vi.useRealTimers()
    await eventually(() =>
      expect(
        shown
          .forRequest(ID)
          .filter((c) => c.method === 'POST')
          .map((c) => c.startedAt)[0],
      ).toBe(t),
    )
    const stored = shown.stored.get(ID) ?? []
    expect(stored.filter((c) => c.method === 'GET')).toHaveLength(MAX_READS_PER_REQUEST)
    expect(stored.filter((c) => c.method === 'POST')).toHaveLength(MAX_ACTIONS_PER_REQUEST)
    const listed = shown.forRequest(ID)
    expect(listed.filter((c) => c.method === 'GET')).toHaveLength(MAX_READS_PER_REQUEST)
    expect(listed.filter((c) => c.method === 'POST')).toHaveLength(MAX_ACTIONS_PER_REQUEST)
    // The newest read is kept, the oldest went first.
    const reads = listed.filter((c) => c.method === 'GET')
    expect(reads[0]!.startedAt).toBe(t - (MAX_ACTIONS_PER_REQUEST + 5) * 1000)
  })
})

describe('calls store: the list of a request, built once per change', () => {
  it('gives every part of a page the same list until a call changes it, then the new one', async () => {
    const shown = await openPage()
    const about = (i: number): ApiCall => ({ ...call(i, 'GET'), query: { request_id: ID } })
    shown.record(about(1))
    const first = shown.forRequest(ID)
    expect(first.map((c) => c.id)).toEqual([1])
    expect(shown.forRequest(ID)).toBe(first)
    expect(shown.unansweredCheck(ID)).toBeNull()
    expect(shown.forRequest(ID)).toBe(first)
    // A call about another request still changes what this tab made: the list is built again,
    // with the same calls in it.
    shown.record({ ...call(2, 'GET'), query: { request_id: requestId(9) } })
    const again = shown.forRequest(ID)
    expect(again).toEqual(first)
    shown.record(about(3))
    expect(shown.forRequest(ID).map((c) => c.id)).toEqual([3, 1])
    expect(shown.forRequest(requestId(9)).map((c) => c.id)).toEqual([2])
  })
})
