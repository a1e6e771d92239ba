/**
 * The live-status loop's back-off after failed rounds on a fake clock: it waits longer each time,
 * up to a minute, but never polls faster than the interval set (Settings allow up to 300 s), nor
 * sooner than a throttled search said to wait (Retry-After).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HistoryPoller, type PollSearchResult } from '@/utils/history-poller'

const T0 = Date.UTC(2026, 0, 1, 12)

/** A poller polling every `intervalMs` whose every search fails with `answer()`. */
function failingPoller(intervalMs: number, answer: () => Promise<PollSearchResult>) {
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
    intervalMs: () => intervalMs,
    callGapMs: () => 0,
    isVisible: () => true,
    now: () => Date.now(),
  })
  return { loop, searches, retries }
}

const unreachable = (): Promise<PollSearchResult> =>
  Promise.reject(new TypeError('Failed to fetch'))
const throttled = (): Promise<PollSearchResult> =>
  Promise.resolve({ kind: 'error', ids: ['a'], status: '1', error_text: 'Throttled' })

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(T0)
})
afterEach(() => {
  vi.useRealTimers()
})

describe('HistoryPoller: back-off with a long interval', () => {
  it('retries no sooner than the 120 s interval, never every 60 s', async () => {
    const p = failingPoller(120_000, unreachable)
    p.loop.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(p.searches).toEqual([0])
    await vi.advanceTimersByTimeAsync(119_999)
    expect(p.searches).toEqual([0])
    await vi.advanceTimersByTimeAsync(1)
    expect(p.searches).toEqual([0, 120_000])
    await vi.advanceTimersByTimeAsync(120_000)
    expect(p.searches).toEqual([0, 120_000, 240_000])
    expect(p.retries).toEqual([120_000, 120_000, 120_000])
    p.loop.stop()
  })

  it('a throttled search (status 1) is retried no sooner than the 300 s interval', async () => {
    const p = failingPoller(300_000, throttled)
    p.loop.start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(299_999)
    expect(p.searches).toEqual([0])
    await vi.advanceTimersByTimeAsync(1)
    expect(p.searches).toEqual([0, 300_000])
    expect(p.retries).toEqual([300_000, 300_000])
    p.loop.stop()
  })
})

describe('HistoryPoller: back-off with a short interval', () => {
  it('doubles the 5 s interval after each failure, up to a minute', async () => {
    const p = failingPoller(5_000, unreachable)
    p.loop.start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(10_000 + 20_000 + 40_000 + 60_000 + 60_000)
    expect(p.retries).toEqual([10_000, 20_000, 40_000, 60_000, 60_000, 60_000])
    expect(p.searches).toEqual([0, 10_000, 30_000, 70_000, 130_000, 190_000])
    p.loop.stop()
  })
})

describe('HistoryPoller: a throttled search that says how long to wait (Retry-After)', () => {
  // The server asked: searching sooner only earns another status 1.
  const throttledFor = (seconds: number) => (): Promise<PollSearchResult> =>
    Promise.resolve({
      kind: 'error',
      ids: ['a'],
      status: '1',
      error_text: 'Throttled',
      retryAfter: seconds,
    })

  it('waits the 60 s asked for, not the 10 s back-off, and says so', async () => {
    const p = failingPoller(5_000, throttledFor(60))
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
    const p = failingPoller(5_000, throttledFor(1))
    p.loop.start()
    await vi.advanceTimersByTimeAsync(0)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(p.searches).toEqual([0, 10_000])
    expect(p.retries).toEqual([10_000, 20_000])
    p.loop.stop()
  })

  it('waits as asked when the refusal came as a thrown failure carrying Retry-After', async () => {
    const refusal = Object.assign(new Error('The server is busy'), { retryAfter: 30 })
    const p = failingPoller(5_000, () => Promise.reject(refusal))
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
