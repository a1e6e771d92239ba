/**
 * Live status once its app is disposed (its Pinia disposed, as on an app re-created in the same
 * tab): it searches, and so writes to history, nothing more.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, disposePinia, setActivePinia } from 'pinia'
import { useWatchStore } from '@/stores/watch'
import { freshHistoryEnvironment } from './history-support'
import { answerFrom, inProgress, nextRound, NOW, search, seed, settle } from './watch-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

beforeEach(() => {
  freshHistoryEnvironment()
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: NOW })
  search.mockReset()
  search.mockImplementation(answerFrom(new Map()))
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('live status of a disposed app', () => {
  it('searches nothing more once its app is disposed', async () => {
    // The page the watch runs in, shown.
    vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }))
    const pinia = createPinia()
    setActivePinia(pinia)
    await seed(inProgress(1))
    await useWatchStore().start()
    await settle()
    await nextRound()
    const searched = search.mock.calls.length
    expect(searched).toBeGreaterThan(0)

    disposePinia(pinia)
    for (let i = 0; i < 5; i++) await nextRound()
    expect(search).toHaveBeenCalledTimes(searched)
  })
})
