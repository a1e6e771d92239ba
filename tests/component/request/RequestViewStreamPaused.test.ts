/**
 * The request page of a sandbox request while its event stream is lost but the server answers: live
 * updates are paused, so the page reads the request (and the sandbox clock) again at the sandbox's
 * polling interval by itself, says so, and never says the server cannot be reached. Only once its
 * reads fail does it warn that a check most likely does not reach the server.
 *
 * The polling interval runs on fake timers (`setInterval` only), moved by the test: a read at an
 * interval is waited for by moving time, never by letting seconds pass, so a busy machine neither
 * misses one nor sees none for want of time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { noAnswer, useDeskServer } from '../support/desk-server'
import {
  eachTestInNewTab,
  openEntryPage,
  serveRequest,
  startedEntry,
  type ServedRequest,
} from './support'
import { EVENTUALLY_MS } from '../support/eventually'

eachTestInNewTab()

const server = useDeskServer()

const ID = '5'.repeat(32)
/** The sandbox's polling interval (Settings), 2 s by default. */
const INTERVAL_MS = 2000
/** A limit for a page that hangs: the reads' answers are waited for, not an interval. */
const ANSWERED = { timeout: EVENTUALLY_MS }
let wrapper: VueWrapper | null = null
let served: ServedRequest
const text = (selector: string) => wrapper!.get(selector).text().replace(/\s+/g, ' ')
const reads = () => server.callsTo('GET', 'sandbox/__admin/requests').length

/**
 * Moves the fake clock on by one polling interval at each try until `expectation` holds: the page
 * skips an interval while a read of its own is on its way, so it is given the next one.
 */
function pollUntil(expectation: () => void) {
  return vi.waitFor(() => {
    vi.advanceTimersByTime(INTERVAL_MS)
    expectation()
  }, ANSWERED)
}

beforeEach(async () => {
  localStorage.clear()
  sessionStorage.clear()
  served = serveRequest(server, ID, Date.now())
  const startedAt = Date.now() - 40_000
  served.admin = adminRequest(ID, startedAt)
  const pinia = createPinia()
  setActivePinia(pinia)
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
  wrapper = await openEntryPage(pinia, startedEntry(ID, startedAt))
  await server.stream.open()
  await server.stream.drop()
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  vi.useRealTimers()
  await useRequestsStore().dispose()
})

describe('request page: live updates paused while the server answers', () => {
  it('says live updates are paused and that it reads the request again, not that the server is lost', async () => {
    await vi.waitFor(
      () =>
        expect(text('[data-test="stream-status"]')).toBe(
          'Live updates paused, reconnecting… Meanwhile this page reads the request again every 2 s.',
        ),
      ANSWERED,
    )
    expect(wrapper!.find('[data-test="pin-connection-lost"]').exists()).toBe(false)
    expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(false)
    expect(wrapper!.text()).not.toContain('most likely does not reach the server')
  })

  it('shows a wrong check made elsewhere and a clock moved ahead without a Refresh', async () => {
    expect(text('[data-test="attempts-left"]')).toBe('3 attempts left for this PIN.')
    expect(text('[data-test="countdown-next"]')).toMatch(/in \d/)
    const wrongAt = new Date().toISOString()
    served.admin = {
      ...served.admin!,
      attempts_left: 2,
      checks: [{ date_received: '', received_at: wrongAt, code: '0000', status: 'INVALID' }],
    }
    served.clock = { now: '', now_ms: Date.now() + 130_000, offset_ms: 130_000, next_due_at: null }
    await pollUntil(() =>
      expect(text('[data-test="attempts-left"]')).toBe('2 attempts left for this PIN.'),
    )
    // The sandbox clock moved 130 s: the next event, due 125 s after the start, is due now.
    await pollUntil(() => expect(text('[data-test="countdown-next"]')).toContain('due now'))
    expect(reads()).toBeGreaterThan(2)
  })

  it('stops reading a request that has ended (it no longer changes), and no longer says it does', async () => {
    served.admin = { ...served.admin!, status: 'EXPIRED', finalized_at: new Date().toISOString() }
    await pollUntil(() => expect(text('.summary .status')).toContain('EXPIRED'))
    expect(text('[data-test="stream-status"]')).toBe('Live updates paused, reconnecting…')
    await flushPromises()
    const before = reads()
    // Five intervals pass, each with what it started settled: none reads the request again.
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(INTERVAL_MS)
      await flushPromises()
    }
    expect(reads()).toBe(before)
  })

  it('warns that the server cannot be reached once its reads fail, and no more once they work', async () => {
    server.on('GET', 'sandbox/__admin/requests', noAnswer())
    await pollUntil(() =>
      expect(wrapper!.find('[data-test="pin-connection-lost"]').exists()).toBe(true),
    )
    expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(true)
    server.on('GET', 'sandbox/__admin/requests', () =>
      Response.json({ requests: [served.admin], total: 1 }),
    )
    await pollUntil(() =>
      expect(wrapper!.find('[data-test="pin-connection-lost"]').exists()).toBe(false),
    )
    expect(wrapper!.find('[data-test="load-failure"]').exists()).toBe(false)
  })
})
