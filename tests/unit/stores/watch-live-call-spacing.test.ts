/**
 * Live status against live: the proxy lets one search a second through, so every live call waits a
 * second from the last one answered, whatever round it belongs to (a refresh asked for by a new
 * request, the next round, a page shown again).
 */
import { describe, expect, it, vi } from 'vitest'
import type { SearchResult } from '@/api/verify'
import { useEnvironmentsStore } from '@/stores/environments'
import { useWatchStore } from '@/stores/watch'
import {
  answerFrom,
  inProgress,
  NOW,
  search,
  seed,
  settle,
  setVisibility,
  watchInOneTab,
} from './watch-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

watchInOneTab()

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
