import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AdminRequest } from '@contract/admin'
import { searchRequests } from '@/api/verify'
import { getAdminRequest, getClock } from '@/api/sandbox'
import { ApiError } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
import VerifyBlockingRequest from '@/components/verify/VerifyBlockingRequest.vue'
import { adminRequest, BLOCKER_ID } from './support'

vi.mock('@/api/verify', () => ({
  startVerification: vi.fn(() => Promise.reject(new Error('unexpected startVerification call'))),
  checkCode: vi.fn(() => Promise.reject(new Error('unexpected checkCode call'))),
  cancelRequest: vi.fn(() => Promise.reject(new Error('unexpected cancelRequest call'))),
  triggerNextEvent: vi.fn(() => Promise.reject(new Error('unexpected triggerNextEvent call'))),
  searchRequests: vi.fn(() => Promise.reject(new Error('unexpected searchRequests call'))),
}))
vi.mock('@/api/sandbox', () => ({
  getAdminRequest: vi.fn(() => Promise.reject(new Error('unexpected getAdminRequest call'))),
  getClock: vi.fn(() => Promise.reject(new Error('unexpected getClock call'))),
  openSandboxEvents: vi.fn(() => ({ close() {} })),
}))

let wrapper: VueWrapper | null = null

async function mountPanel(): Promise<VueWrapper> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:p(.*)*', component: { render: () => h('p', 'page') } }],
  })
  wrapper = mount(VerifyBlockingRequest, {
    props: { requestId: BLOCKER_ID, environment: 'sandbox' },
    global: { plugins: [pinia, router] },
  })
  await flushPromises()
  return wrapper
}

const reason = () => wrapper!.get('#blocking-cancel-reason').text()
const cancelButton = () => wrapper!.get('#blocking-cancel').element as HTMLButtonElement

beforeEach(() => {
  localStorage.clear()
  vi.mocked(getAdminRequest).mockReset()
  vi.mocked(getClock).mockResolvedValue({ now: '', now_ms: 0, offset_ms: 0, next_due_at: null })
  vi.mocked(searchRequests).mockResolvedValue({ kind: 'found', requests: [], missing: [] })
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('the status-10 panel: cancel while the blocking request has no usable state', () => {
  it('says loading while the read is on its way, then that its state could not be loaded, then cancels once read', async () => {
    let fail!: (error: unknown) => void
    vi.mocked(getAdminRequest).mockReturnValueOnce(
      new Promise<AdminRequest | null>((_, reject) => (fail = reject)),
    )
    await mountPanel()
    expect(cancelButton().disabled).toBe(true)
    expect(reason()).toBe('loading the request')

    fail(new ApiError('network', 'Failed to fetch', { delivery: 'not_sent' }))
    await flushPromises()
    expect(cancelButton().disabled).toBe(true)
    expect(reason()).toBe('its state could not be loaded')
    expect(wrapper!.text()).toContain('Its state could not be loaded: Failed to fetch')

    // Started 40 s ago: cancel is open once the request is read.
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    const retry = wrapper!.findAll('button').find((b) => b.text() === 'Try again')!
    await retry.trigger('click')
    await flushPromises()
    expect(cancelButton().disabled).toBe(false)
    expect(wrapper!.find('#blocking-cancel-reason').exists()).toBe(false)
    expect(wrapper!.text()).not.toContain('could not be loaded')
  })
})

describe('the status-10 panel: the blocking request reaches its end', () => {
  it('reads it again once its end passes, and says it has ended so a start can go through', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    try {
      const t0 = Date.now()
      const blocker = (patch: Partial<AdminRequest> = {}) =>
        adminRequest(BLOCKER_ID, t0, { expires_at: new Date(t0 + 60_000).toISOString(), ...patch })
      vi.mocked(getAdminRequest).mockResolvedValue(blocker())
      await mountPanel()
      expect(wrapper!.text()).toContain('· IN PROGRESS')
      const reads = vi.mocked(getAdminRequest).mock.calls.length
      // No event says it expired (the event stream is away): its own end passing is the cue.
      vi.mocked(getAdminRequest).mockResolvedValue(
        blocker({ status: 'EXPIRED', finalized_at: new Date(t0 + 60_000).toISOString() }),
      )
      vi.advanceTimersByTime(55_000)
      await flushPromises()
      expect(vi.mocked(getAdminRequest).mock.calls.length).toBe(reads)
      vi.advanceTimersByTime(10_000)
      await flushPromises()
      expect(vi.mocked(getAdminRequest).mock.calls.length).toBe(reads + 1)
      expect(wrapper!.text()).toContain('It has ended (EXPIRED): you can start again now.')
      expect(wrapper!.find('#blocking-cancel').exists()).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })
})
