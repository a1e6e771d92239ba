import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import type { SearchStatus, VerificationRequest } from '@contract/types'
import { searchRequests, type SearchResult } from '@/api/verify'
import { historyStoreOptions, useRequestsStore } from '@/stores/requests'
import { useWatchStore, watchSharingOptions } from '@/stores/watch'
import { FakeBus, FakeLocks } from '../api/support/tabs'
import { entry, freshHistoryEnvironment } from './history-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

const search = vi.mocked(searchRequests)
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)

function answer(id: string, status: SearchStatus): VerificationRequest {
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

/** Every search call: when (the fake clock) and the ids it carried. */
let calls: { at: number; ids: string[] }[] = []
const statuses = new Map<string, SearchStatus>()
let failing = false

async function answerAll(_env: string, ids: readonly string[]): Promise<SearchResult> {
  calls.push({ at: Date.now(), ids: [...ids] })
  if (failing) return { kind: 'error', ids: [...ids], status: '1', error_text: 'Throttled' }
  const requests = ids.map((id) => answer(id, statuses.get(id) ?? 'IN PROGRESS'))
  return { kind: 'found', requests, missing: [] }
}

/** Lets IndexedDB, the tab channel (real setImmediate) and promise chains finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 300; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Moves the fake clock in small steps, letting everything run between them. */
async function advance(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 100) {
    await vi.advanceTimersByTimeAsync(Math.min(100, left))
    await settle()
  }
}

/** The lock the tabs queue for to poll. */
const lockName = () => `verify-desk:watch:${historyStoreOptions.channel}`

let locks: FakeLocks
let bus: FakeBus
const pinias: Pinia[] = []

interface Tab {
  number: number
  history: ReturnType<typeof useRequestsStore>
  watch: ReturnType<typeof useWatchStore>
}

/** A tab of the dashboard: its own stores, sharing storage, locks and channels with the others. */
async function openTab(number: number): Promise<Tab> {
  const pinia = createPinia()
  pinias.push(pinia)
  const history = useRequestsStore(pinia)
  await history.ready
  const watch = useWatchStore(pinia)
  watchSharingOptions.environment = () => ({
    locks: locks.forTab(number),
    createChannel: bus.forTab(number),
  })
  await watch.start()
  await settle()
  return { number, history, watch }
}

beforeEach(() => {
  freshHistoryEnvironment()
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: NOW })
  locks = new FakeLocks()
  bus = new FakeBus()
  calls = []
  statuses.clear()
  failing = false
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

describe('a hand-over between tabs', () => {
  it('keeps live searches from two tabs at least the 1/s call gap apart when the polling tab goes', async () => {
    const first = await openTab(1)
    const live = Array.from({ length: 3 }, (_, i) =>
      entry(1 + i, {
        environment: 'live',
        createdAt: NOW - 10_000,
        updatedAt: NOW - 10_000,
        lastActivityAt: NOW - 10_000,
      }),
    )
    await first.history.importJson(JSON.stringify(live))
    const second = await openTab(2)
    await advance(3000)
    const leader = locks.holder(lockName())
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
