/**
 * The request page while the server cannot be reached, or no longer offers the request's
 * environment. A sandbox page says live status cannot refresh the request and when it tries again,
 * as a live page does, and its countdowns say they may be out of date; its actions stay usable. A
 * live page on a server restarted without live says so once, and its actions are off with that
 * reason, until the server offers live again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import { useEnvironmentsStore } from '@/stores/environments'
import { useWatchStore } from '@/stores/watch'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { errorAnswer, json, useDeskServer } from '../support/desk-server'
import {
  formStartedEntry,
  openEntryPage,
  refreshPage,
  requestRouter,
  searchAnswer,
  serveRequest,
  settlePage,
  startedEntry,
  type ServedRequest,
  eachTestInNewTab,
} from './support'
import { eventually } from '../support/eventually'

eachTestInNewTab()

const server = useDeskServer()
const LIVE_SEARCH = 'live/verify/search/json'

const ID = 'f'.repeat(32)
let wrapper: VueWrapper | null = null
let served: ServedRequest

const environmentsOffered = (live: boolean) => ({
  environments: [
    { id: 'sandbox' as const, label: 'Sandbox', available: true },
    { id: 'live' as const, label: 'Live', available: live },
  ],
  default: 'sandbox' as const,
})

/** The server lists live as offered (`true`) or not, from now on. */
const offersLive = (live: boolean) =>
  server.on('GET', 'environments', json(environmentsOffered(live)))

/** What the proxy says of a live call once the server runs without live. */
const LIVE_OFF_MESSAGE =
  'The live environment is not configured on this server: set VONAGE_API_KEY and VONAGE_API_SECRET in its environment (or .env.local) and restart it.'
/** The proxy's answer to a live call once the server runs without live. */
const LIVE_OFF = errorAnswer(503, 'environment_unavailable', LIVE_OFF_MESSAGE)

/** The live search finds the request in progress, its first SMS sent. */
const liveSearchFinds = () =>
  server.on('GET', LIVE_SEARCH, json(searchAnswer(ID, { events: [{ type: 'sms', id: 'e1' }] })))

beforeEach(() => {
  localStorage.clear()
  offersLive(true)
  served = serveRequest(server, ID, Date.now())
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
  vi.useRealTimers()
})

/** Live status failed in `environment` just now, as the poller says it. */
function liveStatusFails(environment: 'sandbox' | 'live', reason: string): void {
  useWatchStore().failures = [
    { environment, reason, status: null, failures: 3, retryInMs: 16_000, at: Date.now() },
  ]
}

/** The text of `selector`, its paragraphs apart. */
const text = (selector: string) => {
  const found = wrapper!.get(selector)
  const parts = found.findAll('p')
  return (parts.length ? parts.map((p) => p.text()).join(' ') : found.text()).replace(/\s+/g, ' ')
}
const checkButton = () => wrapper!.get('form.pin-entry button[type="submit"]')

describe('request page: a sandbox request while the server cannot be reached', () => {
  beforeEach(async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    served.admin = adminRequest(ID, Date.now() - 10_000)
    wrapper = await openEntryPage(pinia, startedEntry(ID, Date.now() - 10_000))
    liveStatusFails('sandbox', 'No answer: the connection to the server failed or was lost')
    await flushPromises()
  })

  it('says live status cannot refresh it, and when it tries again', async () => {
    // The wait is counted down on this computer's clock, a tick a second: the clock stands still
    // from the failure on, so a busy machine taking a second to get here does not change it.
    vi.useFakeTimers({ toFake: ['Date'] })
    liveStatusFails('sandbox', 'No answer: the connection to the server failed or was lost')
    await flushPromises()
    expect(text('[data-test="refresh-failure"]')).toBe(
      'Live status could not refresh the requests in progress in the sandbox (No answer: the connection to the server failed or was lost). It tries again by itself in 16 s; nothing is lost meanwhile. Next: Check that the server is running and reachable.',
    )
  })

  it('says its countdowns may be out of date, from when it was last read', () => {
    expect(text('[data-test="countdown-stale"]')).toMatch(
      /^The request could not be refreshed: these count from what was last read at .+, and may be out of date\.$/,
    )
  })

  it('leaves Check code and Trigger next event usable', () => {
    expect(checkButton().attributes('disabled')).toBeUndefined()
    expect(wrapper!.get('#next-event').attributes('disabled')).toBeUndefined()
  })

  it('says nothing of another environment failing', async () => {
    liveStatusFails('live', 'No answer: the connection to the server failed or was lost')
    await flushPromises()
    expect(wrapper!.find('[data-test="refresh-failure"]').exists()).toBe(false)
    expect(wrapper!.find('[data-test="countdown-stale"]').exists()).toBe(false)
  })
})

