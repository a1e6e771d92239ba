import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { configureClient, setAccessToken, type ApiCall } from '@/api/client'
import { searchRequests } from '@/api/verify'
import { useRequestsStore } from '@/stores/requests'
import { useCallsStore } from '@/stores/calls'
import { closeTabs, freshHistoryEnvironment, requestId } from './history-support'

// The calls made since the page loaded are held in memory up to a limit, the newest 1000: a page
// left open for a day of status polling holds exactly that many, the oldest dropped first.
const LIMIT = 1000

function call(n: number): ApiCall {
  return {
    id: n,
    key: `k${n}`,
    method: 'GET',
    path: 'sandbox/verify/search/json',
    query: { request_id: requestId(n) },
    body: null,
    startedAt: Date.UTC(2026, 0, 1) + n * 1000,
    durationMs: 1,
    httpStatus: 200,
    response: { request_id: requestId(n), status: 'IN PROGRESS' },
    error: null,
  }
}

let page: { calls: ReturnType<typeof useCallsStore>; tab: ReturnType<typeof useRequestsStore> }

beforeEach(async () => {
  freshHistoryEnvironment()
  setAccessToken(null)
  const pinia = createPinia()
  setActivePinia(pinia)
  page = { calls: useCallsStore(pinia), tab: useRequestsStore(pinia) }
  await page.tab.ready
})
afterEach(async () => {
  page.calls.dispose()
  await page.tab.dispose()
  await closeTabs()
})

describe("the page's calls held in memory", () => {
  it('are all kept up to the limit', () => {
    for (let n = 1; n <= LIMIT; n++) page.calls.record(call(n))
    expect(page.calls.calls).toHaveLength(LIMIT)
    expect(page.calls.calls[0]?.key).toBe('k1')
    expect(page.calls.calls.at(-1)?.key).toBe(`k${LIMIT}`)
  })

  it('stay at the limit past it, the oldest dropped for the newest call made', async () => {
    for (let n = 1; n <= LIMIT; n++) page.calls.record(call(n))
    configureClient({
      prefixUrl: 'http://127.0.0.1:9/api',
      fetch: (async () =>
        new Response(JSON.stringify({ status: '101', error_text: 'No response found' }), {
          headers: { 'content-type': 'application/json' },
        })) as typeof fetch,
    })
    await searchRequests('sandbox', [requestId(LIMIT + 1)])
    expect(page.calls.calls).toHaveLength(LIMIT)
    expect(page.calls.calls[0]?.key).toBe('k2')
    expect(page.calls.calls.at(-1)).toMatchObject({
      query: { request_id: requestId(LIMIT + 1) },
      httpStatus: 200,
    })
  })
})
