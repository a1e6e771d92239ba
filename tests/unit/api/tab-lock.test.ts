import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SharedEventStream, type ConnectionHandlers } from '@/api/event-stream'
import { channelLocks } from '@/api/tab-lock'
import { settle } from './support/sse'
import { FakeBus } from './support/tabs'

// Where a page is no secure context (plain HTTP to another machine) it has no navigator.locks: the
// tabs then agree on one holder over a BroadcastChannel.

const NAME = 'verify-desk:event-stream:sandbox/__admin/events'

let bus: FakeBus
/** Tabs holding the lock right now. */
let holding: Set<number>
/** Lets the holder `tab` go. */
let releases: Map<number, () => void>
let pageHides: Map<number, () => void>
/** Ends every request of the test, so none outlives it. */
let everyone: AbortController

function requestLock(tab: number, signal?: AbortSignal): Promise<unknown> {
  const locks = channelLocks(bus.forTab(tab), {
    onPageHide: (listener) => {
      pageHides.set(tab, listener)
      return () => pageHides.delete(tab)
    },
  })
  const asked = locks.request(
    NAME,
    { signal: signal ? AbortSignal.any([signal, everyone.signal]) : everyone.signal },
    () => {
      expect(holding.size, `tab ${tab} holds while ${[...holding].join(', ')} still do`).toBe(0)
      holding.add(tab)
      return new Promise<void>((resolve) =>
        releases.set(tab, () => {
          holding.delete(tab)
          releases.delete(tab)
          resolve()
        }),
      )
    },
  )
  asked.catch(() => undefined) // a request ended with the test
  return asked
}

/** Advances the clock in small steps, letting messages through between them. */
async function pass(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 50) {
    await vi.advanceTimersByTimeAsync(Math.min(50, ms - t))
    await settle(3)
  }
}

/**
 * Tabs 1 to `count`, each with the shared event stream on locks kept over the channel and one
 * subscriber that logs what it gets ('open', then `event data` a message); `connections` lists
 * every connection a leading tab opened, `closed` once it let it go.
 */
function openTabs(count: number) {
  const connections: { tab: number; handlers: ConnectionHandlers; closed: boolean }[] = []
  const streams = new Map<number, SharedEventStream>()
  const logs = new Map<number, string[]>()
  const unsubscribes = new Map<number, () => void>()
  for (let tab = 1; tab <= count; tab++) {
    const createChannel = bus.forTab(tab)
    const stream = new SharedEventStream('sandbox/__admin/events', {
      locks: channelLocks(createChannel),
      createChannel,
      connect(handlers) {
        const connection = { tab, handlers, closed: false }
        connections.push(connection)
        return { close: () => (connection.closed = true) }
      },
      onRefused: () => undefined,
    })
    const log: string[] = []
    streams.set(tab, stream)
    logs.set(tab, log)
    unsubscribes.set(
      tab,
      stream.subscribe({
        onMessage: (m) => log.push(`${m.event} ${m.data}`),
        onOpen: () => log.push('open'),
      }),
    )
  }
  return { connections, streams, logs, unsubscribes }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  bus = new FakeBus()
  holding = new Set()
  releases = new Map()
  pageHides = new Map()
  everyone = new AbortController()
})
afterEach(() => {
  everyone.abort()
  for (const release of [...releases.values()]) release()
  vi.useRealTimers()
})

