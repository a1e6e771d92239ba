import { describe, expect, it } from 'vitest'
import { expiredPinAdvice } from '@/utils/request-state'
import { fromAdmin } from '@/utils/request-model'
import { admin, iso, LONG_WAIT, T0 } from './admin-request-support'

describe('expiredPinAdvice: the PIN expired while the request is in progress', () => {
  const model = fromAdmin(LONG_WAIT)

  it('says nothing while the PIN can be checked', () => {
    expect(expiredPinAdvice(model, T0 + 299_000)).toBeNull()
  })

  it('says a check now is a wrong code using an attempt, and when the next PIN comes', () => {
    const advice = expiredPinAdvice(model, T0 + 301_000)
    expect(advice).toContain('The PIN has expired')
    expect(advice).toContain('answered as a wrong code (status 16) and uses up an attempt')
    expect(advice).toContain('wait for the next message or call (in 9 min 59 s)')
    expect(advice).toContain('or trigger the next event now')
  })

  it('is no longer said once the next message or call, which brings a new PIN, is due', () => {
    // Workflow 2, next_event_wait 900: the PIN expired at 300 s, the second SMS is due at 900 s.
    expect(model.nextEventAt).toBe(T0 + 900_000)
    expect(expiredPinAdvice(model, T0 + 899_999)).toContain('(in 1 s)')
    // Before any read shows it went out: the PIN it brings is not expired.
    expect(expiredPinAdvice(model, T0 + 900_000)).toBeNull()
    expect(expiredPinAdvice(model, T0 + 905_000)).toBeNull()
  })

  it('says no new PIN is coming when no event is left', () => {
    // Workflow 4, next_event_wait 900: the second SMS (new PIN) at 900 s, expired at 1200 s.
    const last = fromAdmin(
      admin({
        workflow_id: 4,
        next_event_wait: 900,
        pin_generated_at: iso(T0 + 900_000),
        events: [
          { id: 'e1', type: 'sms', index: 0, sent_at: iso(T0), new_pin: true, price: '0.03' },
          {
            id: 'e2',
            type: 'sms',
            index: 1,
            sent_at: iso(T0 + 900_000),
            new_pin: true,
            price: '0.03',
          },
        ],
        expires_at: iso(T0 + 1_800_000),
      }),
    )
    const advice = expiredPinAdvice(last, T0 + 1_201_000)
    expect(advice).toContain('no message or call is left to bring a new PIN')
    expect(advice).toContain('the request expires in 9 min 59 s')
    expect(advice).not.toContain('trigger the next event')
  })

  it('says nothing once the request is over', () => {
    expect(expiredPinAdvice({ ...model, status: 'EXPIRED' }, T0 + 301_000)).toBeNull()
  })
})
