/**
 * The handset says a PIN expired at the instant the sandbox stops taking it (a check is accepted
 * while `now < sent + pin_expiry`): at that very millisecond of the sandbox clock, not 1 ms later;
 * 1 ms before, "Enter PIN" is still offered.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import HandsetMessage from '@/components/handset/HandsetMessage.vue'
import { useSandboxStore } from '@/stores/sandbox'
import { adminPinExpiresAt } from '@/utils/request-model'
import { LONG_WAIT, T0 } from '../../unit/utils/admin-request-support'

/** The first SMS of LONG_WAIT (workflow 2, next_event_wait=900): its PIN expires at 300 s. */
function mountFirstSms(clockOffsetMs = 0) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const sandbox = useSandboxStore()
  sandbox.requests = [LONG_WAIT]
  sandbox.clock = { now: '', now_ms: 0, offset_ms: clockOffsetMs, next_due_at: null }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', component: { template: '<p>page</p>' } }],
  })
  return mount(HandsetMessage, {
    props: {
      channel: 'sms',
      text: 'Your Acme PIN is 2172. Valid for 5 minutes.',
      pin: LONG_WAIT.pin,
      sender: 'VERIFY',
      at: LONG_WAIT.submitted_at,
      requestId: LONG_WAIT.request_id,
      requestStatus: 'IN PROGRESS',
      currentPin: LONG_WAIT.pin,
    },
    global: { plugins: [pinia, router] },
  })
}

const ENTER = 'a[aria-label="Enter PIN 2172 on its request"]'
const PIN_END = T0 + 300_000

afterEach(() => {
  vi.useRealTimers()
})

describe('HandsetMessage: the exact instant its PIN expires', () => {
  it('is the PIN expiry the request page is given', () => {
    expect(adminPinExpiresAt(LONG_WAIT)).toBe(PIN_END)
  })

  it('opened at that very millisecond: says expired at once, no "Enter PIN"', async () => {
    vi.useFakeTimers({ now: PIN_END, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    const wrapper = mountFirstSms()
    expect(wrapper.find(ENTER).exists()).toBe(false)
    expect(wrapper.get('.handset-message__spent').text()).toMatch(/^expired: /)
    // Nothing later takes it back.
    await vi.advanceTimersByTimeAsync(1_000)
    expect(wrapper.find(ENTER).exists()).toBe(false)
  })

  it('opened 1 ms before: offers "Enter PIN", then says expired when that millisecond passes', async () => {
    vi.useFakeTimers({ now: PIN_END - 1, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    const wrapper = mountFirstSms()
    expect(wrapper.find(ENTER).exists()).toBe(true)
    expect(wrapper.find('.handset-message__spent').exists()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(wrapper.find(ENTER).exists()).toBe(false)
    expect(wrapper.get('.handset-message__spent').text()).toMatch(/^expired: /)
  })

  it('on a sandbox clock moved ahead to exactly that instant: says expired', () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    const wrapper = mountFirstSms(300_000)
    expect(wrapper.find(ENTER).exists()).toBe(false)
    expect(wrapper.get('.handset-message__spent').text()).toMatch(/^expired: /)
  })
})
