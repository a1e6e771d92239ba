import { afterEach, describe, expect, it, vi } from 'vitest'
import { LOCK_RETRY_MS, TabLeader } from '@/api/tab-leader'
import type { LockManagerLike } from '@/api/event-stream'
import { FakeBus, FakeLocks } from './support/tabs'

/** Lets the fake channel (setImmediate) and promise chains finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** The tab's locks, whose first `refusals` requests fail (as a lock manager in trouble does). */
function refusing(locks: LockManagerLike, refusals: number): LockManagerLike {
  let left = refusals
  return {
    request: (name, options, callback) => {
      if (left-- > 0) return Promise.reject(new DOMException('Lock refused', 'InvalidStateError'))
      return locks.request(name, options, callback)
    },
  }
}

const opened: TabLeader<string>[] = []

function openTab(locks: LockManagerLike, bus: FakeBus, number: number) {
  const roles: string[] = []
  const leader = new TabLeader<string>(
    'test',
    { locks, createChannel: bus.forTab(number) },
    {
      onLead: () => roles.push('lead'),
      onFollow: () => roles.push('follow'),
      onMessage: () => {},
    },
  )
  leader.open()
  opened.push(leader)
  return { leader, roles }
}

afterEach(() => {
  for (const leader of opened.splice(0)) leader.close()
  vi.useRealTimers()
})

describe('a request for the lock that fails', () => {
  it('is made again, so the tab still leads once the lock is free', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const locks = new FakeLocks()
    const bus = new FakeBus()
    const tab = openTab(refusing(locks.forTab(1), 1), bus, 1)
    tab.leader.setCandidate(true)
    await settle()
    expect(tab.leader.isLeader).toBe(false)

    await vi.advanceTimersByTimeAsync(LOCK_RETRY_MS)
    await settle()
    expect(tab.leader.isLeader).toBe(true)
    expect(tab.roles).toEqual(['lead'])
  })

  it('is not made again once the tab gave the lead up', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const locks = new FakeLocks()
    const bus = new FakeBus()
    const tab = openTab(refusing(locks.forTab(1), 1), bus, 1)
    tab.leader.setCandidate(true)
    await settle()
    tab.leader.setCandidate(false)
    await vi.advanceTimersByTimeAsync(LOCK_RETRY_MS)
    await settle()
    expect(tab.leader.isLeader).toBe(false)
    expect(locks.holder('verify-desk:test')).toBeUndefined()
  })
})
