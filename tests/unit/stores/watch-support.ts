/**
 * What the live status (watch) tests share: the fake clock from `NOW`, search's answers, history
 * seeded with requests in progress, the page the watch runs in, and the tabs of one browser.
 *
 * Each test file mocks `@/api/verify` and `@/api/sandbox` itself (a mock belongs to its file):
 * `search` here is that file's mock of `searchRequests`.
 */
import { afterEach, beforeEach, vi } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import type { SearchStatus, VerificationRequest } from '@contract/types'
import { searchRequests, type SearchResult, type SearchedRequest } from '@/api/verify'
import type { TabLeaderEnvironment } from '@/api/tab-leader'
import { historyStoreOptions, useRequestsStore } from '@/stores/requests'
import { useWatchStore, watchSharingOptions } from '@/stores/watch'
import { FakeBus, FakeLocks } from '../api/support/tabs'
import { entry, freshHistoryEnvironment, requestId } from './history-support'
import { EVENTUALLY_MS } from '../../support/eventually'

export const search = vi.mocked(searchRequests)

/**
 * For tests that let everything run every 100 ms of the fake clock over many seconds of it: a few
 * seconds of real time on an idle machine, many times that on a busy one. A limit for a hung test,
 * never a measure of speed.
 */
export const MANY_STEPS = { timeout: 60_000 }
/** How long a test waits for what another tab stored to reach this one (a state, not a speed). */
export const REACHES_THE_TAB = { timeout: EVENTUALLY_MS }
export const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)
/** The sandbox interval of the watch (the settings' default). */
export const ROUND_MS = 2000

