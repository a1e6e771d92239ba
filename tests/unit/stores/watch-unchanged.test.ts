/**
 * Live status writes a search answer into history only when it tells something new: a status
 * search reports that this dashboard does not know, replaced by another one, and a price that
 * changed, are new, though nothing else changed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { searchRequests, type SearchResult, type SearchedRequest } from '@/api/verify'
import { useRequestsStore } from '@/stores/requests'
import { useWatchStore } from '@/stores/watch'
import { entry, freshHistoryEnvironment, requestId } from './history-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

const search = vi.mocked(searchRequests)
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)
/** The sandbox interval of the watch (the settings' default). */
const ROUND_MS = 2000

/** Search's answer for a request, with the status as the upstream wrote it. */
function answer(id: string, status: string): SearchedRequest {
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

const found = (request: SearchedRequest): SearchResult => ({
  kind: 'found',
  requests: [request],
  missing: [],
})
/** Lets IndexedDB (real setImmediate) and promise chains finish; fake timers stay put. */
async function settle(): Promise<void> {
  for (let i = 0; i < 300; i++) await new Promise((resolve) => setImmediate(resolve))
}

async function nextRound(): Promise<void> {
  await vi.advanceTimersByTimeAsync(ROUND_MS)
  await settle()
}

const ID = requestId(1)

/** History with one request in progress, last active `ago` ms ago; the watch started. */
async function watching(answers: SearchResult[], ago = 10_000) {
  const history = useRequestsStore()
  await history.ready
  const started = NOW - ago
  await history.importJson(
    JSON.stringify([entry(1, { createdAt: started, updatedAt: started, lastActivityAt: started })]),
  )
  search.mockImplementation(async () => answers.shift() ?? found(answer(ID, 'BLOCKED')))
  const watch = useWatchStore()
  await watch.start()
  await settle()
  return { history, watch }
}

beforeEach(() => {
  freshHistoryEnvironment()
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: NOW })
  vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }))
  setActivePinia(createPinia())
  search.mockClear()
})

afterEach(async () => {
  useWatchStore().stop()
  await useRequestsStore().dispose()
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('live status: what a search answer tells that is new', () => {
  it('another status this dashboard does not know replaces the one reported before', async () => {
    const { history } = await watching([found(answer(ID, 'BLOCKED')), found(answer(ID, 'HELD'))])
    expect(history.byId(ID)?.lastSearch?.reportedStatus).toBe('BLOCKED')
    await nextRound()
    expect(history.byId(ID)).toMatchObject({
      status: 'UNKNOWN',
      lastSearch: { reportedStatus: 'HELD' },
    })
  })

  it('a price that changed, all else the same, is written', async () => {
    const priced = { ...answer(ID, 'IN PROGRESS'), price: '0.05' }
    const { history } = await watching([found(answer(ID, 'IN PROGRESS')), found(priced)])
    expect(history.byId(ID)?.lastSearch?.price).toBe('0')
    await nextRound()
    expect(history.byId(ID)?.lastSearch?.price).toBe('0.05')
  })
})
