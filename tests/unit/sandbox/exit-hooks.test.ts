import { afterEach, describe, expect, it, vi } from 'vitest'
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
    expect(process.listenerCount('exit')).toBe(before.exit + 1)
    expect(process.listenerCount('SIGINT')).toBeGreaterThanOrEqual(Math.max(1, before.SIGINT))
    expect(process.listenerCount('SIGTERM')).toBeGreaterThanOrEqual(Math.max(1, before.SIGTERM))
    removeExitHook(hook)
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

  describe('runs once, whichever comes first', () => {
    afterEach(() => vi.restoreAllMocks())

    /** The exit listener and the stop-signal handler `add` hooks (the newest ones). */
    function hookedBy(add: () => void) {
      const exitBefore = process.listeners('exit')
      add()
      const exit = process.listeners('exit').filter((l) => !exitBefore.includes(l))
      expect(exit).toHaveLength(1)
      // The sandbox's handler is first in line (prepended).
      const signal = process.listeners('SIGINT')[0] as (signal: NodeJS.Signals) => void
      return { exit: exit[0] as () => void, signal }
    }

    /** A SIGINT the process has no other handler for (the handler raises it again: mocked). */
    function stopSignal(handler: (signal: NodeJS.Signals) => void) {
      const kill = vi.spyOn(process, 'kill').mockImplementation(() => true)
      const others = process.listeners('SIGINT').filter((l) => l !== handler)
      for (const l of others) process.off('SIGINT', l)
      try {
        handler('SIGINT')
      } finally {
        for (const l of others) process.on('SIGINT', l)
      }
      return kill
    }

    it('a stop signal first: the hook runs, and is off the process exit', () => {
      const before = counts()
      const hook = vi.fn()
      const { signal } = hookedBy(() => addExitHook(hook))
      const kill = stopSignal(signal)
      expect(hook).toHaveBeenCalledTimes(1)
      expect(kill).toHaveBeenCalledWith(process.pid, 'SIGINT')
      // Nothing left to run it again when the process then exits.
      expect(counts()).toEqual(before)
      removeExitHook(hook)
      expect(hook).toHaveBeenCalledTimes(1)
    })

    it('the process exit first: the hook runs, and is off the stop signals', () => {
      const before = counts()
      const hook = vi.fn()
      const { exit } = hookedBy(() => addExitHook(hook))
      exit()
      expect(hook).toHaveBeenCalledTimes(1)
      expect(counts()).toEqual(before)
    })

    it('with another sandbox still hooked, a signal runs each hook once', () => {
      const before = counts()
      const first = vi.fn()
      const second = vi.fn()
      const a = hookedBy(() => addExitHook(first))
      const b = hookedBy(() => addExitHook(second))
      expect(b.signal).toBe(a.signal)
      a.exit()
      expect(first).toHaveBeenCalledTimes(1)
      stopSignal(a.signal)
      expect(first).toHaveBeenCalledTimes(1)
      expect(second).toHaveBeenCalledTimes(1)
      expect(counts()).toEqual(before)
    })
  })
})
