/**
 * The live-status loop's timing rules on a fake clock: the back-off after a failed round is kept
 * when a refresh is asked for, and a 101 soon after a request's last activity is "not in search
 * yet", not "gone".
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  HistoryPoller,
  type GoneCause,
  type PollSearchResult,
  type PollTarget,
} from '@/utils/history-poller'

const T0 = Date.UTC(2026, 0, 1, 12)

/** A poller on the fake clock; every search answers `answer()` and is counted. */
function poller(targets: PollTarget[], answer: () => Promise<PollSearchResult>) {
  const searches: string[][] = []
  const gone: { ids: string[]; cause: GoneCause }[] = []
  const failures: number[] = []
  const loop = new HistoryPoller({
    targets: () => targets,
    search: (_env, ids) => {
      searches.push(ids)
      return answer()
    },
    onFound: () => undefined,
    onGone: (_env, ids, cause) => void gone.push({ ids, cause }),
    onFailure: (_env, _failure, _count, retryInMs) => void failures.push(retryInMs),
    intervalMs: () => 5_000,
    callGapMs: () => 0,
    isVisible: () => true,
    now: () => Date.now(),
  })
  return { loop, searches, gone, failures }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(T0)
})
afterEach(() => {
  vi.useRealTimers()
})

describe('HistoryPoller: backing off after a failed round', () => {
  it('a refresh asked for while backing off waits for the back-off, it does not search at once', async () => {
    const p = poller([{ request_id: 'a', environment: 'live', lastActivityAt: T0 }], () =>
      Promise.reject(new TypeError('Failed to fetch')),
    )
    p.loop.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(p.searches).toEqual([['a']])
    // Failed: the next round is in twice the interval.
    expect(p.failures).toEqual([10_000])
    expect(p.loop.failures('live')).toBe(1)

    await vi.advanceTimersByTimeAsync(1_000)
    p.loop.refreshNow('live')
    await vi.advanceTimersByTimeAsync(0)
    expect(p.searches).toHaveLength(1)
    expect(p.loop.nextAt('live')).toBe(T0 + 10_000)

    await vi.advanceTimersByTimeAsync(8_999)
    expect(p.searches).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(p.searches).toHaveLength(2)
    p.loop.stop()
  })
})

describe('HistoryPoller: a request search does not know yet', () => {
  const notFound = (): Promise<PollSearchResult> =>
    Promise.resolve({ kind: 'not_found', ids: ['a'], error_text: 'No response found' })

  it('a 101 60 s after its last activity is not reported as gone', async () => {
    const p = poller(
      [{ request_id: 'a', environment: 'live', lastActivityAt: T0 - 60_000 }],
      notFound,
    )
    p.loop.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(p.searches).toEqual([['a']])
    expect(p.gone).toEqual([])
    p.loop.stop()
  })

  it('a 101 90 s after its last activity is reported as gone', async () => {
    const p = poller(
      [{ request_id: 'a', environment: 'live', lastActivityAt: T0 - 90_000 }],
      notFound,
    )
    p.loop.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(p.gone).toEqual([{ ids: ['a'], cause: 'not_found' }])
    p.loop.stop()
  })
})
