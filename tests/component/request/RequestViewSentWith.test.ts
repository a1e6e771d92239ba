/**
 * The request page's summary says what the request was sent with: the parameters this dashboard
 * sent (History's copy) and, for a sandbox request, what the sandbox holds, so that a tester need
 * not open the Handset or a call to see sender_id, lg, code_length, pin_expiry or next_event_wait.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { useDeskServer } from '../support/desk-server'
import {
  eachTestInNewTab,
  openEntryPage,
  serveRequest,
  startedEntry,
  type ServedRequest,
} from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = '9'.repeat(32)
let wrapper: VueWrapper | null = null
let served: ServedRequest
const text = (selector: string) => wrapper!.get(selector).text().replace(/\s+/g, ' ')

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  served = serveRequest(server, ID, Date.now())
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('request page: what the request was sent with', () => {
  it('lists the parameters this dashboard sent and what the sandbox holds', async () => {
    const startedAt = Date.now() - 40_000
    served.admin = adminRequest(ID, startedAt, {
      sender_id: 'ACME',
      lg: 'de-de',
      code_length: 6,
      pin_expiry: 120,
      next_event_wait: 60,
      workflow_id: 1,
    })
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = await openEntryPage(
      pinia,
      startedEntry(ID, startedAt, {
        brand: 'Acme',
        params: {
          number: '447700900123',
          brand: 'Acme',
          sender_id: 'ACME',
          lg: 'de-de',
          code_length: '6',
          pin_expiry: '120',
          next_event_wait: '60',
        },
      }),
    )
    expect(text('.summary [data-test="sent-with-params"]')).toBe(
      'This dashboard sent: sender_id=ACME, lg=de-de, code_length=6, pin_expiry=120, next_event_wait=60',
    )
    expect(text('.summary [data-test="sent-with-sandbox"]')).toBe(
      'The sandbox holds: sender_id=ACME, lg=de-de, code_length=6, pin_expiry=120, next_event_wait=60, workflow_id=1',
    )
  })

  it('says a request not started here is known from the sandbox only', async () => {
    const startedAt = Date.now() - 40_000
    served.admin = adminRequest(ID, startedAt, { lg: 'en-gb', pin_expiry: 300 })
    const pinia = createPinia()
    setActivePinia(pinia)
    wrapper = await openEntryPage(pinia, startedEntry(ID, startedAt, { source: 'looked-up' }))
    const said = text('.summary [data-test="sent-with"]')
    expect(said).toContain('Not started here: the parameters sent are known from the sandbox only.')
    expect(said).toContain('lg=en-gb')
    expect(said).toContain('pin_expiry=300')
  })
})
