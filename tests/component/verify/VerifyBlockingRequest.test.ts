import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AdminClock, AdminRequest } from '@contract/admin'
import { searchRequests, type SearchResult } from '@/api/verify'
import { getAdminRequest, getClock, openSandboxEvents, type SandboxEvent } from '@/api/sandbox'
import { ApiError } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
import { useWatchStore } from '@/stores/watch'
import VerifyBlockingRequest from '@/components/verify/VerifyBlockingRequest.vue'
import { adminRequest, BLOCKER_ID, blockerNotFound } from './support'
import { sandboxStream, startedEntry } from '../request/support'
import { deferred } from '../../support/deferred'

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

async function mountPanel(
  options: {
    attach?: boolean
    before?: () => Promise<unknown>
    environment?: 'sandbox' | 'live'
  } = {},
): Promise<VueWrapper> {
  const pinia = createPinia()
  setActivePinia(pinia)
  await options.before?.()
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:p(.*)*', component: { render: () => h('p', 'page') } }],
  })
  wrapper = mount(VerifyBlockingRequest, {
    props: { requestId: BLOCKER_ID, environment: options.environment ?? 'sandbox' },
    global: { plugins: [pinia, router] },
    ...(options.attach ? { attachTo: document.body } : {}),
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
  useWatchStore().stop()
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

describe('the status-10 panel: its request ends or is lost while its cancel has the focus', () => {
  /** History holds the blocking request, as a start from this dashboard left it. */
  const inHistory = () =>
    useRequestsStore().upsert(startedEntry(BLOCKER_ID, Date.now() - 40_000, { kind: 'request' }))
  /** As the app runs: history holds the request, and the app's announcer follows it. */
  const inHistoryWithAnnouncer = async () => {
    await inHistory()
    await useWatchStore().start()
  }
  /** What the app's announcer said of the blocking request. */
  const appSaid = () =>
    useWatchStore()
      .announcements.filter((a) => a.request_id === BLOCKER_ID)
      .map((a) => a.message)
  /** The sandbox's event stream, as the panel listens to it (it opens its stream last). */
  const push = async (event: SandboxEvent) => {
    const onEvent = vi.mocked(openSandboxEvents).mock.lastCall?.[0] as (e: SandboxEvent) => void
    onEvent(event)
    await flushPromises()
  }
  /** Each text the panel's end region takes, in order, as a screen reader hears it. */
  const recordSaid = (): string[] => {
    const region = wrapper!.get('[data-test="blocking-end-announcement"]').element
    const heard: string[] = []
    new MutationObserver(() => {
      const text = region.textContent?.trim() ?? ''
      if (text) heard.push(text)
    }).observe(region, { childList: true, characterData: true, subtree: true })
    return heard
  }
  const reset = async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(null)
    vi.mocked(searchRequests).mockResolvedValue(blockerNotFound())
    await push({ type: 'reset', data: { at: new Date().toISOString() } })
    // What history knew (and later marks UNKNOWN) is no request to cancel.
    await useRequestsStore().markGone(BLOCKER_ID, 'The sandbox was reset')
    await flushPromises()
  }
  /** History's own poll (the app's live status) finds the request verified. */
  const historyFindsVerified = async () => {
    await useRequestsStore().updateIfStored(
      { request_id: BLOCKER_ID, status: 'SUCCESS' },
      { observedAt: Date.now() },
    )
    await flushPromises()
  }
  const verified = () =>
    adminRequest(BLOCKER_ID, Date.now() - 40_000, {
      status: 'SUCCESS',
      finalized_at: new Date().toISOString(),
    })
  const GONE_SAID =
    'The request that blocked this number no longer exists (the sandbox was reset): you can start again now.'
  const ENDED_SAID =
    'The request that blocked this number has ended (SUCCESS): you can start again now.'

  it('after a sandbox reset, says the request no longer exists instead of offering its cancel, once: by the focus', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    await mountPanel({ attach: true, before: inHistoryWithAnnouncer })
    expect(cancelButton().disabled).toBe(false)
    cancelButton().focus()
    const heard = recordSaid()

    await reset()

    expect(wrapper!.find('#blocking-cancel').exists()).toBe(false)
    expect(wrapper!.text()).not.toMatch(/cancel possible|UNKNOWN|IN PROGRESS/)
    const block = wrapper!.get('[data-test="blocking-not-found"]')
    expect(block.text()).toBe(
      'This request no longer exists: the sandbox was reset, and its requests went with it. It no longer blocks this number, and there is nothing left to cancel. ' +
        'Next: start again: the start goes through now.',
    )
    // The sentence that has the focus is read out as it gets it: neither the panel's region nor
    // the app's announcer ("is now not found (UNKNOWN)") says it again.
    expect(document.activeElement).toBe(block.element)
    expect(useRequestsStore().byId(BLOCKER_ID)?.status).toBe('UNKNOWN')
    expect(heard).toEqual([])
    expect(appSaid()).toEqual([])
  })

  it('after a sandbox reset with the focus elsewhere: its region says it once, the app announcer not at all', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    await mountPanel({ attach: true, before: inHistoryWithAnnouncer })
    const link = wrapper!.get('a').element as HTMLElement
    link.focus()
    const said = wrapper!.get('[data-test="blocking-end-announcement"]')
    expect(said.attributes('role')).toBe('status')
    const heard = recordSaid()

    await reset()
    // The event stream comes back and the sandbox is read again: nothing new to say.
    await push({ type: 'reset', data: { at: new Date().toISOString() } })

    expect(document.activeElement).toBe(link)
    expect(heard).toEqual([GONE_SAID])
    expect(appSaid()).toEqual([])
  })

  it('a request history marked UNKNOWN that search does not find is said not found, not offered to cancel', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(null)
    vi.mocked(searchRequests).mockResolvedValue(blockerNotFound())
    await mountPanel({
      environment: 'live',
      before: async () => {
        // A live request: search is all there is to read it by.
        await useRequestsStore().upsert(
          startedEntry(BLOCKER_ID, Date.now() - 40_000, { environment: 'live', kind: 'request' }),
        )
        await useRequestsStore().markGone(BLOCKER_ID, 'Not found')
      },
    })
    expect(useRequestsStore().byId(BLOCKER_ID)?.status).toBe('UNKNOWN')
    expect(wrapper!.find('#blocking-cancel').exists()).toBe(false)
    expect(wrapper!.get('[data-test="blocking-not-found"]').text()).toContain(
      'This request could not be found: searching Live for it answered status 101 (No response found).',
    )
  })

  it('search does not find it and history marks it so: its region says it once, the app announcer not', async () => {
    vi.mocked(searchRequests).mockResolvedValue(blockerNotFound())
    await mountPanel({
      attach: true,
      environment: 'live',
      before: async () => {
        await useRequestsStore().upsert(
          startedEntry(BLOCKER_ID, Date.now() - 40_000, { environment: 'live', kind: 'request' }),
        )
        await useWatchStore().start()
      },
    })
    // Not found yet, history still knows it in progress (search may not have it yet).
    expect(wrapper!.find('#blocking-cancel').exists()).toBe(true)
    const link = wrapper!.get('a').element as HTMLElement
    link.focus()
    const heard = recordSaid()

    // The app's live status no longer finds it either: history marks it gone.
    await useRequestsStore().markGone(BLOCKER_ID, 'Not found')
    await flushPromises()
    expect(useRequestsStore().byId(BLOCKER_ID)?.status).toBe('UNKNOWN')
    expect(wrapper!.get('[data-test="blocking-not-found"]').text()).toContain(
      'This request could not be found',
    )
    expect(heard).toEqual([
      'The request that blocked this number could not be found (status 101): start again to see whether it still blocks it.',
    ])
    expect(appSaid()).toEqual([])
    expect(document.activeElement).toBe(link)
  })

  it('verified elsewhere: the focus goes from its cancel to the sentence saying it has ended, said once', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    await mountPanel({ attach: true, before: inHistoryWithAnnouncer })
    cancelButton().focus()
    const heard = recordSaid()
    vi.mocked(getAdminRequest).mockResolvedValue(verified())
    await push({ type: 'request', data: verified() })
    await historyFindsVerified()

    const sentence = wrapper!.get('[data-focus-on-end]')
    expect(sentence.text()).toBe('It has ended (SUCCESS): you can start again now.')
    expect(document.activeElement).toBe(sentence.element)
    // History took the new state, yet the app's announcer leaves it to the sentence read out.
    expect(useRequestsStore().byId(BLOCKER_ID)?.status).toBe('SUCCESS')
    expect(appSaid()).toEqual([])
    expect(heard).toEqual([])
  })

  it('verified elsewhere with the focus elsewhere: its region says it has ended once, the focus stays', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    await mountPanel({ attach: true, before: inHistoryWithAnnouncer })
    const link = wrapper!.get('a').element as HTMLElement
    link.focus()
    const heard = recordSaid()
    vi.mocked(getAdminRequest).mockResolvedValue(verified())
    await push({ type: 'request', data: verified() })
    await historyFindsVerified()
    expect(wrapper!.text()).toContain('It has ended (SUCCESS): you can start again now.')
    expect(heard).toEqual([ENDED_SAID])

    // Read again (the event stream reconnects): not said a second time, by either.
    await push({ type: 'request', data: verified() })
    expect(heard).toEqual([ENDED_SAID])
    expect(appSaid()).toEqual([])
    expect(document.activeElement).toBe(link)
  })

  it('the app announcer follows the request again once the panel is gone', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    await mountPanel({ before: inHistoryWithAnnouncer })
    wrapper!.unmount()
    wrapper = null
    await historyFindsVerified()
    expect(appSaid()).toEqual(['Request …bbbbbb to +447700900123 is now verified (SUCCESS).'])
  })

  it('leaves a focus elsewhere on the page alone when the request ends', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    await mountPanel({ attach: true })
    const link = wrapper!.get('a').element as HTMLElement
    link.focus()
    await push({
      type: 'request',
      data: adminRequest(BLOCKER_ID, Date.now() - 40_000, { status: 'EXPIRED' }),
    })
    expect(wrapper!.text()).toContain('It has ended (EXPIRED)')
    expect(document.activeElement).toBe(link)
  })
})

