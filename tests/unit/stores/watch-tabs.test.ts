import { describe, expect, it, vi } from 'vitest'
import { requestId } from './history-support'
import {
  advance,
  inProgress,
  lockName,
  MANY_STEPS,
  NOW,
  REACHES_THE_TAB,
  tabsOfOneBrowser,
} from './watch-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

const browser = tabsOfOneBrowser()
const { calls, statuses, openTab, crash, searchedAt, shortestRepeat } = browser

const ids = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => requestId(from + i))

describe('live status shared by the tabs of one browser', MANY_STEPS, () => {
  it('searches each request in progress once per interval however many tabs are open', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(12)))
    await openTab(2)
    await openTab(3)
    await advance(3000)

    const since = Date.now()
    await advance(10_000)
    // 12 ids: two calls a round, a round every 2 s (after the last call) — from one tab only.
    const watched = ids(1, 12)
    expect(shortestRepeat(watched, since)).toBeGreaterThanOrEqual(2000)
    for (const id of watched) expect(searchedAt(id, since).length).toBeGreaterThanOrEqual(4)
    expect(calls.filter((c) => c.at >= since).length).toBeLessThanOrEqual(10)
  })

  it('updates every tab with what the one polling tab found', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(3)))
    const second = await openTab(2)
    await advance(3000)

    statuses.set(requestId(2), 'SUCCESS')
    await advance(2500)
    expect(first.history.byId(requestId(2))?.status).toBe('SUCCESS')
    expect(second.history.byId(requestId(2))?.status).toBe('SUCCESS')
    expect(second.watch.announcements.at(-1)?.request_id).toBe(requestId(2))
    // Settled: searched no more, by any tab.
    const since = Date.now()
    await advance(5000)
    expect(searchedAt(requestId(2), since)).toEqual([])
    expect(searchedAt(requestId(1), since).length).toBeGreaterThanOrEqual(2)
  })

  it('polls a request the leading tab does not hold, for the tab that holds it', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(2)))
    const second = await openTab(2)
    // In the second tab's memory only (say, written by a context the first tab never heard).
    second.history.absorbWritten(inProgress(1, 'sandbox', 50))
    await advance(3000)
    expect(first.history.byId(requestId(50))).toBeUndefined()

    const since = Date.now()
    await advance(6000)
    expect(searchedAt(requestId(50), since).length).toBeGreaterThanOrEqual(2)
    expect(shortestRepeat([...ids(1, 2), requestId(50)], since)).toBeGreaterThanOrEqual(2000)
  })

  it('searches a request another tab starts at once, from the polling tab', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(2)))
    const second = await openTab(2)
    await advance(3000)

    const since = Date.now()
    await second.history.upsert(inProgress(1, 'sandbox', 60)[0]!)
    await advance(500)
    expect(searchedAt(requestId(60), since).length).toBe(1)
    await vi.waitFor(
      () => expect(first.history.byId(requestId(60))?.status).toBe('IN PROGRESS'),
      REACHES_THE_TAB,
    )
  })

  it('searches a request the polling tab starts at once', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(2)))
    const second = await openTab(2)
    await advance(3000)
    expect(browser.locks.holder(lockName())).toBe(1)

    const since = Date.now()
    await first.history.upsert(inProgress(1, 'sandbox', 61)[0]!)
    await advance(500)
    expect(searchedAt(requestId(61), since).length).toBe(1)
    await vi.waitFor(
      () => expect(second.history.byId(requestId(61))?.status).toBe('IN PROGRESS'),
      REACHES_THE_TAB,
    )
  })

  it('keeps polling when the polling tab closes, and when it vanishes without a word', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(3)))
    const second = await openTab(2)
    const third = await openTab(3)
    await advance(3000)

    first.watch.stop()
    // No round is missed: the remaining tabs poll at once (for a moment each, until one leads).
    let since = Date.now()
    await advance(2500)
    for (const id of ids(1, 3)) expect(searchedAt(id, since).length).toBeGreaterThanOrEqual(1)
    since = Date.now()
    await advance(6000)
    for (const id of ids(1, 3)) expect(searchedAt(id, since).length).toBeGreaterThanOrEqual(2)
    expect(shortestRepeat(ids(1, 3), since)).toBeGreaterThanOrEqual(2000)

    // The tab polling now is gone without saying so: its lock goes to the next tab.
    const leader = browser.locks.holder(lockName())
    expect([2, 3]).toContain(leader)
    crash(leader === 2 ? second : third)
    since = Date.now()
    await advance(2500)
    for (const id of ids(1, 3)) expect(searchedAt(id, since).length).toBeGreaterThanOrEqual(1)
    since = Date.now()
    await advance(6000)
    for (const id of ids(1, 3)) expect(searchedAt(id, since).length).toBeGreaterThanOrEqual(2)
    expect(shortestRepeat(ids(1, 3), since)).toBeGreaterThanOrEqual(2000)
  })

  it('shows the polling tab’s failure, per environment, in every tab until a round works', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(2)))
    const second = await openTab(2)
    await advance(3000)

    browser.failing = true
    await advance(2500)
    for (const tab of [first, second]) {
      expect(tab.watch.failures.map((f) => [f.environment, f.status])).toEqual([['sandbox', '1']])
    }
    const third = await openTab(3)
    expect(third.watch.failures.map((f) => f.environment)).toEqual(['sandbox'])

    browser.failing = false
    await advance(10_000)
    for (const tab of [first, second, third]) expect(tab.watch.failures).toEqual([])
  })
})

