import { afterEach, describe, expect, it, vi } from 'vitest'
import { T0 } from '../../unit/utils/admin-request-support'
import { ENTER_LONG_WAIT_PIN as ENTER, mountLongWaitMessage } from './support'

/**
 * The first SMS of a workflow 2 request with next_event_wait=900 (LONG_WAIT): its PIN expires at
 * 300 s while the request stays in progress until the next SMS (900 s) and beyond.
 */
const mountFirstSms = (clockOffsetMs = 0) => mountLongWaitMessage('sms', clockOffsetMs).wrapper

afterEach(() => {
  vi.useRealTimers()
})

describe('HandsetMessage: a PIN that expired while its request is in progress', () => {
  it('stops offering "Enter PIN" when the PIN expires, and says why', async () => {
    vi.useFakeTimers({ now: T0 + 299_000, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    const wrapper = mountFirstSms()
    expect(wrapper.find(ENTER).exists()).toBe(true)
    expect(wrapper.text()).not.toContain('expired')

    await vi.advanceTimersByTimeAsync(2_000)
    expect(wrapper.find(ENTER).exists()).toBe(false)
    expect(wrapper.get('.handset-message__spent').text()).toBe(
      'expired: this PIN can no longer be checked (a check now counts as a wrong code); the next message or call brings a new one.',
    )
    // Still shown and copyable, its request a link away.
    expect(wrapper.get('[data-testid="pin"]').text()).toBe('2172')
    expect(wrapper.get('a').text()).toBe('Open its request')
  })

  it('reads the time on the sandbox clock, moved ahead of real time', () => {
    vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    const wrapper = mountFirstSms(301_000)
    expect(wrapper.find(ENTER).exists()).toBe(false)
    expect(wrapper.get('.handset-message__spent').text()).toMatch(/^expired: /)
  })
})
