/**
 * The end of a network unblock on the sandbox clock: the faults it lifted block again, and the
 * list's listener (the admin event stream) hears of it then, not at the next call or change.
 */
import { describe, expect, it } from 'vitest'
import { Faults } from '../../../server/sandbox/faults'
import { T0 } from './support'

/** Faults on a clock the test moves, counting what their listener hears. */
function faultsOnClock() {
  let t = T0
  let changes = 0
  const faults = new Faults(
    () => changes++,
    () => t,
  )
  return {
    faults,
    get changes() {
      return changes
    },
    /** Moves the clock to `seconds` after T0 and runs what falls due, as the sandbox's timer does. */
    at(seconds: number) {
      t = T0 + seconds * 1000
      faults.runDue()
    },
  }
}

const BLOCK = { endpoint: 'request', status: '7', network: '23410', count: 5 }

describe('Faults: the end of a network unblock', () => {
  it('is due when the unblock ends, and is told then: the fault blocks again', () => {
    const clock = faultsOnClock()
    const { faults } = clock
    faults.add(BLOCK)
    const until = T0 + 600_000
    expect(faults.unblock('23410', until)).toBe('2026-01-01T00:10:00Z')
    expect(faults.nextDueAt()).toBe(until)
    const heard = clock.changes

    clock.at(599.999)
    expect(clock.changes).toBe(heard)
    expect(faults.list()).toMatchObject([
      { network: '23410', unblocked_until: '2026-01-01T00:10:00Z' },
    ])

    clock.at(600)
    expect(clock.changes).toBe(heard + 1)
    expect(faults.list()).toEqual([
      expect.not.objectContaining({ unblocked_until: expect.anything() }),
    ])
    expect(faults.take('request')).toMatchObject({ status: '7', remaining: 4 })
    expect(faults.nextDueAt()).toBeUndefined()
  })

  it('is told once, for the earliest first, when two networks end at different times', () => {
    const clock = faultsOnClock()
    const { faults } = clock
    faults.add(BLOCK)
    faults.add({ ...BLOCK, network: '23415' })
    faults.unblock('23410', T0 + 600_000)
    faults.unblock('23415', T0 + 60_000)
    expect(faults.nextDueAt()).toBe(T0 + 60_000)
    const heard = clock.changes

    clock.at(60)
    expect(clock.changes).toBe(heard + 1)
    expect(faults.list().map((f) => f.unblocked_until ?? null)).toEqual([
      '2026-01-01T00:10:00Z',
      null,
    ])
    expect(faults.nextDueAt()).toBe(T0 + 600_000)
  })

  it('is nothing to tell once the block it lifted is gone', () => {
    const clock = faultsOnClock()
    const { faults } = clock
    const fault = faults.add(BLOCK) as { id: string }
    faults.unblock('23410', T0 + 600_000)
    faults.remove(fault.id)
    expect(faults.nextDueAt()).toBeUndefined()
    const heard = clock.changes
    clock.at(600)
    expect(clock.changes).toBe(heard)
  })

  it('of an unblock of 0 seconds is now: it ends one running and leaves nothing due', () => {
    const clock = faultsOnClock()
    const { faults } = clock
    faults.add(BLOCK)
    faults.unblock('23410', T0 + 600_000)
    faults.unblock('23410', T0)
    expect(faults.list()).toEqual([
      expect.not.objectContaining({ unblocked_until: expect.anything() }),
    ])
    expect(faults.nextDueAt()).toBeUndefined()
  })
})
