/**
 * A code typed but not sent when a newer message or call brings a new PIN (the sandbox clock moved
 * past the PIN's expiry, workflow 1 sent its next event): the field keeps what was typed, and says
 * it was typed for the earlier PIN, until the field changes.
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
import { eventually } from '../support/eventually'

eachTestInNewTab()

const server = useDeskServer()

const ID = '8'.repeat(32)
const NOTE = '[data-test="pin-typed-earlier"]'
let wrapper: VueWrapper | null = null
let served: ServedRequest
const iso = (ms: number) => new Date(ms).toISOString()

beforeEach(async () => {
  localStorage.clear()
  sessionStorage.clear()
  served = serveRequest(server, ID, Date.now())
  const startedAt = Date.now() - 40_000
  served.admin = adminRequest(ID, startedAt, { pin: '1234' })
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = await openEntryPage(pinia, startedEntry(ID, startedAt))
  await server.stream.open()
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

/** The next event brings a new PIN, with its 3 attempts, as the event stream tells it. */
async function newPinSent(): Promise<void> {
  const before = served.admin!
  served.admin = {
    ...before,
    pin: '5678',
    pin_generated_at: iso(Date.now()),
    attempts_left: 3,
    events: [
      ...before.events,
      { id: 'e2', type: 'tts', index: 1, sent_at: iso(Date.now()), new_pin: true, price: '0.03' },
    ],
  }
  await server.stream.push('request', served.admin)
}

describe('request page: a code typed for the PIN a newer message or call replaced', () => {
  it('keeps the code in the field and says it was typed for the earlier PIN', async () => {
    await wrapper!.get('#pin-code').setValue('1234')
    expect(wrapper!.find(NOTE).exists()).toBe(false)
    await newPinSent()
    await eventually(() => expect(wrapper!.find(NOTE).exists()).toBe(true))
    expect(wrapper!.get(NOTE).text().replace(/\s+/g, ' ')).toBe(
      'The code 1234 in the field was typed for an earlier PIN: a newer message or call has brought a new PIN since. Check it against the newest message or call before sending it.',
    )
    expect((wrapper!.get('#pin-code').element as HTMLInputElement).value).toBe('1234')
    expect(wrapper!.get('#pin-code').attributes('aria-describedby')).toContain('pin-typed-earlier')
    expect(wrapper!.get('[data-test="attempts-left"]').text()).toBe('3 attempts left for this PIN.')
  })

  it('says it no more once the field changes, and nothing for an empty field', async () => {
    await wrapper!.get('#pin-code').setValue('1234')
    await newPinSent()
    await eventually(() => expect(wrapper!.find(NOTE).exists()).toBe(true))
    await wrapper!.get('#pin-code').setValue('5678')
    expect(wrapper!.find(NOTE).exists()).toBe(false)

    await wrapper!.get('#pin-code').setValue('')
    served.admin = { ...served.admin!, pin: '9012' }
    await server.stream.push('request', served.admin)
    expect(wrapper!.find(NOTE).exists()).toBe(false)
  })
})
