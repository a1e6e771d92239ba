/**
 * The live-status loop spaces every search call to one environment by `callGapMs` from the answer
 * to the call before, whichever round sent it: within a round, and across rounds (a refresh asked
 * for, a page shown again, the next round).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HistoryPoller, type PollSearchResult, type PollTarget } from '@/utils/history-poller'

const T0 = Date.UTC(2026, 0, 1, 12)
const GAP = 1000

function live(count: number): PollTarget[] {
  return Array.from({ length: count }, (_, i) => ({
    request_id: `r${i}`,
    environment: 'live' as const,
    lastActivityAt: T0,
  }))
}

/** A poller on the fake clock; each search answers after `answerMs`, and when it was sent is kept. */
function poller(targets: PollTarget[], { answerMs = 0, intervalMs = 5_000 } = {}) {
  const sent: number[] = []
  const answered: number[] = []
  let visible = true
  const loop = new HistoryPoller({
    targets: () => targets,
    search: async (_env, ids): Promise<PollSearchResult> => {
      sent.push(Date.now())
      if (answerMs > 0) await new Promise((resolve) => setTimeout(resolve, answerMs))
      answered.push(Date.now())
      return {
        kind: 'found',
        requests: ids.map((id) => ({ request_id: id, status: 'IN PROGRESS' })),
        missing: [],
      }
    },
    onFound: () => undefined,
    onGone: () => undefined,
    intervalMs: () => intervalMs,
    callGapMs: (env) => (env === 'live' ? GAP : 100),
    isVisible: () => visible,
    now: () => Date.now(),
  })
  return {
    loop,
    sent,
    answered,
    setVisible(value: boolean) {
      visible = value
    },
  }
}

/** The time from each answer to the next call sent. */
function pauses(sent: number[], answered: number[]): number[] {
  return sent.slice(1).map((at, i) => at - answered[i]!)
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  vi.setSystemTime(T0)
})
afterEach(() => {
  vi.useRealTimers()
})

describe('HistoryPoller: the gap between two calls to one environment', () => {
  it('a refresh asked for 300 ms after a one-call round calls a second after it, not at once', async () => {
    const p = poller(live(1))
    p.loop.start()
    await vi.advanceTimersByTimeAsync(300)
    p.loop.refreshNow('live')
    await vi.advanceTimersByTimeAsync(699)
    expect(p.sent).toEqual([T0])
    await vi.advanceTimersByTimeAsync(1)
    expect(p.sent).toEqual([T0, T0 + GAP])
    p.loop.stop()
  })

  it('a refresh asked for during a three-call round does not follow its last call at once', async () => {
    const p = poller(live(25))
    p.loop.start()
    await vi.advanceTimersByTimeAsync(500)
    p.loop.refreshNow('live')
    await vi.advanceTimersByTimeAsync(6_000)
    expect(p.sent.length).toBeGreaterThan(3)
    expect(Math.min(...pauses(p.sent, p.answered))).toBeGreaterThanOrEqual(GAP)
    p.loop.stop()
  })

  it('counts from the answer: a refresh asked for 100 ms after a slow answer calls a full gap after it', async () => {
    const p = poller(live(1), { answerMs: 700 })
    p.loop.start()
    await vi.advanceTimersByTimeAsync(800)
    expect(p.answered).toEqual([T0 + 700])
    p.loop.refreshNow('live')
    await vi.advanceTimersByTimeAsync(2_000)
    expect(p.sent).toEqual([T0, T0 + 700 + GAP])
    p.loop.stop()
  })

  it('a page shown again 400 ms after a call waits for the gap', async () => {
    const p = poller(live(1))
    p.loop.start()
    await vi.advanceTimersByTimeAsync(200)
    p.setVisible(false)
    p.loop.pause()
    await vi.advanceTimersByTimeAsync(200)
    p.setVisible(true)
    p.loop.resume()
    await vi.advanceTimersByTimeAsync(599)
    expect(p.sent).toEqual([T0])
    await vi.advanceTimersByTimeAsync(1)
    expect(p.sent).toEqual([T0, T0 + GAP])
    p.loop.stop()
  })

  it('a round due sooner than the gap (a short interval) waits for it', async () => {
    const p = poller(live(1), { answerMs: 600, intervalMs: 500 })
    p.loop.start()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(p.sent.length).toBeGreaterThan(2)
    expect(Math.min(...pauses(p.sent, p.answered))).toBeGreaterThanOrEqual(GAP)
    p.loop.stop()
  })
})
