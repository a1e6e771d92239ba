/**
 * The handset says a PIN expired at the instant the sandbox stops taking it (a check is accepted
 * while `now < sent + pin_expiry`): at that very millisecond of the sandbox clock, not 1 ms later;
 * 1 ms before, "Enter PIN" is still offered.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { adminPinExpiresAt } from '@/utils/request-model'
import { LONG_WAIT, T0 } from '../../unit/utils/admin-request-support'
import { ENTER_LONG_WAIT_PIN as ENTER, mountLongWaitMessage } from './support'

/** The first SMS of LONG_WAIT (workflow 2, next_event_wait=900): its PIN expires at 300 s. */
const mountFirstSms = (clockOffsetMs = 0) => mountLongWaitMessage('sms', clockOffsetMs).wrapper

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