/** The sandbox's answer for a request, with the given status. */
export function answer(id: string, status: SearchStatus = 'IN PROGRESS'): VerificationRequest {
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
export function answerFrom(statuses: Map<string, SearchStatus>) {
  return async (_env: string, ids: readonly string[]): Promise<SearchResult> => ({
    kind: 'found',
    requests: ids.map((id) => answer(id, statuses.get(id) ?? 'IN PROGRESS')),
    missing: [],
  })
}

/** Search's answer for a request with a wrong code checked, the status as the upstream wrote it. */
export function searchedAs(id: string, status: string): SearchedRequest {
  return {
    request_id: id,
    account_id: 'abcdef01',
    number: '447700900001',
    sender_id: 'verify',
    date_submitted: '2026-11-25 11:59:00',
    date_finalized: status === 'EXPIRED' ? '2026-11-25 12:04:00' : '',
    checks: [
      { date_received: '2026-11-25 11:59:30', code: '1111', status: 'INVALID', ip_address: '' },
    ],
    first_event_date: '2026-11-25 11:59:00',
    last_event_date: '2026-11-25 11:59:00',
    price: '0',
    currency: 'EUR',
    status,
    estimated_price_messages_sent: '0.03',
    events: [{ type: 'sms', id: 'event-1' }],
  }
}

export const found = (request: SearchedRequest): SearchResult => ({
  kind: 'found',
  requests: [request],
  missing: [],
})

/** Lets IndexedDB, the tab channel (real setImmediate) and promise chains finish; fake timers stay put. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 300; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** One sandbox interval on the fake clock, and what it set going. */
export async function nextRound(): Promise<void> {
  await vi.advanceTimersByTimeAsync(ROUND_MS)
  await settle()
}

/** `count` requests in progress in `env` (numbered from `from`), last active 10 s ago. */
export function inProgress(count: number, env: 'sandbox' | 'live' = 'sandbox', from = 1) {
  return Array.from({ length: count }, (_, i) =>
    entry(from + i, {
      environment: env,
      createdAt: NOW - 10_000,
      updatedAt: NOW - 10_000,
      lastActivityAt: NOW - 10_000,
    }),
  )
}

/** The active Pinia's history, holding `entries`. */
export async function seed(entries: ReturnType<typeof entry>[]) {
  const history = useRequestsStore()
  await history.ready
  await history.importJson(JSON.stringify(entries))
  return history
}

/** The request `watching` seeds. */
export const ID = requestId(1)

/**
 * The active Pinia's history with one request in progress (`ID`), last active `ago` ms ago, search
 * answering `answers` in turn (then BLOCKED); the watch started.
 */
export async function watching(answers: SearchResult[], ago = 10_000) {
  const started = NOW - ago
  const history = await seed([
    entry(1, { createdAt: started, updatedAt: started, lastActivityAt: started }),
  ])
  search.mockImplementation(async () => answers.shift() ?? found(searchedAs(ID, 'BLOCKED')))
  const watch = useWatchStore()
  await watch.start()
  await settle()
  return { history, watch }
}

/** The page the watch runs in: shown, until the test hides it. */
const fakeDocument = Object.assign(new EventTarget(), { visibilityState: 'visible' })

export function setVisibility(state: 'visible' | 'hidden'): void {
  fakeDocument.visibilityState = state
  fakeDocument.dispatchEvent(new Event('visibilitychange'))
}

/**
 * Each test of the file in one tab: the fake clock at `NOW`, a fresh history, the page shown, the
 * search mock's calls cleared; afterwards the watch stopped and history closed.
 */
export function watchInOneTab(): void {
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
}

/** A tab of the dashboard: its own stores. */
export interface Tab {
  number: number
  history: ReturnType<typeof useRequestsStore>
  watch: ReturnType<typeof useWatchStore>
}

/** The lock the tabs queue for to poll. */
export const lockName = () => `verify-desk:watch:${historyStoreOptions.channel}`

/**
 * Each test of the file in tabs of one browser, on the fake clock from `NOW`: the tabs share
 * storage, the lock (`locks`) and the tab channel (`bus`); every search is recorded in `calls` and
 * answers each id with its status in `statuses` (IN PROGRESS by default), or status 1 while
 * `failing`. Afterwards every tab's watch is stopped and its history closed.
 */
export function tabsOfOneBrowser() {
  const pinias: Pinia[] = []
  /** Every search call: when (the fake clock) and the ids it carried. */
  const calls: { at: number; ids: string[] }[] = []
  const statuses = new Map<string, SearchStatus>()

  const browser = {
    locks: new FakeLocks(),
    bus: new FakeBus(),
    calls,
    statuses,
    failing: false,

    /**
     * Opens tab `number`, sharing storage, the lock and the channel with the others; `environment`
     * changes what it has of the browser (a `pagehide` the test fires, a lock of its own).
     */
    async openTab(number: number, environment: Partial<TabLeaderEnvironment> = {}): Promise<Tab> {
      const pinia = createPinia()
      pinias.push(pinia)
      const history = useRequestsStore(pinia)
      await history.ready
      const watch = useWatchStore(pinia)
      watchSharingOptions.environment = () => ({
        locks: browser.locks.forTab(number),
        createChannel: browser.bus.forTab(number),
        ...environment,
      })
      await watch.start()
      await settle()
      return { number, history, watch }
    },

    /** The tab is gone without a word (a crash): its lock is freed and it hears nothing more. */
    crash(tab: Tab): void {
      browser.bus.closeTab(tab.number)
      browser.locks.closeTab(tab.number)
      tab.watch.stop()
    },

    /** The fake-clock times at which `id` was searched since `since`. */
    searchedAt(id: string, since: number): number[] {
      return calls.filter((c) => c.at >= since && c.ids.includes(id)).map((c) => c.at)
    },

    /** The shortest time between two searches of one id, over `ids`. */
    shortestRepeat(ids: readonly string[], since: number): number {
      let shortest = Infinity
      for (const id of ids) {
        const at = browser.searchedAt(id, since)
        for (let i = 1; i < at.length; i++) shortest = Math.min(shortest, at[i]! - at[i - 1]!)
      }
      return shortest
    },
  }

  async function answerAll(env: string, ids: readonly string[]): Promise<SearchResult> {
    calls.push({ at: Date.now(), ids: [...ids] })
    if (browser.failing) {
      return { kind: 'error', ids: [...ids], status: '1', error_text: 'Throttled' }
    }
    return answerFrom(statuses)(env, ids)
  }

  beforeEach(() => {
    freshHistoryEnvironment()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: NOW })
    browser.locks = new FakeLocks()
    browser.bus = new FakeBus()
    calls.length = 0
    statuses.clear()
    browser.failing = false
    search.mockReset()
    search.mockImplementation(answerAll)
    setActivePinia(createPinia())
  })

  afterEach(async () => {
    for (const pinia of pinias.splice(0)) {
      useWatchStore(pinia).stop()
      await useRequestsStore(pinia).dispose()
    }
    delete watchSharingOptions.environment
    vi.useRealTimers()
  })

  return browser
}

/** Moves the fake clock in steps of 100 ms, letting everything run between them. */
export async function advance(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 100) {
    await vi.advanceTimersByTimeAsync(Math.min(100, left))
    await settle()
  }
}
