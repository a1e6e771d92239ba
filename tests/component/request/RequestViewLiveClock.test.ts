/**
 * A live request's dates are on the API's clock, which may differ from this computer's: its own
 * calls tell by how much (its submission date against when the start was sent), and the page's
 * countdowns and the expired-PIN warning come at the API's time, not this computer's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { ApiCall } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
import { useCallsStore } from '@/stores/calls'
// Imported here: loaded before the tests, not in one.
import '@/views/RequestView.vue'
import { json, useDeskServer } from '../support/desk-server'
import { eachTestInNewTab, apiDate, formStartedEntry, openEntryPage, searchAnswer } from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = '6'.repeat(32)
/** How far the API's clock runs ahead of this computer's. */
const AHEAD = 60_000
let wrapper: VueWrapper | null = null
/** When the start went out, on this computer's clock (whole seconds). */
let startedAt = 0

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  // The clock only moves forward: Vue ignores DOM events that look older than their listener.
  startedAt = Math.ceil(Date.now() / 1000) * 1000
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
  // 100 s after the start on this computer's clock.
  vi.setSystemTime(startedAt + 100_000)
  const submitted = apiDate(startedAt + AHEAD)
  server.on(
    'GET',
    'live/verify/search/json',
    json(
      searchAnswer(ID, {
        date_submitted: submitted,
        first_event_date: submitted,
        last_event_date: submitted,
        events: [{ type: 'sms', id: 'e1' }],
      }),
    ),
  )
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
  vi.useRealTimers()
})

/** This tab's start of the request, sent at `startedAt` and answered after 300 ms. */
function start(): ApiCall {
  return {
    id: 1,
    key: 'start-1',
    method: 'POST',
    path: 'live/verify/json',
    query: {},
    body: { number: '447700900123', brand: 'Acme' },
    startedAt,
    durationMs: 300,
    httpStatus: 200,
    response: { status: '0', request_id: ID },
    error: null,
  }
}

async function tick(ms: number): Promise<void> {
  vi.advanceTimersByTime(ms)
  await flushPromises()
}

const text = (selector: string) => wrapper!.get(selector).text()

describe('request page: a live request on the API clock', () => {
  it('counts down and warns of the expired PIN at the API’s time, 60 s ahead of this computer', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    useCallsStore().record(start())
    // Workflow 2 with a 15-minute wait, so that the PIN (300 s) expires before the next message.
    const params = {
      number: '447700900123',
      brand: 'Acme',
      workflow_id: '2',
      next_event_wait: '900',
    }
    wrapper = await openEntryPage(pinia, formStartedEntry(ID, startedAt, { params }))
    // 100 s after the submission on the API clock (this computer says 40 s).
    expect(text('[data-test="countdown-pin"]')).toContain('in 3 min 21 s')
    expect(text('[data-test="countdown-next"]')).toContain('in 13 min 21 s')
    expect(wrapper.find('[data-test="pin-entry-expired"]').exists()).toBe(false)
    // The calls are on this computer's clock: the list says how far the API's runs from it.
    expect(text('[data-test="calls-clock-note"]')).toMatch(
      /^Call times are this computer's; the API clock is (59 s|1 min 00 s) ahead, so the timeline above reads later\.$/,
    )

    await tick(201_000)
    expect(text('[data-test="countdown-pin"]')).toContain('expired')
    expect(text('[data-test="pin-entry-expired"]')).toContain('The PIN has expired')
    expect(text('[data-test="countdown-next"]')).toContain('in 10 min 00 s')
  })
})
