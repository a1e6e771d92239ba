import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { searchRequests } from '@/api/verify'
import { getAdminRequest, getClock, openSandboxEvents } from '@/api/sandbox'
import { ApiError } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
import { adminRequest } from '../verify/support'
import { clockAt, mountRequestPage, startedEntry } from './support'

vi.mock('@/api/verify', async () => (await import('./support')).verifyApiMock())
vi.mock('@/api/sandbox', async () => (await import('./support')).sandboxApiMock())

const ID = 'f'.repeat(32)
let t0 = 0
let wrapper: VueWrapper | null = null

/** A sandbox request of workflow 6 with a 60 s PIN, submitted at `t0`. */
function request(patch: Parameters<typeof adminRequest>[2] = {}) {
  return adminRequest(ID, t0, {
    workflow_id: 6,
    pin_expiry: 60,
    next_event_at: null,
    expires_at: new Date(t0 + 60_000).toISOString(),
    ...patch,
  })
}

/** Mounts the request page for a sandbox request history holds. */
async function mountSandboxRequest(pinia: Pinia): Promise<VueWrapper> {
  setActivePinia(pinia)
  await useRequestsStore().upsert(startedEntry(ID, t0))
  wrapper = await mountRequestPage(pinia, ID)
  return wrapper
}

const status = () => wrapper!.get('.summary .status').attributes('data-status')
const failure = () => wrapper!.find('[data-test="load-failure"]')

/** What the page gave the event stream to call once it is open again (a reconnection). */
function streamOnOpen(): () => void {
  const onOpen = vi.mocked(openSandboxEvents).mock.lastCall?.[2]
  expect(onOpen).toBeTypeOf('function')
  return onOpen!
}

