/**
 * A message's PIN expiry is its own PIN's: once the next event replaced that PIN, the message is
 * not given the current PIN's expiry (its countdown is not the message's). Here the caller does not
 * pass the current PIN (`currentPin` is optional: "when the sandbox said"), so nothing says
 * "replaced" and only the expiry shows through.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { admin, iso, T0 } from '../../unit/utils/admin-request-support'
import { mountHandsetMessage } from './support'

/**
 * Workflow 4, next_event_wait 900, pin_expiry 300: the first SMS (PIN 2172) at T0, the second
 * (a new PIN, 5309) at 900 s; that PIN expires at 1200 s, the request at 1800 s.
 */
const REPLACED = admin({
  workflow_id: 4,
  next_event_wait: 900,
  pin: '5309',
  pin_generated_at: iso(T0 + 900_000),
  next_event_at: null,
  expires_at: iso(T0 + 1_800_000),
  events: [
    { id: 'e1', type: 'sms', index: 0, sent_at: iso(T0), new_pin: true, price: '0.03' },
    { id: 'e2', type: 'sms', index: 1, sent_at: iso(T0 + 900_000), new_pin: true, price: '0.03' },
  ],
})

function mountSms(pin: string, sentAt: number) {
  return mountHandsetMessage(REPLACED, {
    channel: 'sms',
    text: `Your Acme PIN is: ${pin}. Valid for 5 minutes.`,
    pin,
    sender: 'VERIFY',
    at: iso(sentAt),
    requestId: REPLACED.request_id,
    requestStatus: 'IN PROGRESS',
  }).wrapper
}

const spent = (wrapper: ReturnType<typeof mountSms>) =>
  wrapper.find('.handset-message__spent').exists()
    ? wrapper.get('.handset-message__spent').text()
    : ''

afterEach(() => {
  vi.useRealTimers()
})

describe('HandsetMessage: a message whose PIN the next event replaced', () => {
  it('is not said expired when the current PIN expires', async () => {
    vi.useFakeTimers({ now: T0 + 1_100_000, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    const first = mountSms('2172', T0)
    const second = mountSms('5309', T0 + 900_000)
    expect(spent(second)).toBe('')
    // The current PIN (the second message's) expires at 1200 s.
    await vi.advanceTimersByTimeAsync(100_000)
    expect(spent(second)).toBe(
      'expired: this PIN can no longer be checked (a check now counts as a wrong code), and no message or call is left to bring a new one.',
    )
    expect(spent(first)).not.toContain('expired')
  })

  it('opened after the current PIN expired: the first message is not said expired by its clock', () => {
    vi.useFakeTimers({ now: T0 + 1_300_000, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    const first = mountSms('2172', T0)
    expect(spent(first)).not.toContain('expired')
    expect(spent(mountSms('5309', T0 + 900_000))).toMatch(/^expired: /)
  })
})