describe('the status-10 panel: what the sandbox does while the panel reads it', () => {
  /** The sandbox's clock, `offset_ms` ahead of this browser's. */
  const clockAt = (offset_ms: number): AdminClock => ({
    now: '',
    now_ms: 0,
    offset_ms,
    next_due_at: null,
  })
  /** The panel's event stream, driven by the test (`open`, `push`). */
  const stream = () => sandboxStream(openSandboxEvents)
  const notYetInHistory = (): SearchResult => ({ kind: 'found', requests: [], missing: [] })

  it('the clock moves 30 s on after its first read, before its event stream opens: the cancel opens', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now()))
    // The look-up that adds the request to history is still on its way when the stream opens.
    const lookUp = deferred<SearchResult>()
    vi.mocked(searchRequests).mockReturnValueOnce(lookUp.promise)
    await mountPanel()
    expect(reason()).toMatch(/^cancel possible in /)

    // Another client moves the clock on while the stream connects: no event tells of it.
    vi.mocked(getClock).mockResolvedValue(clockAt(31_000))
    await stream().open()
    lookUp.resolve(notYetInHistory())
    await flushPromises()

    expect(cancelButton().disabled).toBe(false)
    expect(wrapper!.find('#blocking-cancel-reason').exists()).toBe(false)
  })

  it('verified by another client after its first read, before its event stream opens: says it has ended', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    const lookUp = deferred<SearchResult>()
    vi.mocked(searchRequests).mockReturnValueOnce(lookUp.promise)
    await mountPanel()
    expect(cancelButton().disabled).toBe(false)

    vi.mocked(getAdminRequest).mockResolvedValue(
      adminRequest(BLOCKER_ID, Date.now() - 40_000, {
        status: 'SUCCESS',
        finalized_at: new Date().toISOString(),
      }),
    )
    await stream().open()
    lookUp.resolve(notYetInHistory())
    await flushPromises()

    expect(wrapper!.text()).toContain('It has ended (SUCCESS): you can start again now.')
    expect(wrapper!.find('#blocking-cancel').exists()).toBe(false)
  })

  it('reads once when its event stream is open already', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    vi.mocked(getClock).mockClear()
    // An open stream says so at once (in a microtask) to a new subscriber.
    vi.mocked(openSandboxEvents).mockImplementationOnce((_onEvent, _onError, onOpen) => {
      queueMicrotask(() => onOpen?.())
      return { close() {} }
    })
    await mountPanel()
    expect(cancelButton().disabled).toBe(false)
    expect(vi.mocked(getAdminRequest)).toHaveBeenCalledTimes(1)
    expect(vi.mocked(getClock)).toHaveBeenCalledTimes(1)
  })

  it('a clock read answered after the stream said the clock moved does not take the move back', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now()))
    await mountPanel()
    const clockRead = deferred<AdminClock>()
    vi.mocked(getClock).mockReturnValueOnce(clockRead.promise)
    await stream().open()

    // Read before the move, answered after the stream told of it.
    await stream().push({ type: 'clock', data: clockAt(31_000) })
    expect(cancelButton().disabled).toBe(false)
    clockRead.resolve(clockAt(0))
    await flushPromises()

    expect(cancelButton().disabled).toBe(false)
  })

  it('a read answered after the stream said the sandbox was reset does not bring the request back', async () => {
    vi.mocked(getAdminRequest).mockResolvedValue(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    await mountPanel()
    const read = deferred<AdminRequest | null>()
    vi.mocked(getAdminRequest).mockReturnValueOnce(read.promise)
    await stream().open()

    vi.mocked(getAdminRequest).mockResolvedValue(null)
    vi.mocked(searchRequests).mockResolvedValue(blockerNotFound())
    await stream().push({ type: 'reset', data: { at: new Date().toISOString() } })
    expect(wrapper!.get('[data-test="blocking-not-found"]').text()).toContain(
      'This request no longer exists: the sandbox was reset',
    )
    // Read before the reset, answered after it.
    read.resolve(adminRequest(BLOCKER_ID, Date.now() - 40_000))
    await flushPromises()

    expect(wrapper!.find('#blocking-cancel').exists()).toBe(false)
    expect(wrapper!.get('[data-test="blocking-not-found"]').text()).toContain(
      'This request no longer exists: the sandbox was reset',
    )
    // The sandbox was read again after the reset.
    expect(vi.mocked(getAdminRequest)).toHaveBeenCalledTimes(3)
  })
})
