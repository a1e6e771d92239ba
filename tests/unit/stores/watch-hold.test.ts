import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import { useWatchStore } from '@/stores/watch'
import { closeTabs, entry, freshHistoryEnvironment, openTab, requestId } from './history-support'
import { REACHES_THE_TAB } from './watch-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn(() => new Promise(() => {})),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

beforeEach(() => {
  freshHistoryEnvironment()
  setActivePinia(createPinia())
})

afterEach(async () => {
  useWatchStore().stop()
  await useRequestsStore().dispose()
  await closeTabs()
})

describe('announcements held for a request the page says itself', () => {
  it('are held whichever tab stored the change, and said again once released', async () => {
    const here = useRequestsStore()
    await here.ready
    await here.upsert(entry(1, { status: 'IN PROGRESS' }))
    await here.upsert(entry(2, { status: 'IN PROGRESS' }))
    const watch = useWatchStore()
    await watch.start()
    const other = await openTab()
    await vi.waitFor(() => expect(other.byId(requestId(2))).toBeDefined(), REACHES_THE_TAB)

    // The status-10 panel of this tab holds request 1; another tab's poll stores its end first.
    const release = watch.holdAnnouncements(requestId(1))
    await other.upsert(entry(1, { status: 'SUCCESS', updatedAt: Date.now() + 1 }))
    await other.upsert(entry(2, { status: 'SUCCESS', updatedAt: Date.now() + 1 }))
    await vi.waitFor(() => expect(here.byId(requestId(2))?.status).toBe('SUCCESS'), REACHES_THE_TAB)
    expect(here.byId(requestId(1))?.status).toBe('SUCCESS')
    // Request 2 is not held: its change from the other tab is said here.
    expect(watch.announcements.map((a) => a.request_id)).toEqual([requestId(2)])

    release()
    await other.upsert(entry(1, { status: 'EXPIRED', updatedAt: Date.now() + 2 }))
    await vi.waitFor(
      () =>
        expect(watch.announcements.map((a) => a.request_id)).toEqual([requestId(2), requestId(1)]),
      REACHES_THE_TAB,
    )
  })
})
