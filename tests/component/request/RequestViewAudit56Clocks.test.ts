/**
 * The request page's times are on the sandbox clock while it runs ahead; a time taken from this
 * computer's clock (when the request was last read, when a check was sent elsewhere) says so, so
 * that the two are not read as one clock. With the connection to the server lost, Check code warns
 * of it, and a check that got no answer says the server could not be reached, is never sent again,
 * and is read again once the connection is back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import RequestPinEntry from '@/components/request/RequestPinEntry.vue'
import RequestActions from '@/components/request/RequestActions.vue'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { noAnswer, useDeskServer } from '../support/desk-server'
import {
  adminLookup,
  checkCode,
  openEntryPage,
  refreshPage,
  serveRequest,
  startedEntry,
  type ServedRequest,
  eachTestInNewTab,
} from './support'
import { eventually } from '../support/eventually'

eachTestInNewTab()

const server = useDeskServer()

const ID = '7'.repeat(32)
const AHEAD = 30_000
let wrapper: VueWrapper | null = null
let served: ServedRequest
const text = (selector: string) => wrapper!.get(selector).text().replace(/\s+/g, ' ')
const OPEN = { allowed: true, reason: null, opensAt: null }

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  // Each test has a Pinia of its own (the history store the tests dispose of is in it).
  setActivePinia(createPinia())
  served = serveRequest(server, ID, Date.now())
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

/** Opens the page of a request started 40 s ago while the sandbox clock runs `ahead` ms ahead. */
async function openWhileAhead(ahead: number): Promise<void> {
  const startedAt = Date.now() - 40_000
  served.clock = { now: '', now_ms: Date.now() + ahead, offset_ms: ahead, next_due_at: null }
  served.admin = adminRequest(ID, Math.floor((startedAt + ahead) / 1000) * 1000)
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = await openEntryPage(pinia, startedEntry(ID, startedAt))
}

describe('request page: a time from this computer’s clock while the sandbox clock runs ahead', () => {
  it('the refresh failure says when it was last read by this computer’s clock', async () => {
    await openWhileAhead(AHEAD)
    server.on('GET', 'sandbox/__admin/requests', noAnswer())
    await refreshPage(wrapper!)
    expect(text('[data-test="load-failure"]')).toMatch(
      /^The request could not be refreshed \(showing what was last read at .+, this computer's clock\): /,
    )
  })

  it('says nothing of clocks while the sandbox clock is this computer’s', async () => {
    await openWhileAhead(0)
    server.on('GET', 'sandbox/__admin/requests', noAnswer())
    await refreshPage(wrapper!)
    expect(text('[data-test="load-failure"]')).not.toContain('clock')
  })

  it('a check or a control sent elsewhere says its time is this computer’s', () => {
    const sentAt = Date.now() - 5_000
    const entry = mount(RequestPinEntry, {
      props: {
        availability: OPEN,
        attemptsLeft: 3,
        unansweredSince: sentAt,
        computerClockSaid: true,
      },
    })
    expect(entry.get('[data-test="pin-unanswered"]').text().replace(/\s+/g, ' ')).toMatch(
      /^A code check sent at .+ \(this computer's clock\) from another tab \(or before this page was reloaded\) has no answer here yet/,
    )
    const actions = mount(RequestActions, {
      props: {
        cancel: OPEN,
        next: OPEN,
        busy: null,
        outcome: null,
        unanswered: { at: sentAt, action: 'cancel' },
        computerClockSaid: true,
      },
    })
    expect(actions.get('[data-test="control-unanswered"]').text().replace(/\s+/g, ' ')).toMatch(
      /^A cancel sent at .+ \(this computer's clock\) from another tab/,
    )
  })
})

describe('request page: Check code while the connection to the server is lost', () => {
  it('warns next to the button, and a check with no answer says the server could not be reached', async () => {
    await openWhileAhead(0)
    await server.stream.open()
    expect(wrapper!.find('[data-test="pin-connection-lost"]').exists()).toBe(false)

    // The server goes away: the stream drops and every call fails to connect.
    server.on('GET', 'sandbox/__admin/requests', noAnswer())
    server.on('POST', 'sandbox/verify/check/json', noAnswer())
    await server.stream.drop()
    expect(text('[data-test="stream-status"]')).toBe(
      'Live updates paused, reconnecting… Meanwhile this page reads the request again every 2 s.',
    )
    // The page reads the request at once when the stream is lost: no answer, the server is away.
    await eventually(() =>
      expect(wrapper!.find('[data-test="pin-connection-lost"]').exists()).toBe(true),
    )
    expect(text('[data-test="pin-connection-lost"]')).toBe(
      'The connection to the server is lost: wait until it is back before checking a code. A check sent now most likely does not reach the server, and this page could not tell at once whether it counted.',
    )
    expect(wrapper!.get('#pin-code').attributes('aria-describedby')).toContain(
      'pin-connection-lost',
    )

    await checkCode(wrapper!, '1234')
    const outcome = text('[data-test="action-outcome"]')
    expect(outcome).toMatch(/^The server could not be reached: the connection to it is lost\./)
    expect(outcome).toContain(
      'Next: The check most likely did not reach the server, but that is not certain. Do not enter the code again yet: once the connection is back, this page reads the request again; look at its attempts left before entering the code again.',
    )
    expect(outcome).not.toContain('The code may have been checked')
    // Sent once, never again by itself.
    expect(server.callsTo('POST', 'sandbox/verify/check/json')).toHaveLength(1)

    // The connection is back: the stream opens and the page reads the request again.
    server.on('GET', 'sandbox/__admin/requests', (call) => adminLookup(call, served.admin))
    await server.stream.open()
    await refreshPage(wrapper!)
    expect(wrapper!.find('[data-test="pin-connection-lost"]').exists()).toBe(false)
    expect(server.callsTo('POST', 'sandbox/verify/check/json')).toHaveLength(1)
  })
})