beforeEach(() => {
  localStorage.clear()
  t0 = Date.now() - 40_000
  vi.mocked(openSandboxEvents).mockClear()
  vi.mocked(getAdminRequest).mockReset().mockResolvedValue(request())
  vi.mocked(getClock).mockResolvedValue(clockAt(t0))
  vi.mocked(searchRequests).mockResolvedValue({ kind: 'found', requests: [], missing: [] })
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('request page: the event stream comes back after a break (server restarted)', () => {
  it('reads the request again, so an expiry missed meanwhile is shown', async () => {
    await mountSandboxRequest(createPinia())
    expect(status()).toBe('IN PROGRESS')
    expect(wrapper!.text()).toContain('possible now')
    // While the server was down the request expired: no event said so.
    vi.mocked(getAdminRequest).mockResolvedValue(
      request({ status: 'EXPIRED', finalized_at: new Date(t0 + 60_000).toISOString() }),
    )
    streamOnOpen()()
    await flushPromises()
    expect(status()).toBe('EXPIRED')
    expect(wrapper!.text()).not.toContain('possible now')
    expect((wrapper!.get('#cancel').element as HTMLButtonElement).disabled).toBe(true)
    expect(useRequestsStore().byId(ID)?.status).toBe('EXPIRED')
  })

  it('says the request is gone when the restarted sandbox no longer holds it', async () => {
    await mountSandboxRequest(createPinia())
    vi.mocked(getAdminRequest).mockResolvedValue(null)
    vi.mocked(searchRequests).mockResolvedValue({
      kind: 'not_found',
      ids: [ID],
      error_text: 'No response found',
    })
    streamOnOpen()()
    await flushPromises()
    expect(wrapper!.get('[data-test="request-gone"]').text()).toContain(
      'The sandbox does not know this request any more',
    )
  })

  it("never shows the sandbox's older copy as current once history knows the request ended", async () => {
    await mountSandboxRequest(createPinia())
    expect(status()).toBe('IN PROGRESS')
    // History's poll (here or in another tab) read EXPIRED; the page's copy was read before.
    await useRequestsStore().updateIfStored(
      { request_id: ID, status: 'EXPIRED' },
      { observedAt: Date.now() },
    )
    await flushPromises()
    expect(status()).toBe('EXPIRED')
  })
})

describe('request page: a failed refresh of a request it shows', () => {
  async function failRefresh(): Promise<void> {
    await mountSandboxRequest(createPinia())
    vi.mocked(getAdminRequest).mockRejectedValue(
      new ApiError('network', 'Failed to fetch', { delivery: 'not_sent' }),
    )
    await wrapper!.get('.toolbar button').trigger('click')
    await flushPromises()
  }

  it('says it could not be refreshed and what is shown, not that it could not be loaded', async () => {
    await failRefresh()
    const text = failure().text()
    expect(text).toContain('The request could not be refreshed (showing what was last read at')
    expect(text).not.toContain('could not be loaded')
    expect(failure().find('time').exists()).toBe(true)
    expect(status()).toBe('IN PROGRESS')
  })

  it('goes away when the browser is back online and the request is read again', async () => {
    await failRefresh()
    expect(failure().exists()).toBe(true)
    vi.mocked(getAdminRequest).mockResolvedValue(
      request({ status: 'SUCCESS', finalized_at: new Date(t0 + 20_000).toISOString() }),
    )
    window.dispatchEvent(new Event('online'))
    await flushPromises()
    expect(failure().exists()).toBe(false)
    expect(status()).toBe('SUCCESS')
  })

  it('goes away when the event stream is back and the request is read again', async () => {
    await failRefresh()
    vi.mocked(getAdminRequest).mockResolvedValue(request())
    streamOnOpen()()
    await flushPromises()
    expect(failure().exists()).toBe(false)
  })

  it('stays while the read on coming back online fails too', async () => {
    await failRefresh()
    window.dispatchEvent(new Event('online'))
    await flushPromises()
    expect(failure().text()).toContain('could not be refreshed')
  })
})

describe('request page: a first read that fails while History holds the request', () => {
  it("says History's copy is shown and could not be refreshed, not that it could not be loaded", async () => {
    vi.mocked(getAdminRequest).mockRejectedValue(
      new ApiError('network', 'Failed to fetch', { delivery: 'not_sent' }),
    )
    await mountSandboxRequest(createPinia())
    // History's copy is on screen.
    expect(status()).toBe('IN PROGRESS')
    const text = failure().text()
    expect(text).toContain("The request could not be refreshed (History's copy shown): ")
    expect(text).toContain('Failed to fetch')
    expect(text).not.toContain('could not be loaded')
  })
})

describe('request page: the end of a request it shows in progress passes', () => {
  it('reads the request again once, and shows how it ended', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    try {
      vi.setSystemTime(t0 + 40_000)
      await mountSandboxRequest(createPinia())
      expect(status()).toBe('IN PROGRESS')
      const reads = vi.mocked(getAdminRequest).mock.calls.length
      // No event says it expired (the stream is away): the page's own countdown reaches the end.
      vi.mocked(getAdminRequest).mockResolvedValue(
        request({ status: 'EXPIRED', finalized_at: new Date(t0 + 60_000).toISOString() }),
      )
      vi.advanceTimersByTime(15_000)
      await flushPromises()
      expect(vi.mocked(getAdminRequest).mock.calls.length).toBe(reads)
      vi.advanceTimersByTime(10_000)
      await flushPromises()
      expect(vi.mocked(getAdminRequest).mock.calls.length).toBe(reads + 1)
      expect(status()).toBe('EXPIRED')
      vi.advanceTimersByTime(10_000)
      await flushPromises()
      expect(vi.mocked(getAdminRequest).mock.calls.length).toBe(reads + 1)
    } finally {
      vi.useRealTimers()
    }
  })

  it('says the copy shown could not be refreshed when that read fails', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    try {
      vi.setSystemTime(t0 + 40_000)
      await mountSandboxRequest(createPinia())
      vi.mocked(getAdminRequest).mockRejectedValue(
        new ApiError('network', 'Failed to fetch', { delivery: 'not_sent' }),
      )
      vi.advanceTimersByTime(25_000)
      await flushPromises()
      expect(failure().text()).toContain('could not be refreshed (showing what was last read at')
    } finally {
      vi.useRealTimers()
    }
  })
})
