/**
 * A PIN that can still be checked says until when, on the sandbox clock, and how long is left,
 * live: the SMS only says "Valid for 5 minutes" (from when?), a voice call says nothing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { T0 } from '../../unit/utils/admin-request-support'
import { mountLongWaitMessage as mountMessage } from './support'

/** LONG_WAIT's PIN (sent at T0) can be checked until T0 + 300 s. */
const PIN_ENDS = new Date(T0 + 300_000).toISOString()

const validUntil = (wrapper: ReturnType<typeof mountMessage>['wrapper']) =>
  wrapper.get('[data-testid="pin-valid-until"]')

afterEach(() => {
  vi.useRealTimers()
})

describe('HandsetMessage: until when a usable PIN is valid', () => {
  it.each(['sms', 'tts'] as const)(
    'shows "valid until hh:mm:ss (in 4 min 59 s)" next to the PIN of a %s, counting down',
    async (channel) => {
      vi.useFakeTimers({ now: T0 + 1_000 })
      const { wrapper } = mountMessage(channel)
      const line = validUntil(wrapper)
      expect(line.text().replace(/\s+/g, ' ')).toMatch(
        /^Valid until \d{2}:\d{2}:\d{2} \(in 4 min 59 s\) on the sandbox clock$/,
      )
      expect(line.get('time').attributes('datetime')).toBe(PIN_ENDS)
      expect(line.get('time').attributes('title')).toBe('2026-01-02 03:09:05 UTC')

      await vi.advanceTimersByTimeAsync(60_000)
      expect(validUntil(wrapper).text()).toContain('(in 3 min 59 s)')
      wrapper.unmount()
    },
  )

  it('reads the sandbox clock: a move ahead shortens what is left at once', async () => {
    vi.useFakeTimers({ now: T0 + 1_000 })
    const { wrapper, sandbox } = mountMessage('sms', 240_000)
    expect(validUntil(wrapper).text()).toContain('(in 59 s)')
    sandbox.clock = { now: '', now_ms: 0, offset_ms: 270_000, next_due_at: null }
    await vi.advanceTimersByTimeAsync(1_000)
    expect(validUntil(wrapper).text()).toContain('(in 28 s)')
    wrapper.unmount()
  })

  it('is gone once the PIN expired, when the message says why it can no longer be checked', async () => {
    vi.useFakeTimers({ now: T0 + 298_000 })
    const { wrapper } = mountMessage('sms')
    expect(validUntil(wrapper).text()).toContain('(in 2 s)')
    await vi.advanceTimersByTimeAsync(3_000)
    expect(wrapper.find('[data-testid="pin-valid-until"]').exists()).toBe(false)
    expect(wrapper.get('.handset-message__spent').text()).toMatch(/^expired: /)
    wrapper.unmount()
  })

  it('is not shown for a PIN replaced by a newer one', async () => {
    vi.useFakeTimers({ now: T0 + 1_000 })
    const { wrapper } = mountMessage('sms')
    await wrapper.setProps({ currentPin: '9999' })
    expect(wrapper.find('[data-testid="pin-valid-until"]').exists()).toBe(false)
    expect(wrapper.get('.handset-message__spent').text()).toMatch(/^replaced by a newer PIN/)
    wrapper.unmount()
  })
})
