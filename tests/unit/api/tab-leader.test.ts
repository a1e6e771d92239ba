import { afterEach, describe, expect, it } from 'vitest'
import { TabLeader } from '@/api/tab-leader'
import { FakeBus, FakeLocks } from './support/tabs'

/** Lets the fake channel (setImmediate) and promise chains finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
}

interface Tab {
  leader: TabLeader<string>
  /** What the tab heard: the message and whether its sender led then. */
  heard: [string, boolean][]
  /** Lead changes: `lead` / `follow`. */
  roles: string[]
}

const opened: TabLeader<string>[] = []

function openTab(number: number, locks: FakeLocks | null, bus: FakeBus | null): Tab {
  const tab: Tab = { leader: null as unknown as TabLeader<string>, heard: [], roles: [] }
  tab.leader = new TabLeader<string>(
    'test',
    { locks: locks?.forTab(number) ?? null, createChannel: bus?.forTab(number) ?? null },
    {
      onLead: () => tab.roles.push('lead'),
      onFollow: () => tab.roles.push('follow'),
      onMessage: (message, _from, term) => tab.heard.push([message, term !== null]),
    },
  )
  tab.leader.open()
  opened.push(tab.leader)
  return tab
}

afterEach(() => {
  for (const leader of opened.splice(0)) leader.close()
})

describe('one leader among the tabs', () => {
  it('lets one candidate lead, and the next one when it gives the lead up', async () => {
    const locks = new FakeLocks()
    const bus = new FakeBus()
    const first = openTab(1, locks, bus)
    const second = openTab(2, locks, bus)
    first.leader.setCandidate(true)
    second.leader.setCandidate(true)
    await settle()
    expect([first.leader.isLeader, second.leader.isLeader]).toEqual([true, false])

    first.leader.setCandidate(false)
    await settle()
    expect([first.leader.isLeader, second.leader.isLeader]).toEqual([false, true])
    expect(first.roles).toEqual(['lead', 'follow'])
  })

  it('hears a tab that led, said goodbye and leads again', async () => {
    const locks = new FakeLocks()
    const bus = new FakeBus()
    const first = openTab(1, locks, bus)
    const second = openTab(2, locks, bus)
    first.leader.setCandidate(true)
    await settle()
    first.leader.post('one')
    first.leader.setCandidate(false)
    await settle()
    first.leader.setCandidate(true)
    await settle()
    first.leader.post('two')
    await settle()
    expect(second.heard).toEqual([
      ['one', true],
      ['two', true],
    ])
  })

  it('leads at once, for itself, where locks or BroadcastChannel are missing', () => {
    const withoutLocks = openTab(1, null, new FakeBus())
    const withoutChannel = openTab(2, new FakeLocks(), null)
    expect([withoutLocks.leader.isLeader, withoutChannel.leader.isLeader]).toEqual([true, true])
    expect([withoutLocks.leader.isShared, withoutChannel.leader.isShared]).toEqual([false, false])
  })
})
