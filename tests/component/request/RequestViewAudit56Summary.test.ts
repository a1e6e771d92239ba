/**
 * The summary's next step is the one true now, as the rest of the page says it: a PIN expired is
 * not asked for; a workflow of one message or call is not told of a second one; the number is
 * written as every answer writes it (+447…).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import RequestSummary from '@/components/request/RequestSummary.vue'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import type { RequestModel } from '@/utils/request-model'
import { adminRequest } from '../verify/support'
import { useDeskServer } from '../support/desk-server'
import {
  openEntryPage,
  serveRequest,
  startedEntry,
  summaryModel,
  type ServedRequest,
  eachTestInNewTab,
} from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = '6'.repeat(32)
let wrapper: VueWrapper | null = null
let served: ServedRequest
const text = (selector: string) => wrapper!.get(selector).text().replace(/\s+/g, ' ')

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

describe('request page: the PIN expired before the next message or call', () => {
  it('the summary says so and points to the next event, as the code field does', async () => {
    // pin_expiry 60 s, the first SMS 70 s ago: its PIN expired 10 s ago, the next SMS is 55 s off.
    const sent = Date.now() - 70_000
    served.admin = adminRequest(ID, sent, { pin_expiry: 60 })
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = await openEntryPage(pinia, startedEntry(ID, sent))
    expect(text('[data-test="pin-entry-expired"]')).toContain('The PIN has expired')

    const status = text('.summary .status span:last-child')
    expect(status).toBe(
      'In progress: The verification is still in progress, but its PIN has expired: a code checked now is answered as a wrong code and uses up an attempt.',
    )
    expect(text('[data-test="status-next-step"]')).toBe(
      'Next: Wait for the next message or call, which brings a new PIN, or press Trigger next event to send it now.',
    )
    expect(wrapper!.get('#next-event').attributes('disabled')).toBeUndefined()
  })
})

describe('summary: a request in progress', () => {
  const summary = (patch: Partial<RequestModel>) =>
    mount(RequestSummary, {
      props: {
        model: summaryModel({
          status: 'IN PROGRESS',
          submittedAt: Date.now() - 40_000,
          events: [{ type: 'sms', id: 'e1' }] as RequestModel['events'],
          attemptsLeft: 3,
          ...patch,
        }),
      },
    })

  it.each([6, 7])(
    'workflow %i (one message or call): cancel is possible until the request ends',
    (workflowId) => {
      const next = summary({ workflowId, eventsLeft: 0 }).get('[data-test="status-next-step"]')
      expect(next.text()).toBe(
        'Next: Enter the code the user received, or cancel (possible from 30 s after the start until the request ends: this workflow sends only one message or call).',
      )
    },
  )

  it('workflow 1 is still told cancel ends with the second message or call', () => {
    const next = summary({ workflowId: 1, eventsLeft: 2 }).get('[data-test="status-next-step"]')
    expect(next.text()).toContain('until the second message or call')
  })

  it('writes the number as the answers do: +447700900123', () => {
    const wrapper = summary({ number: '447700900123' })
    const number = wrapper.findAll('dt').find((dt) => dt.text() === 'Number')
    expect(number?.element.nextElementSibling?.textContent).toBe('+447700900123')
  })
})