describe('channelLocks: one holder at a time', () => {
  it('gives the lock to one of the tabs asking, and to the next as soon as it is let go', async () => {
    const requests = [1, 2, 3].map((tab) => requestLock(tab))
    await pass(1000)
    expect(holding.size).toBe(1)
    const first = [...holding][0]!
    releases.get(first)!()
    await pass(400)
    expect(holding.size).toBe(1)
    const second = [...holding][0]!
    expect(second).not.toBe(first)
    releases.get(second)!()
    await pass(400)
    expect(holding.size).toBe(1)
    releases.get([...holding][0]!)!()
    await Promise.all(requests)
    expect(holding.size).toBe(0)
  })

  it('keeps a later tab waiting for as long as the holder answers', async () => {
    void requestLock(1)
    await pass(1000)
    expect([...holding]).toEqual([1])
    void requestLock(2)
    await pass(60_000)
    expect([...holding]).toEqual([1])
  })

  it('passes the lock on when the holder tab vanished without a word', async () => {
    void requestLock(1)
    await pass(1000)
    void requestLock(2)
    await pass(1000)
    expect([...holding]).toEqual([1])
    // Tab 1 crashed: no message, its channel gone (its callback never returns).
    bus.closeTab(1)
    holding.delete(1)
    await pass(6000)
    expect([...holding]).toEqual([2])
  })

  it('passes it on at once when the holder page goes', async () => {
    void requestLock(1)
    await pass(1000)
    void requestLock(2)
    await pass(1000)
    pageHides.get(1)!()
    bus.closeTab(1)
    holding.delete(1)
    await pass(400)
    expect([...holding]).toEqual([2])
  })

  it('a tab that stops asking before its turn never holds it', async () => {
    void requestLock(1)
    await pass(1000)
    const stop = new AbortController()
    const asked = requestLock(2, stop.signal)
    await pass(1000)
    stop.abort()
    await expect(asked).rejects.toMatchObject({ name: 'AbortError' })
    releases.get(1)!()
    await pass(10_000)
    expect(holding.size).toBe(0)
  })
})

describe('channelLocks: the shared event stream without Web Locks', () => {
  it('connects once for seven tabs and relays every event to each', async () => {
    const { connections, logs, unsubscribes } = openTabs(7)
    await pass(2000)
    expect(connections).toHaveLength(1)
    connections[0]!.handlers.onOpen()
    connections[0]!.handlers.onMessage({ event: 'message', data: '{}' })
    await settle()
    for (const [tab, log] of logs) expect(log, `tab ${tab}`).toEqual(['open', 'message {}'])
    for (const unsubscribe of unsubscribes.values()) unsubscribe()
    await settle()
  })

  it('goes back to one connection when late claims let two tabs lead: one steps down and follows', async () => {
    const { connections, streams, logs, unsubscribes } = openTabs(3)
    await pass(2000)
    expect(connections).toHaveLength(1)
    const first = connections[0]!.tab
    const others = [1, 2, 3].filter((tab) => tab !== first)
    connections[0]!.handlers.onOpen()
    await settle()

    // The leader tab goes; the two waiting tabs claim at once, and each one's claim and word that
    // it holds reach the other only after the window: both hold the lock and connect.
    bus.late = (message) => ['claim', 'held'].includes((message as { kind?: string }).kind ?? '')
    unsubscribes.get(first)!()
    unsubscribes.delete(first)
    await pass(1000)
    const leading = () => others.filter((tab) => streams.get(tab)!.isLeader)
    expect(leading()).toEqual(others)
    bus.late = null
    bus.deliverLate()
    const later = () => connections.filter((c) => c.tab !== first)
    for (const connection of later()) connection.handlers.onOpen()
    await pass(2000)

    // One stepped down: one connection is left, and both tabs get its events.
    expect(leading()).toHaveLength(1)
    const open = later().filter((c) => !c.closed)
    expect(open).toHaveLength(1)
    expect(open[0]!.tab).toBe(leading()[0])
    open[0]!.handlers.onMessage({ event: 'clock', data: '{"now":1}' })
    await settle()
    for (const tab of others) {
      expect(logs.get(tab)!.at(-1), `tab ${tab}`).toBe('clock {"now":1}')
      expect(logs.get(tab)!.filter((entry) => entry === 'clock {"now":1}')).toHaveLength(1)
    }
    // And it stays one: the tab that stepped down waits for the lock and does not connect again.
    await pass(10_000)
    expect(later().filter((c) => !c.closed)).toHaveLength(1)
    for (const unsubscribe of unsubscribes.values()) unsubscribe()
    await settle()
  })
})
