import { describe, expect, it, vi } from 'vitest'
import { advance, inProgress, lockName, MANY_STEPS, tabsOfOneBrowser } from './watch-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

const browser = tabsOfOneBrowser()
const { calls, openTab } = browser

describe('a hand-over between tabs', MANY_STEPS, () => {
  it('keeps live searches from two tabs at least the 1/s call gap apart when the polling tab goes', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(3, 'live')))
    const second = await openTab(2)
    await advance(3000)
    const leader = browser.locks.holder(lockName())
    const n = calls.length
    for (let i = 0; i < 200 && calls.length === n; i++) await advance(100)
    const lastCall = calls[calls.length - 1]!.at
    // The polling tab goes 200 ms after its last live search; the other takes over at once.
    await advance(200)
    ;(leader === 1 ? first : second).watch.stop()
    await advance(3000)
    const times = calls.map((c) => c.at).filter((t) => t >= lastCall)
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    expect(gaps.length, 'the tab left searches again after the hand-over').toBeGreaterThan(0)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000)
  })
})
