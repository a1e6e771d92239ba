import { describe, expect, it } from 'vitest'
import { T0, fakeEngine } from './support'

// Workflows 6 (one SMS) and 7 (one call) expire `pin_expiry` seconds after their only message:
// the pin_expiry the request ends up with, after the rule that a pin_expiry which is not a whole
// multiple of next_event_wait becomes next_event_wait. The admin view's `expires_at`, the
// validity the SMS states and the moment the request really expires all say the same.

type Sandbox = ReturnType<typeof fakeEngine>

/** Seconds from the start to the admin view's `expires_at`, or null. */
function expiresAfter(s: Sandbox, id: string): number | null {
  const record = s.engine.getRequest(id)
  const at = record ? s.engine.adminView(record).expires_at : null
  return at === null ? null : (Date.parse(at) - T0) / 1000
}

const CASES = [
  [{}, 300],
  [{ pin_expiry: '600' }, 600],
  [{ next_event_wait: '120' }, 300],
  [{ pin_expiry: '240', next_event_wait: '120' }, 240],
  [{ pin_expiry: '250', next_event_wait: '120' }, 120],
  [{ pin_expiry: '600', next_event_wait: '900' }, 900],
] as const

describe.each([
  ['6', 'sms'],
  ['7', 'tts'],
])('a workflow %s request (one %s)', (workflow_id, channel) => {
  it.each(CASES)(
    'with %o expires %i s after its only message, as its view says',
    (params, seconds) => {
      const s = fakeEngine()
      const id = s.start({ workflow_id, ...params })
      expect(s.messages(id).map((m) => m.channel)).toEqual([channel])
      expect(expiresAfter(s, id)).toBe(seconds)
      s.at(seconds - 1)
      expect(s.engine.getRequest(id)?.status).toBe('IN PROGRESS')
      expect(expiresAfter(s, id)).toBe(seconds)
      s.at(seconds)
      expect(s.engine.getRequest(id)?.status).toBe('EXPIRED')
      expect(expiresAfter(s, id)).toBeNull()
    },
  )
})

describe('the SMS of a workflow 6 request', () => {
  it.each(CASES)('with %o states the %i s the request lasts', (params, seconds) => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '6', ...params })
    expect(s.messages(id).map((m) => m.text)).toEqual([
      `Your Acme PIN is: ${s.pin(id)}. Valid for ${seconds / 60} minutes.`,
    ])
  })
})