/** What a tab posted from the `from`th message on: `bye`, or the kind of message. */
function postedSince(from: number): string[] {
  const after = browser.bus.posted.slice(from) as { bye?: true; body?: { kind: string } }[]
  return after.map((m) => (m.bye ? 'bye' : (m.body?.kind ?? '?')))
}

/** A tab whose `pagehide` the test fires (`hide()`), as when its page is closed. */
async function openClosableTab(number: number) {
  const listeners: (() => void)[] = []
  const tab = await openTab(number, {
    onPageHide: (listener) => {
      listeners.push(listener)
      return () => undefined
    },
  })
  return { ...tab, hide: () => listeners.forEach((listener) => listener()) }
}

describe('a tab that closes withdraws what it watches', MANY_STEPS, () => {
  it('a polling tab that stops says bye and claims nothing after it', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(1)))
    await openTab(2)
    await advance(3000)
    expect(browser.locks.holder(lockName())).toBe(1)
    const from = browser.bus.posted.length
    first.watch.stop()
    expect(postedSince(from)).toEqual(['bye'])
  })

  it('a request deleted in the tab left open is no longer searched once the polling tab stopped', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(1)))
    const second = await openTab(2)
    await advance(3000)
    expect(browser.locks.holder(lockName())).toBe(1)
    first.watch.stop()
    await advance(3000)
    expect(browser.locks.holder(lockName())).toBe(2)
    await second.history.remove(requestId(1))
    await advance(1000)
    const since = Date.now()
    await advance(10_000)
    expect(searchedAt(requestId(1), since)).toEqual([])
  })

  it('a polling tab whose page goes says bye and claims nothing after it', async () => {
    const first = await openClosableTab(1)
    await first.history.importJson(JSON.stringify(inProgress(1)))
    await openTab(2)
    await advance(3000)
    expect(browser.locks.holder(lockName())).toBe(1)
    const from = browser.bus.posted.length
    first.hide()
    expect(postedSince(from)).toEqual(['bye'])
  })

  it('a request only a closed tab watched is no longer searched by the polling tab', async () => {
    const first = await openTab(1)
    await first.history.importJson(JSON.stringify(inProgress(1)))
    const second = await openClosableTab(2)
    // In the second tab's memory only: the polling tab searches it for that tab (its claim).
    second.history.absorbWritten(inProgress(1, 'sandbox', 50))
    await advance(3000)
    expect(browser.locks.holder(lockName())).toBe(1)
    expect(searchedAt(requestId(50), NOW).length).toBeGreaterThan(0)
    second.hide()
    await advance(1000)
    const since = Date.now()
    await advance(10_000)
    expect(searchedAt(requestId(50), since)).toEqual([])
    expect(searchedAt(requestId(1), since).length).toBeGreaterThanOrEqual(4)
  })
})

describe(
  'two polling tabs for a moment (the lock kept over a BroadcastChannel)',
  MANY_STEPS,
  () => {
    it('a tab whose polling tab stepped down is searched by one tab, not by itself and the other polling tab both', async () => {
      /** Tabs 1 and 2 both get the lock at once (the lock's messages late); tab 3 waits. */
      let grants = 0
      const overlapping = (tab: number) => ({
        mayOverlap: true,
        request: (
          _name: string,
          options: { signal?: AbortSignal },
          callback: (lock: unknown) => Promise<void>,
        ) =>
          new Promise((resolve, reject) => {
            if (tab === 3 || (tab === 2 && grants >= 2)) {
              options.signal?.addEventListener('abort', () =>
                reject(new DOMException('aborted', 'AbortError')),
              )
              return
            }
            grants++
            callback({}).then(resolve, reject)
          }),
      })
      const open = (tab: number) => openTab(tab, { locks: overlapping(tab) })
      await open(1)
      type Posted = { from: string; term: string | null; body?: { kind: string; tab?: string } }
      const firstId = (browser.bus.posted[0] as Posted).from
      const third = await open(3)
      const thirdId = (browser.bus.posted as Posted[]).find((m) => m.from !== firstId)!.from
      // Tab 1's messages reach the others late, but for its answer to tab 3's claims.
      browser.bus.late = (m) => {
        const p = m as Posted
        return p.from === firstId && !(p.body?.kind === 'ack' && p.body.tab === thirdId)
      }
      // In the third tab's memory only: the polling tab searches it for that tab (its claim).
      third.history.absorbWritten(inProgress(1, 'sandbox', 50))
      await advance(3000)
      await open(2)
      await advance(500)
      // Tab 2 hears tab 1 leads since before it, and steps down.
      browser.bus.late = null
      browser.bus.deliverLate()
      await advance(3000)
      const since = Date.now()
      await advance(10_000)
      // Searched every 2 s by one tab: never twice within 2 s.
      expect(searchedAt(requestId(50), since).length).toBeGreaterThanOrEqual(4)
      expect(shortestRepeat([requestId(50)], since)).toBeGreaterThanOrEqual(2000)
    })
  },
)
