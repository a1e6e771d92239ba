/**
 * The request page's warning that the PIN has expired holds until the next message or call, which
 * brings a new PIN, is due: from then on a code from that message or call can be right, so the
 * page stops saying every code is answered as a wrong one, before any read shows it went out.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import { longWait } from '../../unit/utils/admin-request-support'
import { useDeskServer } from '../support/desk-server'
import { adminRequest } from '../verify/support'
import { eachTestInNewTab, mountRequestPage, serveRequest, type ServedRequest } from './support'
import { eventually } from '../support/eventually'

eachTestInNewTab()

const server = useDeskServer()

const ID = 'e'.repeat(32)
let t0 = 0
let wrapper: VueWrapper | null = null
let served: ServedRequest

beforeEach(() => {
  localStorage.clear()
  t0 = Date.now()
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
  vi.setSystemTime(t0)
  served = serveRequest(server, ID, t0)
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
  vi.useRealTimers()
})

const expiredWarning = () => wrapper!.find('[data-test="pin-entry-expired"]')

describe('request page: the expired-PIN warning and the next event', () => {
  it('goes once the next message or call is due, though no read has shown it yet', async () => {
    // Workflow 2, next_event_wait 900: the SMS went out 301 s ago, its PIN expired 1 s ago, the
    // next SMS (new PIN) is due in 599 s. Every read answers what it did at first.
    const sent = t0 - 301_000
    served.admin = adminRequest(ID, sent, longWait(sent))
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = await mountRequestPage(pinia, ID)
    await eventually(() => expect(expiredWarning().exists()).toBe(true))
    expect(expiredWarning().text()).toContain('wait for the next message or call (in 9 min 59 s)')

    vi.advanceTimersByTime(598_000)
    await flushPromises()
    expect(expiredWarning().text()).toContain('(in 1 s)')

    vi.advanceTimersByTime(1_000)
    await flushPromises()
    expect(expiredWarning().exists()).toBe(false)
    expect(wrapper.text()).not.toContain('The PIN has expired')
  })
})