describe('request page: a live request once the server no longer offers live', () => {
  beforeEach(async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    await useEnvironmentsStore().load()
    const t0 = Date.now() - 40_000
    liveSearchFinds()
    wrapper = await openEntryPage(pinia, formStartedEntry(ID, t0))
    // The server restarts without live: its reads are refused, and it no longer lists live.
    offersLive(false)
    server.on('GET', LIVE_SEARCH, LIVE_OFF)
    liveStatusFails('live', LIVE_OFF_MESSAGE)
    await refreshPage(wrapper)
  })

  it('says so once, with what to do', () => {
    const saying = wrapper!
      .findAll('.card')
      .filter((c) => /not (available|configured)/.test(c.text()))
    expect(saying.map((c) => c.attributes('data-test'))).toEqual(['environment-off'])
    expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(false)
    expect(wrapper!.find('[data-test="refresh-failure"]').exists()).toBe(false)
    expect(text('[data-test="environment-off"]')).toMatch(
      /^Live is not available on this server any more: this request cannot be checked, cancelled or moved on from here, and its status is not refreshed\. This page shows what was last read at .+\. Next: Live is not configured: set VONAGE_API_KEY and VONAGE_API_SECRET on the server and restart it\. Once it is back, this page picks it up by itself\. Try again$/,
    )
  })

  it('turns its actions off, each described by that reason', () => {
    const described = (id: string) => {
      const button = wrapper!.get(`#${id}`)
      expect(button.attributes('disabled'), id).toBeDefined()
      return text(`#${button.attributes('aria-describedby')}`)
    }
    expect(described('next-event')).toBe('Live is not available on this server')
    expect(described('cancel')).toBe('Live is not available on this server')
    expect(checkButton().attributes('disabled')).toBeDefined()
    expect(text('#pin-reason')).toBe('Check not possible: Live is not available on this server')
  })

  it('says in its summary too that the code cannot be checked from here', () => {
    expect(text('[data-test="status-next-step"]')).toBe(
      'Next: Wait for Live to be back (the notice above says how): the code can then be checked from this page.',
    )
    expect(text('.summary .status')).not.toContain('a code can be checked')
    expect(text('.summary .status')).toContain(
      'a code cannot be checked from here while Live is off',
    )
  })

  it('turns them on again once the server offers live again', async () => {
    offersLive(true)
    liveSearchFinds()
    useWatchStore().failures = []
    await refreshPage(wrapper!)
    await flushPromises()
    expect(wrapper!.find('[data-test="environment-off"]').exists()).toBe(false)
    expect(checkButton().attributes('disabled')).toBeUndefined()
    expect(wrapper!.get('#next-event').attributes('disabled')).toBeUndefined()
    expect(text('.summary .status')).toContain('a code can be checked')
  })
})

describe('request page: its notices of live being off are said from regions already in the page', () => {
  it('says live is off, then that live status still fails once it is back, in the same regions', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    await useEnvironmentsStore().load()
    liveSearchFinds()
    wrapper = await openEntryPage(pinia, formStartedEntry(ID, Date.now() - 40_000))
    // Before anything is to be said, both regions are there, empty.
    const offRegion = wrapper.get('[data-test="environment-off-region"]')
    const refreshSaid = wrapper.get('[data-test="refresh-failure-said"]')
    expect(offRegion.attributes('role')).toBe('alert')
    expect(offRegion.text()).toBe('')
    expect(refreshSaid.attributes('role')).toBe('status')
    expect(refreshSaid.text()).toBe('')

    // The server restarts without live: the off notice is said in the region already there, and
    // the live status region stays, saying nothing the notice already says.
    offersLive(false)
    server.on('GET', LIVE_SEARCH, LIVE_OFF)
    liveStatusFails('live', LIVE_OFF_MESSAGE)
    await refreshPage(wrapper)
    expect(wrapper.get('[data-test="environment-off-region"]').element).toBe(offRegion.element)
    expect(offRegion.find('[data-test="environment-off"]').exists()).toBe(true)
    expect(offRegion.text()).toMatch(/^Live is not available on this server any more/)
    expect(wrapper.get('[data-test="refresh-failure-said"]').element).toBe(refreshSaid.element)
    expect(refreshSaid.text()).toBe('')

    // Live is back, but its status still fails: that is said in the region that was kept.
    offersLive(true)
    liveSearchFinds()
    liveStatusFails('live', 'No answer: the connection to the server failed or was lost')
    await refreshPage(wrapper)
    await flushPromises()
    expect(wrapper.find('[data-test="environment-off"]').exists()).toBe(false)
    expect(wrapper.get('[data-test="environment-off-region"]').element).toBe(offRegion.element)
    expect(offRegion.text()).toBe('')
    expect(wrapper.get('[data-test="refresh-failure-said"]').element).toBe(refreshSaid.element)
    expect(wrapper.find('[data-test="refresh-failure"]').exists()).toBe(true)
    expect(refreshSaid.text()).toBe(
      'Live status could not refresh the requests in progress in Live (No answer: the connection to the server failed or was lost). It tries again by itself; nothing is lost meanwhile. Next: Check that the server is running and reachable.',
    )
  })
})

describe('request page: live no longer offered while an action has the focus', () => {
  it('moves the focus from Trigger next event to the reason said next to it', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    await useEnvironmentsStore().load()
    liveSearchFinds()
    await useRequestsStore().upsert(formStartedEntry(ID, Date.now() - 40_000))
    const router = await requestRouter()
    await router.push(`/requests/${ID}`)
    const RequestView = (await import('@/views/RequestView.vue')).default
    wrapper = mount(RequestView, {
      props: { id: ID },
      global: { plugins: [pinia, router] },
      attachTo: document.body,
    })
    await settlePage(wrapper)
    const next = wrapper.get('#next-event').element as HTMLButtonElement
    next.focus()
    offersLive(false)
    liveStatusFails('live', LIVE_OFF_MESSAGE)
    await eventually(() => expect(next.disabled).toBe(true))
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.get('#next-event-reason').element)
  })
})
