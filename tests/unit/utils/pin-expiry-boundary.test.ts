/**
 * The instant a PIN (or a request) expires, as the page and the handset say it, is the instant the
 * sandbox engine stops taking it: a PIN is checked while `now < sent + pin_expiry`, so at that
 * very millisecond it is expired, 1 ms before it is not; a request's expiry falls due at its
 * `expires_at` (it is EXPIRED at that instant).
 */
import { describe, expect, it } from 'vitest'
import { expiredPinAdvice } from '@/utils/request-state'
import { adminPinExpiresAt, fromAdmin, fromSearch } from '@/utils/request-model'
import { emptyEntry, type SearchedRequest } from '@/utils/history-entry'
import { fakeEngine, T0 } from '../sandbox/support'

/** A sandbox engine whose clock the test sets to the millisecond. */
function sandbox() {
  let t = T0
  const s = fakeEngine({ now: () => t })
  return {
    ...s,
    /** Moves the clock to the epoch ms `at` and fires what falls due. */
    setNow(at: number) {
      t = at
      s.engine.runDue()
    },
    view(id: string) {
      const record = s.engine.getRequest(id)
      expect(record, `the sandbox holds ${id}`).toBeDefined()
      return s.engine.adminView(record!)
    },
  }
}

/** Workflow 2 with next_event_wait=900: the PIN expires at 300 s, the next SMS goes at 900 s. */
const LONG_WAIT = { workflow_id: '2', next_event_wait: '900' }

describe('the PIN expiry the page is given, at the exact millisecond', () => {
  it('is when the sandbox stops accepting the PIN: 1 ms before, the code is verified', () => {
    const s = sandbox()
    const id = s.start(LONG_WAIT)
    const end = adminPinExpiresAt(s.view(id))
    expect(end).toBe(T0 + 300_000)
    s.setNow(end! - 1)
    expect(s.call('check', { request_id: id, code: s.pin(id) }).status).toBe('0')
  })

  it('is when the sandbox stops accepting the PIN: at it, the right code is a wrong one (16)', () => {
    const s = sandbox()
    const id = s.start(LONG_WAIT)
    const end = adminPinExpiresAt(s.view(id))
    s.setNow(end!)
    expect(s.engine.getRequest(id)?.status).toBe('IN PROGRESS')
    expect(s.call('check', { request_id: id, code: s.pin(id) }).status).toBe('16')
  })

  it('is the same read from a search answer and the parameters the request was started with', () => {
    const s = sandbox()
    const id = s.start(LONG_WAIT)
    const view = s.view(id)
    const found = s.call('search', { request_id: id }) as unknown as SearchedRequest
    const model = fromSearch('sandbox', found, { ...emptyEntry(id, T0), params: LONG_WAIT })
    expect(model.pinExpiresAt).toBe(adminPinExpiresAt(view))
    expect(model.expiresAt).toBe(Date.parse(view.expires_at!))
    expect(fromAdmin(view).pinExpiresAt).toBe(adminPinExpiresAt(view))
  })

  it('is the request’s own expiry when that comes first, the instant the sandbox expires it', () => {
    // Workflow 4, pin_expiry 3600: the request expires at 300 s, long before the PIN would.
    const s = sandbox()
    const id = s.start({ workflow_id: '4', pin_expiry: '3600' })
    const view = s.view(id)
    const end = adminPinExpiresAt(view)
    expect(end).toBe(Date.parse(view.expires_at!))
    expect(fromAdmin(view).expiresAt).toBe(end)
    s.setNow(end! - 1)
    expect(s.engine.getRequest(id)?.status).toBe('IN PROGRESS')
    s.setNow(end!)
    expect(s.engine.getRequest(id)?.status).toBe('EXPIRED')
  })
})

describe('expiredPinAdvice at the exact millisecond the sandbox defines', () => {
  it('says nothing 1 ms before the PIN expires, and warns at that instant', () => {
    const s = sandbox()
    const id = s.start(LONG_WAIT)
    const model = fromAdmin(s.view(id))
    const end = model.pinExpiresAt!
    expect(expiredPinAdvice(model, end - 1)).toBeNull()
    expect(expiredPinAdvice(model, end)).toContain('The PIN has expired')
  })

  it('warns 1 ms before the request expires, and leaves it to the request’s expiry at that instant', () => {
    const s = sandbox()
    // Workflow 4, next_event_wait 900: the second SMS (the last, a new PIN) goes out at 900 s,
    // its PIN expires at 1200 s, the request at 1800 s.
    const id = s.start({ workflow_id: '4', next_event_wait: '900' })
    s.setNow(T0 + 900_000)
    const model = fromAdmin(s.view(id))
    expect(model.eventsLeft).toBe(0)
    const end = model.expiresAt!
    expect(end).toBe(T0 + 1_800_000)
    expect(expiredPinAdvice(model, end - 1)).toContain(
      'no message or call is left to bring a new PIN',
    )
    expect(expiredPinAdvice(model, end)).toBeNull()
    s.setNow(end)
    expect(s.engine.getRequest(id)?.status).toBe('EXPIRED')
  })
})
