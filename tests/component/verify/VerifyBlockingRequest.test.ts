import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AdminClock, AdminRequest } from '@contract/admin'
import { openSandboxEvents } from '@/api/sandbox'
import { useRequestsStore } from '@/stores/requests'
import { useWatchStore } from '@/stores/watch'
import VerifyBlockingRequest from '@/components/verify/VerifyBlockingRequest.vue'
import { adminRequest, BLOCKER_ID } from './support'
import { clockAt, searchAnswer, startedEntry } from '../request/support'
import { heldUntil, json, searchPath, useDeskServer } from '../support/desk-server'
import { deferred } from '../../support/deferred'
import { eventually } from '../support/eventually'

const server = useDeskServer()

const REQUESTS = 'sandbox/__admin/requests'
const CLOCK = 'sandbox/__admin/clock'

/** What the sandbox's admin API holds of the blocking request (null: nothing). */
let sandboxView: AdminRequest | null = null
/** How far the sandbox's clock is ahead of this browser's. */
let clockOffset = 0

/** The sandbox's answer to a read of the blocking request: what it holds now. */
const answerView = () => {
  const requests = sandboxView ? [sandboxView] : []
  return json({ requests, total: requests.length })
}
/** The sandbox's clock, `offset_ms` ahead of this browser's. */
const clockMoved = (offset_ms: number): AdminClock => ({ ...clockAt(Date.now()), offset_ms })
/** What search answers of the blocking request: not found (status 101). */
const searchNotFound = () => json({ status: '101', error_text: 'No response found' })
/** The sandbox says it was reset, on its event stream. */
const pushReset = () => server.stream.push('reset', { at: new Date().toISOString() })

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
  sandboxView = null
  clockOffset = 0
  server.on('GET', REQUESTS, answerView)
  server.on('GET', CLOCK, () => json(clockMoved(clockOffset)))
  // Search finds the request as the sandbox holds it (in progress).
  server.on('GET', searchPath(), json(searchAnswer(BLOCKER_ID)))
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
    const failed = new Promise<Response>((_, reject) => (fail = reject))
    server.on('GET', REQUESTS, heldUntil(failed), answerView)
    await mountPanel()
    expect(cancelButton().disabled).toBe(true)
    expect(reason()).toBe('loading the request')

    // The connection fails, as fetch says it.
    fail(new TypeError('Failed to fetch'))
    await flushPromises()
    expect(cancelButton().disabled).toBe(true)
    expect(reason()).toBe('its state could not be loaded')
    expect(wrapper!.text()).toContain(
      'Its state could not be loaded: No answer: the connection to the server failed or was lost (Failed to fetch).',
    )

    // Started 40 s ago: cancel is open once the request is read.
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
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
      sandboxView = blocker()
      await mountPanel()
      // The event stream is open but says nothing (while it is away the panel reads the request
      // again at the polling interval instead).
      await server.stream.open()
      await flushPromises()
      expect(wrapper!.text()).toContain('· IN PROGRESS')
      const reads = server.callsTo('GET', REQUESTS).length
      // No event says it expired: its own end passing is the cue.
      sandboxView = blocker({
        status: 'EXPIRED',
        finalized_at: new Date(t0 + 60_000).toISOString(),
      })
      vi.advanceTimersByTime(55_000)
      await flushPromises()
      expect(server.callsTo('GET', REQUESTS)).toHaveLength(reads)
      vi.advanceTimersByTime(10_000)
      await flushPromises()
      await eventually(() => expect(server.callsTo('GET', REQUESTS)).toHaveLength(reads + 1))
      await flushPromises()
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
  /** Opens the panel as `mountPanel` does, and the sandbox's event stream it listens to. */
  const mountFollowing = async (options: Parameters<typeof mountPanel>[0]) => {
    await mountPanel(options)
    await server.stream.open()
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
    sandboxView = null
    server.on('GET', searchPath(), searchNotFound())
    await pushReset()
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
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    await mountFollowing({ attach: true, before: inHistoryWithAnnouncer })
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
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    await mountFollowing({ attach: true, before: inHistoryWithAnnouncer })
    const link = wrapper!.get('a').element as HTMLElement
    link.focus()
    const said = wrapper!.get('[data-test="blocking-end-announcement"]')
    expect(said.attributes('role')).toBe('status')
    const heard = recordSaid()

    await reset()
    // The event stream comes back and the sandbox is read again: nothing new to say.
    await pushReset()

    expect(document.activeElement).toBe(link)
    expect(heard).toEqual([GONE_SAID])
    expect(appSaid()).toEqual([])
  })

  it('a request history marked UNKNOWN that search does not find is said not found, not offered to cancel', async () => {
    server.on('GET', searchPath('live'), searchNotFound())
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
    server.on('GET', searchPath('live'), searchNotFound())
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
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    await mountFollowing({ attach: true, before: inHistoryWithAnnouncer })
    cancelButton().focus()
    const heard = recordSaid()
    sandboxView = verified()
    await server.stream.push('request', sandboxView)
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
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    await mountFollowing({ attach: true, before: inHistoryWithAnnouncer })
    const link = wrapper!.get('a').element as HTMLElement
    link.focus()
    const heard = recordSaid()
    sandboxView = verified()
    await server.stream.push('request', sandboxView)
    await historyFindsVerified()
    expect(wrapper!.text()).toContain('It has ended (SUCCESS): you can start again now.')
    expect(heard).toEqual([ENDED_SAID])

    // Read again (the event stream reconnects): not said a second time, by either.
    await server.stream.push('request', verified())
    expect(heard).toEqual([ENDED_SAID])
    expect(appSaid()).toEqual([])
    expect(document.activeElement).toBe(link)
  })

  it('the app announcer follows the request again once the panel is gone', async () => {
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    await mountPanel({ before: inHistoryWithAnnouncer })
    wrapper!.unmount()
    wrapper = null
    await historyFindsVerified()
    expect(appSaid()).toEqual(['Request …bbbbbb to +447700900123 is now verified (SUCCESS).'])
  })

  it('leaves a focus elsewhere on the page alone when the request ends', async () => {
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    await mountFollowing({ attach: true })
    const link = wrapper!.get('a').element as HTMLElement
    link.focus()
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000, { status: 'EXPIRED' })
    await server.stream.push('request', sandboxView)
    expect(wrapper!.text()).toContain('It has ended (EXPIRED)')
    expect(document.activeElement).toBe(link)
  })
})

