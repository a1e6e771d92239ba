/**
 * A finished sandbox request has no PIN expiry: its PIN can no longer be checked at all (the
 * sandbox answers status 6, no request in progress), so neither the page's model nor the handset's
 * helper gives a time at which it would stop working.
 */
import { describe, expect, it } from 'vitest'
import { adminPinExpiresAt, fromAdmin } from '@/utils/request-model'
import { fakeEngine } from '../sandbox/support'

type Sandbox = ReturnType<typeof fakeEngine>

/** Ends a fresh request of workflow 2 (its PIN valid 300 s) the way `finish` says. */
function finished(finish: (s: Sandbox, id: string) => void) {
  const s = fakeEngine()
  const id = s.start({ workflow_id: '2', next_event_wait: '900' })
  const before = s.engine.adminView(s.engine.getRequest(id)!)
  expect(adminPinExpiresAt(before), 'in progress, its PIN expiry is known').not.toBeNull()
  finish(s, id)
  const view = s.engine.adminView(s.engine.getRequest(id)!)
  return { s, id, view }
}

describe('adminPinExpiresAt / fromAdmin: a finished request has no PIN expiry', () => {
  it('verified (SUCCESS) within the PIN’s life', () => {
    const { view } = finished((s, id) => {
      s.advance(10)
      expect(s.call('check', { request_id: id, code: s.pin(id) }).status).toBe('0')
    })
    expect(view.status).toBe('SUCCESS')
    expect(adminPinExpiresAt(view)).toBeNull()
    expect(fromAdmin(view).pinExpiresAt).toBeNull()
  })

  it('cancelled 30 s in, long before its PIN would have expired', () => {
    const { s, id, view } = finished((s, id) => {
      s.advance(31)
      expect(s.call('control', { request_id: id, cmd: 'cancel' }).status).toBe('0')
    })
    expect(view.status).toBe('CANCELLED')
    expect(adminPinExpiresAt(view)).toBeNull()
    expect(fromAdmin(view).pinExpiresAt).toBeNull()
    // The sandbox takes no check of it, its PIN included.
    expect(s.call('check', { request_id: id, code: s.pin(id) }).status).toBe('6')
  })

  it('failed by three wrong codes', () => {
    const { view } = finished((s, id) => {
      for (let i = 0; i < 3; i++) s.call('check', { request_id: id, code: '0000' })
    })
    expect(view.status).toBe('FAILED')
    expect(adminPinExpiresAt(view)).toBeNull()
    expect(fromAdmin(view).pinExpiresAt).toBeNull()
  })

  it('expired at its own end', () => {
    const { view } = finished((s) => s.advance(3_600))
    expect(view.status).toBe('EXPIRED')
    expect(adminPinExpiresAt(view)).toBeNull()
    expect(fromAdmin(view).pinExpiresAt).toBeNull()
  })
})
