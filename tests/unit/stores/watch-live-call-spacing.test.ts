/**
 * Live status against live: the proxy lets one search a second through, so every live call waits a
 * second from the last one answered, whatever round it belongs to (a refresh asked for by a new
 * request, the next round, a page shown again).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { VerificationRequest, SearchStatus } from '@contract/types'
import { searchRequests, type SearchResult } from '@/api/verify'
import { useRequestsStore } from '@/stores/requests'
import { useEnvironmentsStore } from '@/stores/environments'
import { useWatchStore } from '@/stores/watch'
import { entry, freshHistoryEnvironment } from './history-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

const search = vi.mocked(searchRequests)
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)

/** The sandbox's answer for a request, with the given status. */
function answer(id: string, status: SearchStatus = 'IN PROGRESS'): VerificationRequest {
  return {
    request_id: id,
    account_id: 'abcdef01',
    number: '447700900001',
    sender_id: 'verify',
    date_submitted: '2026-11-25 11:59:00',
    date_finalized: status === 'IN PROGRESS' ? '' : '2026-11-25 12:00:30',
    checks: [],
    first_event_date: '2026-11-25 11:59:00',
    last_event_date: '2026-11-25 11:59:00',
    price: '0',
    currency: 'EUR',
    status,
    estimated_price_messages_sent: '0.03',
    events: [{ type: 'sms', id: 'e' }],
  }
}

/** Answers every id with the status the test holds for it (IN PROGRESS by default). */
function answerFrom(statuses: Map<string, SearchStatus>) {
  return async (_env: string, ids: readonly string[]): Promise<SearchResult> => ({
    kind: 'found',
    requests: ids.map((id) => answer(id, statuses.get(id) ?? 'IN PROGRESS')),
    missing: [],
  })
}

/** Lets IndexedDB (real setImmediate) and promise chains finish; fake timers stay put. */
async function settle(): Promise<void> {
  for (let i = 0; i < 300; i++) await new Promise((resolve) => setImmediate(resolve))
}

const fakeDocument = Object.assign(new EventTarget(), { visibilityState: 'visible' })
function setVisibility(state: 'visible' | 'hidden'): void {
  fakeDocument.visibilityState = state
  fakeDocument.dispatchEvent(new Event('visibilitychange'))
}

async function seed(entries: ReturnType<typeof entry>[]) {
  const history = useRequestsStore()
  await history.ready
  await history.importJson(JSON.stringify(entries))
  return history
}

function inProgress(count: number, env: 'sandbox' | 'live' = 'sandbox', from = 1) {
  return Array.from({ length: count }, (_, i) =>
    entry(from + i, {
      environment: env,
      createdAt: NOW - 10_000,
      updatedAt: NOW - 10_000,
      lastActivityAt: NOW - 10_000,
    }),
  )
}

beforeEach(() => {
  freshHistoryEnvironment()
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: NOW })
  vi.stubGlobal('document', fakeDocument)
  fakeDocument.visibilityState = 'visible'
  setActivePinia(createPinia())
  search.mockClear()
})

afterEach(async () => {
  useWatchStore().stop()
  await useRequestsStore().dispose()
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

/** Fake-clock times of every live search call. */
function liveCallTimes(times: number[]) {
  return async (env: string, ids: readonly string[]): Promise<SearchResult> => {
    if (env === 'live') times.push(Date.now())
    return answerFrom(new Map())(env, ids)
  }
}

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!)
}

describe('live status: live search never faster than one call per second', () => {
  it('a live request started 300 ms after a live call is searched a second after that call, not sooner', async () => {
    const history = await seed(inProgress(1, 'live'))
    const times: number[] = []
    search.mockImplementation(liveCallTimes(times))
    await useWatchStore().start()
    await settle()
    expect(times).toEqual([NOW])
    await vi.advanceTimersByTimeAsync(300)
    // The user starts a second live request (as useStartVerification stores it).
    await history.upsert(inProgress(1, 'live', 2)[0]!)
    await settle()
    await vi.advanceTimersByTimeAsync(2000)
    await settle()
    expect(times.length).toBeGreaterThan(1)
    expect(Math.min(...gaps(times))).toBeGreaterThanOrEqual(1000)
  })

  it('a refresh asked for during a three-call live round does not follow its last call at once', async () => {
    const history = await seed(inProgress(25, 'live'))
    const times: number[] = []
    search.mockImplementation(liveCallTimes(times))
    await useWatchStore().start()
    await settle()
    await vi.advanceTimersByTimeAsync(500)
    await history.upsert(inProgress(1, 'live', 26)[0]!)
    await settle()
    for (let i = 0; i < 30; i++) {
      await vi.advanceTimersByTimeAsync(100)
      await settle()
    }
    expect(times.length).toBeGreaterThan(3)
    expect(gaps(times).map((g) => g >= 1000)).not.toContain(false)
  })

  it('a page shown again 400 ms after a live call searches a second after that call, not sooner', async () => {
    await seed(inProgress(1, 'live'))
    const times: number[] = []
    search.mockImplementation(liveCallTimes(times))
    await useWatchStore().start()
    await settle()
    expect(times).toEqual([NOW])
    await vi.advanceTimersByTimeAsync(200)
    setVisibility('hidden')
    await vi.advanceTimersByTimeAsync(200)
    setVisibility('visible')
    await settle()
    await vi.advanceTimersByTimeAsync(1000)
    await settle()
    expect(times.length).toBeGreaterThan(1)
    expect(Math.min(...gaps(times))).toBeGreaterThanOrEqual(1000)
  })
})

describe('live status: the search rate the server says it keeps to', () => {
  it('at half a search a second (VERIFY_DESK_SEARCH_RATE=0.5), live calls go two seconds apart', async () => {
    useEnvironmentsStore().environments = [
      { id: 'sandbox', label: 'Sandbox', available: true, searchPerSecond: 10 },
      { id: 'live', label: 'Live', available: true, searchPerSecond: 0.5 },
    ]
    await seed(inProgress(25, 'live'))
    const times: number[] = []
    search.mockImplementation(liveCallTimes(times))
    await useWatchStore().start()
    await settle()
    for (let i = 0; i < 150; i++) {
      await vi.advanceTimersByTimeAsync(100)
      await settle()
    }
    // Three calls a round (ten ids each), over fifteen seconds: never closer than the server lets out.
    expect(times.length).toBeGreaterThanOrEqual(4)
    expect(Math.min(...gaps(times))).toBeGreaterThanOrEqual(2000)
  })
})