describe('the status-10 panel: what the sandbox does while the panel reads it', () => {
  /** The search answer of the request in progress: held until `answer` lets it go. */
  const heldLookUp = () => {
    const lookUp = deferred<Response>()
    server.on('GET', searchPath(), heldUntil(lookUp.promise), json(searchAnswer(BLOCKER_ID)))
    return { answer: () => lookUp.resolve(json(searchAnswer(BLOCKER_ID))) }
  }

  it('the clock moves 30 s on after its first read, before its event stream opens: the cancel opens', async () => {
    sandboxView = adminRequest(BLOCKER_ID, Date.now())
    // The look-up that adds the request to history is still on its way when the stream opens.
    const lookUp = heldLookUp()
    await mountPanel()
    expect(reason()).toMatch(/^cancel possible in /)

    // Another client moves the clock on while the stream connects: no event tells of it.
    clockOffset = 31_000
    await server.stream.open()
    lookUp.answer()
    await flushPromises()

    expect(cancelButton().disabled).toBe(false)
    expect(wrapper!.find('#blocking-cancel-reason').exists()).toBe(false)
  })

  it('verified by another client after its first read, before its event stream opens: says it has ended', async () => {
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    const lookUp = heldLookUp()
    await mountPanel()
    expect(cancelButton().disabled).toBe(false)

    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000, {
      status: 'SUCCESS',
      finalized_at: new Date().toISOString(),
    })
    await server.stream.open()
    // Sent before the code was checked, the look-up answers the request in progress.
    lookUp.answer()
    await flushPromises()

    expect(wrapper!.text()).toContain('It has ended (SUCCESS): you can start again now.')
    expect(wrapper!.find('#blocking-cancel').exists()).toBe(false)
  })

  it('reads once when its event stream is open already', async () => {
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    // Another part of the page holds the stream open before the panel comes.
    const other = openSandboxEvents(() => {})
    try {
      await server.stream.open()
      await mountPanel()
      expect(cancelButton().disabled).toBe(false)
      expect(server.callsTo('GET', REQUESTS)).toHaveLength(1)
      expect(server.callsTo('GET', CLOCK)).toHaveLength(1)
    } finally {
      other.close()
    }
  })

  it('a clock read answered after the stream said the clock moved does not take the move back', async () => {
    sandboxView = adminRequest(BLOCKER_ID, Date.now())
    await mountPanel()
    const clockRead = deferred<Response>()
    server.on('GET', CLOCK, heldUntil(clockRead.promise), () => json(clockMoved(clockOffset)))
    await server.stream.open()

    // Read before the move, answered after the stream told of it.
    clockOffset = 31_000
    await server.stream.push('clock', clockMoved(31_000))
    expect(cancelButton().disabled).toBe(false)
    clockRead.resolve(json(clockMoved(0)))
    await flushPromises()

    expect(cancelButton().disabled).toBe(false)
  })

  it('a read answered after the stream said the sandbox was reset does not bring the request back', async () => {
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    await mountPanel()
    const read = deferred<Response>()
    server.on('GET', REQUESTS, heldUntil(read.promise), answerView)
    await server.stream.open()

    sandboxView = null
    server.on('GET', searchPath(), searchNotFound())
    await pushReset()
    expect(wrapper!.get('[data-test="blocking-not-found"]').text()).toContain(
      'This request no longer exists: the sandbox was reset',
    )
    // Read before the reset, answered after it.
    read.resolve(json({ requests: [adminRequest(BLOCKER_ID, Date.now() - 40_000)], total: 1 }))
    await flushPromises()

    expect(wrapper!.find('#blocking-cancel').exists()).toBe(false)
    expect(wrapper!.get('[data-test="blocking-not-found"]').text()).toContain(
      'This request no longer exists: the sandbox was reset',
    )
    // The sandbox was read again after the reset.
    expect(server.callsTo('GET', REQUESTS)).toHaveLength(3)
  })
})
