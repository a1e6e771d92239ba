import { describe, expect, it, vi } from 'vitest'
import { addExitHook, removeExitHook } from '../../../server/sandbox/state-registry'

const counts = () => ({
  exit: process.listenerCount('exit'),
  SIGINT: process.listenerCount('SIGINT'),
  SIGTERM: process.listenerCount('SIGTERM'),
})

describe('the exit hooks of the sandboxes that keep a state file', () => {
  it('hook a sandbox to the process exit and the stop signals, and unhook it from both', () => {
    const before = counts()
    const hook = vi.fn()
    addExitHook(hook)
    expect(process.listeners('exit')).toContain(hook)
    expect(process.listenerCount('SIGINT')).toBeGreaterThanOrEqual(Math.max(1, before.SIGINT))
    expect(process.listenerCount('SIGTERM')).toBeGreaterThanOrEqual(Math.max(1, before.SIGTERM))
    removeExitHook(hook)
    expect(process.listeners('exit')).not.toContain(hook)
    expect(counts()).toEqual(before)
    // Unhooking twice changes nothing; the hook never ran.
    removeExitHook(hook)
    expect(counts()).toEqual(before)
    expect(hook).not.toHaveBeenCalled()
  })

  it('keep the signal handler while another sandbox is hooked', () => {
    const before = counts()
    const first = vi.fn()
    const second = vi.fn()
    addExitHook(first)
    addExitHook(second)
    const hooked = counts()
    expect(hooked.exit).toBe(before.exit + 2)
    removeExitHook(first)
    expect(counts()).toEqual({ ...hooked, exit: before.exit + 1 })
    removeExitHook(second)
    expect(counts()).toEqual(before)
  })
})
