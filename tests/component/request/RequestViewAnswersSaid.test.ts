/**
 * What the request page says of an answer, next to what it shows: a trigger next event that sends
 * the request's last message or call says so (the countdown then says "no events left"), and a
 * second wrong code in a row is counted with its status, its next step saying that one more wrong
 * code ends the request, as the attempts left say.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminRequest } from '@contract/admin'
import { useRequestsStore } from '@/stores/requests'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { json, useDeskServer } from '../support/desk-server'
import {
  eachTestInNewTab,
  checkCode,
  openEntryPage,
  serveRequest,
  startedEntry,
  type ServedRequest,
} from './support'
import { eventually } from '../support/eventually'

eachTestInNewTab()

const server = useDeskServer()

const ID = '6'.repeat(32)
const CONTROL = 'sandbox/verify/control/json'
const CHECK = 'sandbox/verify/check/json'
let wrapper: VueWrapper | null = null
let served: ServedRequest
let startedAt = 0
const text = (selector: string) => wrapper!.get(selector).text().replace(/\s+/g, ' ')
const iso = (ms: number) => new Date(ms).toISOString()

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  served = serveRequest(server, ID, Date.now())
  startedAt = Date.now() - 200_000
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

async function open(admin: AdminRequest): Promise<void> {
  served.admin = admin
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = await openEntryPage(pinia, startedEntry(ID, startedAt))
}

describe('request page: trigger next event that sends the last message or call', () => {
  it('says what was sent and that it was the last, beside "no events left"', async () => {
    // Workflow 1 (SMS, TTS, TTS): the SMS and the first call sent, the last call still to come.
    const twoSent = adminRequest(ID, startedAt, {
      events: [
        { id: 'e1', type: 'sms', index: 0, sent_at: iso(startedAt), new_pin: true, price: '0.03' },
        {
          id: 'e2',
          type: 'tts',
          index: 1,
          sent_at: iso(startedAt + 125_000),
          new_pin: false,
          price: '0.03',
        },
      ],
      next_event_at: iso(startedAt + 305_000),
    })
    await open(twoSent)
    expect(text('[data-test="countdown-next"]')).toMatch(/in \d/)
    server.on('POST', CONTROL, () => {
      served.admin = {
        ...twoSent,
        next_event_at: null,
        events: [
          ...twoSent.events,
          {
            id: 'e3',
            type: 'tts',
            index: 2,
            sent_at: iso(Date.now()),
            new_pin: false,
            price: '0.03',
          },
        ],
      }
      return json({ status: '0', command: 'trigger_next_event' })
    })
    await wrapper!.get('#next-event').trigger('click')
    await eventually(() => expect(text('[data-test="countdown-next"]')).toContain('no events left'))
    const said = text('[data-test="action-outcome"]')
    expect(said).toBe(
      "The last message or call is on its way: a voice call (TTS), the request's last (no messages or calls are left after it).",
    )
    expect(said).not.toContain('The next message or call is on its way')
  })
})

describe('request page: the second wrong code in a row', () => {
  it('counts the answer with its status, and its next step says one more wrong code ends the request', async () => {
    let left = 3
    const view = () => adminRequest(ID, startedAt, { attempts_left: left })
    await open(view())
    server.on('POST', CHECK, () => {
      left -= 1
      served.admin = view()
      return json({
        status: '16',
        error_text: 'The code provided does not match the expected value',
      })
    })
    await checkCode(wrapper!, '1111')
    expect(text('[data-test="action-outcome"]')).toContain(
      'Next: Enter the code again; the third wrong code ends the request.',
    )
    await checkCode(wrapper!, '2222')
    expect(text('[data-test="attempts-left"]')).toBe(
      '1 attempt left: a wrong code now ends the request (FAILED).',
    )
    const said = text('[data-test="action-outcome"]')
    expect(said).toMatch(/^Status 16: .* \(2 times in a row\) Next: /)
    expect(said).toMatch(
      /Next: Enter the code again; one more wrong code ends the request \(FAILED\)\.$/,
    )
    expect(said).not.toContain('third wrong code')
  })
})
