/**
 * A throttled live-status search that says how long to wait (`Retry-After`) is not sent again
 * sooner, even when the usual back-off would: the server asked, and searching early only earns
 * another status 1.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HistoryPoller, type PollSearchResult } from '@/utils/history-poller'

const T0 = Date.UTC(2026, 0, 1, 12)

/** A poller polling every 5 s whose every search fails with `answer()`. */
function failingPoller(answer: () => Promise<PollSearchResult>) {
  const searches: number[] = []
  const retries: number[] = []
  const loop = new HistoryPoller({
    targets: () => [{ request_id: 'a', environment: 'live', lastActivityAt: T0 }],
    search: () => {
      searches.push(Date.now() - T0)
      return answer()
    },
    onFound: () => undefined,
    onGone: () => undefined,
    onFailure: (_env, _failure, _count, retryInMs) => void retries.push(retryInMs),
    intervalMs: () => 5_000,
    callGapMs: () => 0,
    isVisible: () => true,
    now: () => Date.now(),
  })
  return { loop, searches, retries }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(T0)
})
afterEach(() => {
  vi.useRealTimers()
})

describe('HistoryPoller: a search answered status 1 with Retry-After', () => {
  it('waits the 60 s asked for, not the 10 s back-off, and says so', async () => {
    const p = failingPoller(() =>
      Promise.resolve({
        kind: 'error',
        ids: ['a'],
        status: '1',
        error_text: 'Throttled',
        retryAfter: 60,
      }),
    )
    p.loop.start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(59_999)
    expect(p.searches).toEqual([0])
    await vi.advanceTimersByTimeAsync(1)
    expect(p.searches).toEqual([0, 60_000])
    expect(p.retries).toEqual([60_000, 60_000])
    p.loop.stop()
  })

  it('keeps the longer back-off when the wait asked for is shorter', async () => {
    const p = failingPoller(() =>
      Promise.resolve({ kind: 'error', ids: ['a'], status: '1', error_text: 'x', retryAfter: 1 }),
    )
    p.loop.start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(p.searches).toEqual([0, 10_000])
    expect(p.retries).toEqual([10_000, 20_000])
    p.loop.stop()
  })

  it('waits as asked when the refusal came as a thrown failure carrying Retry-After', async () => {
    const refusal = Object.assign(new Error('The server is busy'), { retryAfter: 30 })
    const p = failingPoller(() => Promise.reject(refusal))
    p.loop.start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(29_999)
    expect(p.searches).toEqual([0])
    await vi.advanceTimersByTimeAsync(1)
    expect(p.searches).toEqual([0, 30_000])
    expect(p.retries).toEqual([30_000, 30_000])
    p.loop.stop()
  })
})
