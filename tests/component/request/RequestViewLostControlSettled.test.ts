/**
 * A cancel or trigger next event whose answer was lost (the upstream took longer than the proxy
 * waits: 504, it may have gone through): once the request as read shows what it did, the page says
 * so, and no longer tells the agent to refresh before acting again. A read that came before the
 * answer (the poll) counts too. The real API layer runs on the stub desk server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminRequest } from '@contract/admin'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { errorAnswer, heldUntil, useDeskServer } from '../support/desk-server'
import {
  openEntryPage,
  refreshPage,
  serveRequest,
  settlePage,
  startedEntry,
  type ServedRequest,
  eachTestInNewTab,
} from './support'
import { eventually } from '../support/eventually'

eachTestInNewTab()

const server = useDeskServer()

const ID = '7'.repeat(32)
const CONTROL = 'sandbox/verify/control/json'
let wrapper: VueWrapper | null = null
let served: ServedRequest
let startedAt = 0
const outcome = () => wrapper!.get('[data-test="action-outcome"]').text().replace(/\s+/g, ' ')
const iso = (ms: number) => new Date(ms).toISOString()
const TIMED_OUT = () =>
  errorAnswer(504, 'upstream_timeout', 'The sandbox did not answer within 15 s.', {
    delivery: 'maybe',
  })

beforeEach(async () => {
  localStorage.clear()
  sessionStorage.clear()
  startedAt = Date.now() - 60_000
  served = serveRequest(server, ID, Date.now())
  served.admin = adminRequest(ID, startedAt)
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = await openEntryPage(pinia, startedEntry(ID, startedAt))
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

/** Presses `button`; the control call is answered 504 once the page read the request meanwhile. */
async function lostWhileRead(button: string, processed: AdminRequest): Promise<void> {
  let answer!: (response: Response) => void
  server.on('POST', CONTROL, heldUntil(new Promise<Response>((resolve) => (answer = resolve))))
  await wrapper!.get(button).trigger('click')
  await eventually(() => expect(server.callsTo('POST', CONTROL)).toHaveLength(1))
  // Processed at once; the poll reads it before the answer comes.
  served.admin = processed
  await refreshPage(wrapper!)
  answer(TIMED_OUT())
  await eventually(() => expect(wrapper!.find('[data-test="action-outcome"]').exists()).toBe(true))
  await settlePage(wrapper!)
}

describe('request page: a lost cancel the request as read shows processed', () => {
  it('says the cancel was processed, not to refresh before cancelling again', async () => {
    await lostWhileRead('#cancel', adminRequest(ID, startedAt, { status: 'CANCELLED' }))
    expect(outcome()).toContain('The lost cancel was processed')
    expect(outcome()).toContain('The request as read after it is cancelled (CANCELLED).')
    expect(outcome()).not.toContain('may have gone through')
    expect(outcome()).not.toContain('has since ended')
  })
})

describe('request page: a lost trigger the request as read shows processed', () => {
  it('says the next message or call went out, not to refresh before triggering again', async () => {
    const first = adminRequest(ID, startedAt)
    await lostWhileRead('#next-event', {
      ...first,
      events: [
        ...first.events,
        {
          id: 'e2',
          type: 'tts',
          index: 1,
          sent_at: iso(Date.now()),
          new_pin: false,
          price: '0.03',
        },
      ],
    })
    expect(outcome()).toContain('The next message or call went out')
    expect(outcome()).toContain('Next: Enter the code from the newest message or call.')
    expect(outcome()).not.toContain('may be on its way')
  })
})
