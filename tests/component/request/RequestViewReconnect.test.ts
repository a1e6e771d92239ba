/**
 * The request page of a sandbox request after a break: the event stream comes back (the server
 * restarted), a refresh fails and comes back, the first read fails, the request's own end passes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import { useSettingsStore } from '@/stores/settings'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { json, noAnswer, useDeskServer } from '../support/desk-server'
import {
  adminLookup,
  mountRequestPage,
  NOT_FOUND,
  serveRequest,
  settlePage,
  startedEntry,
  type ServedRequest,
  eachTestInNewTab,
} from './support'

eachTestInNewTab()

const server = useDeskServer()
const ADMIN = 'sandbox/__admin/requests'

const ID = 'f'.repeat(32)
let t0 = 0
let wrapper: VueWrapper | null = null
let served: ServedRequest

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

/** Mounts the page as `mountSandboxRequest` does, with its event stream open. */
async function mountWithStream(): Promise<VueWrapper> {
  await mountSandboxRequest(createPinia())
  await server.stream.open()
  await settlePage(wrapper!)
  return wrapper!
}

/**
 * The event stream drops (the server restarts), and comes back once the page tries it again: the
 * page reads the request again, and its reads are back.
 */
async function streamBreaksAndComesBack(): Promise<void> {
  await server.stream.drop()
  await server.stream.open()
  await settlePage(wrapper!)
}

/** A read of the request fails: no answer (the connection fails). */
const readsFail = () => server.on('GET', ADMIN, noAnswer())
/** The reads of the request get what the sandbox holds (again). */
const readsAnswer = () => server.on('GET', ADMIN, (call) => adminLookup(call, served.admin))

const status = () => wrapper!.get('.summary .status').attributes('data-status')
const failure = () => wrapper!.find('[data-test="load-failure"]')

beforeEach(() => {
  localStorage.clear()
  t0 = Date.now() - 40_000
  served = serveRequest(server, ID, t0)
  served.admin = request()
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('request page: the event stream comes back after a break (server restarted)', () => {
  it('reads the request again, so an expiry missed meanwhile is shown', async () => {
    await mountWithStream()
    expect(status()).toBe('IN PROGRESS')
    expect(wrapper!.text()).toContain('possible now')
    // While the server was down the request expired: no event said so.
    await server.stream.drop()
    served.admin = request({
      status: 'EXPIRED',
      finalized_at: new Date(t0 + 60_000).toISOString(),
    })
    await server.stream.open()
    await settlePage(wrapper!)
    expect(status()).toBe('EXPIRED')
    expect(wrapper!.text()).not.toContain('possible now')
    expect((wrapper!.get('#cancel').element as HTMLButtonElement).disabled).toBe(true)
    expect(useRequestsStore().byId(ID)?.status).toBe('EXPIRED')
  })

  it('says the request is gone when the restarted sandbox no longer holds it', async () => {
    await mountWithStream()
    await server.stream.drop()
    served.admin = null
    server.on('GET', 'sandbox/verify/search/json', json(NOT_FOUND))
    await server.stream.open()
    await settlePage(wrapper!)
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
    await mountWithStream()
    readsFail()
    await wrapper!.get('.toolbar button').trigger('click')
    await settlePage(wrapper!)
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
    served.admin = request({
      status: 'SUCCESS',
      finalized_at: new Date(t0 + 20_000).toISOString(),
    })
    readsAnswer()
    window.dispatchEvent(new Event('online'))
    await settlePage(wrapper!)
    expect(failure().exists()).toBe(false)
    expect(status()).toBe('SUCCESS')
  })

  it('goes away when the event stream is back and the request is read again', async () => {
    await failRefresh()
    readsAnswer()
    await streamBreaksAndComesBack()
    expect(failure().exists()).toBe(false)
  })

  it('stays while the read on coming back online fails too', async () => {
    await failRefresh()
    const reads = server.callsTo('GET', ADMIN).length
    window.dispatchEvent(new Event('online'))
    await settlePage(wrapper!)
    expect(server.callsTo('GET', ADMIN)).toHaveLength(reads + 1)
    expect(failure().text()).toContain('could not be refreshed')
  })
})

describe('request page: a first read that fails while History holds the request', () => {
  it("says History's copy is shown and could not be refreshed, not that it could not be loaded", async () => {
    readsFail()
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
      // The page reads a request again at the polling interval while its stream is away: set past
      // this test's minute, so that the one read counted is the one at the request's end.
      useSettingsStore().pollSandboxSeconds = 600
      await flushPromises()
      expect(status()).toBe('IN PROGRESS')
      const reads = () => server.callsTo('GET', ADMIN).length
      const before = reads()
      // No event says it expired (the stream is away): the page's own countdown reaches the end.
      served.admin = request({
        status: 'EXPIRED',
        finalized_at: new Date(t0 + 60_000).toISOString(),
      })
      vi.advanceTimersByTime(15_000)
      await flushPromises()
      expect(reads()).toBe(before)
      vi.advanceTimersByTime(10_000)
      await flushPromises()
      expect(reads()).toBe(before + 1)
      expect(status()).toBe('EXPIRED')
      vi.advanceTimersByTime(10_000)
      await flushPromises()
      expect(reads()).toBe(before + 1)
    } finally {
      vi.useRealTimers()
    }
  })

  it('says the copy shown could not be refreshed when that read fails', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    try {
      vi.setSystemTime(t0 + 40_000)
      await mountSandboxRequest(createPinia())
      readsFail()
      vi.advanceTimersByTime(25_000)
      await flushPromises()
      expect(failure().text()).toContain('could not be refreshed (showing what was last read at')
    } finally {
      vi.useRealTimers()
    }
  })
})
