/**
 * With several requests in progress, what "To the next event" and "To expiry" did is said with the
 * request they went to (the Clock card named it before the press): a tester following one request
 * hears when the move was another's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AdminRequest } from '@contract/admin'
import SandboxControlsView from '@/views/SandboxControlsView.vue'
import { admin, iso } from '../../unit/utils/admin-request-support'
import { answerSandboxReads, json, useDeskServer } from '../support/desk-server'

const server = useDeskServer()
const ADMIN = 'sandbox/__admin'

/** Real time stands still (only the date is faked): the moves' seconds are exact. */
const NOW = Date.parse('2026-11-25T20:00:00.000Z')
const clock = (offsetMs: number) => ({
  now: new Date(NOW + offsetMs).toISOString(),
  now_ms: NOW + offsetMs,
  offset_ms: offsetMs,
  next_due_at: null,
})

/** Four requests in progress, their times from `now`: a PSD2 request's call is due first. */
function fourInProgress(now: number): AdminRequest[] {
  const request = (idEnd: string, patch: Partial<AdminRequest>, nextIn: number | null) =>
    admin({
      request_id: idEnd.padStart(32, '0'),
      next_event_at: nextIn === null ? null : iso(now + nextIn * 1000),
      ...patch,
    })
  const sms = { id: 'e1', type: 'sms' as const, index: 0, sent_at: iso(now), new_pin: true }
  const tts = { ...sms, id: 'e2', type: 'tts' as const, index: 1, new_pin: false }
  return [
    request(
      'a1a1a1',
      {
        normalized_number: '447700900001',
        expires_at: iso(now + 595_000),
        events: [{ ...sms, price: '0.03' }],
      },
      115,
    ),
    request(
      'b2b2b2',
      {
        kind: 'psd2',
        normalized_number: '447700900002',
        expires_at: iso(now + 320_000),
        events: [
          { ...sms, price: '0.03' },
          { ...tts, price: '0.05' },
        ],
      },
      20,
    ),
    request(
      'c3c3c3',
      {
        workflow_id: 6,
        normalized_number: '447700900003',
        expires_at: iso(now + 35_000),
        events: [{ ...sms, price: '0.03' }],
      },
      null,
    ),
    request(
      'd4d4d4',
      {
        workflow_id: 2,
        normalized_number: '447700900004',
        expires_at: iso(now + 570_000),
        events: [{ ...sms, price: '0.03' }],
      },
      90,
    ),
  ]
}

let wrapper: VueWrapper
async function mountView() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/controls', component: SandboxControlsView }],
  })
  await router.push('/controls')
  wrapper = mount({ template: '<RouterView />' }, { global: { plugins: [router] } })
  await flushPromises()
}

function button(start: string) {
  const found = wrapper.findAll('button').find((b) => b.text().startsWith(start))
  expect(found, start).toBeDefined()
  return found!
}

/** How far the presses moved the clock, as sent to the sandbox. */
const moves = () => server.callsTo('POST', `${ADMIN}/clock`).map((c) => c.body)

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] })
  localStorage.clear()
  setActivePinia(createPinia())
  answerSandboxReads(server, { clock: clock(0), requests: fourInProgress(NOW) })
  server.on('POST', `${ADMIN}/clock`, json(clock(20_000)))
})
afterEach(() => {
  wrapper.unmount()
  vi.useRealTimers()
})

describe('what a move did, with four requests in progress', () => {
  it('"To the next event" says whose event it was: the PSD2 request\'s third call', async () => {
    await mountView()
    const next = button('To the next event')
    const describedBy = wrapper.get(`#${next.attributes('aria-describedby')}`)
    expect(describedBy.text()).toBe(
      'Next event: TTS 3 of workflow 1 for PSD2 request …b2b2b2 to +447700900002.',
    )
    await next.trigger('click')
    await flushPromises()
    expect(moves()).toEqual([{ advance_seconds: 20 }])
    expect(wrapper.get('[data-test="controls-said"]').text()).toBe(
      `Clock moved 20 s ahead: TTS 3 of workflow 1 for PSD2 request …b2b2b2 to +447700900002 is due.`,
    )
  })

  it('"To expiry" says whose expiry it was: the workflow 6 request, not the one due next', async () => {
    await mountView()
    await button('To expiry').trigger('click')
    await flushPromises()
    expect(moves()).toEqual([{ advance_seconds: 35 }])
    expect(wrapper.get('[data-test="controls-said"]').text()).toBe(
      `Clock moved 35 s ahead: request …c3c3c3 to +447700900003 is due to expire.`,
    )
  })
})
