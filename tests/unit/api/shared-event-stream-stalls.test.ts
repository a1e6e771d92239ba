import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  SharedEventStream,
  type ChannelLike,
  type ConnectionHandlers,
  type LockManagerLike,
} from '@/api/event-stream'
import { settle } from './support/sse'
import { FakeBus } from './support/tabs'

// The ways a tab could wait for the shared stream for good, saying nothing: no answer to its
// `hello`, a lock request that failed or was never granted, a leader tab that froze holding the
// lock, a leader whose connection never opens.

const LOCK = 'verify-desk:event-stream:sandbox/__admin/events'

interface Request {
  tab: number
  callback: (lock: unknown) => Promise<void>
  resolve: (value: unknown) => void
  reject: (reason: unknown) => void
  /** Never granted, though the lock is free (as a browser that lost track of it). */
  stuck: boolean
}

/**
 * The browser's Web Locks for one lock name, with what goes wrong: a request the browser rejects
 * (`rejectNext`), pending requests it never grants (`stickPending`), and `steal`.
 */
class Locks {
  holder: { tab: number; request: Request; release: () => void } | null = null
  queue: Request[] = []
  private rejecting = new Set<number>()

  forTab(tab: number): LockManagerLike {
    return {
      request: (_name, options, callback) =>
        new Promise((resolve, reject) => {
          const request: Request = { tab, callback, resolve, reject, stuck: false }
          if (this.rejecting.delete(tab)) {
            reject(new DOMException('The request was aborted.', 'AbortError'))
            return
          }
          if (options.steal) {
            const held = this.holder
            this.holder = null
            held?.request.reject(new DOMException('The lock was stolen.', 'AbortError'))
            this.queue.unshift(request)
            this.grant()
            return
          }
          options.signal?.addEventListener('abort', () => {
            const at = this.queue.indexOf(request)
            if (at === -1) return
            this.queue.splice(at, 1)
            reject(new DOMException('The request was aborted.', 'AbortError'))
          })
          this.queue.push(request)
          this.grant()
        }),
    }
  }

  /** The next request of `tab` fails (the browser aborts it). */
  rejectNext(tab: number): void {
    this.rejecting.add(tab)
  }

  /** The pending requests of `tab` stay pending for good, even with the lock free. */
  stickPending(tab: number): void {
    for (const request of this.queue) if (request.tab === tab) request.stuck = true
  }

  /** The tab is closed: its lock is let go, its requests leave the queue. */
  closeTab(tab: number): void {
    this.queue = this.queue.filter((request) => request.tab !== tab)
    if (this.holder?.tab === tab) this.holder.release()
  }

  pendingTabs(): number[] {
    return this.queue.map((request) => request.tab)
  }

  private grant(): void {
    if (this.holder) return
    const request = this.queue.find((entry) => !entry.stuck)
    if (!request) return
    this.queue.splice(this.queue.indexOf(request), 1)
    let released = false
    const release = () => {
      if (released) return
      released = true
      if (this.holder?.request === request) this.holder = null
      this.grant()
    }
    this.holder = { tab: request.tab, request, release }
    request.callback({ name: LOCK }).then(
      (value) => {
        release()
        request.resolve(value)
      },
      (error: unknown) => {
        release()
        request.reject(error)
      },
    )
  }
}

interface Tab {
  id: number
  stream: SharedEventStream
  connections: { handlers: ConnectionHandlers; closed: boolean }[]
  log: string[]
  unsubscribe: () => void
}

let locks: Locks
let bus: FakeBus
let tabs: Tab[]
/** Tabs frozen by the browser: nothing they post goes out, nothing posted reaches them. */
let frozen: Set<number>

/** A tab's channel, silent while the tab is frozen. */
function channelOf(id: number): (name: string) => ChannelLike {
  const create = bus.forTab(id)
  return (name) => {
    const inner = create(name)
    const outer: ChannelLike = {
      onmessage: null,
      postMessage: (message) => {
        if (!frozen.has(id)) inner.postMessage(message)
      },
      close: () => inner.close(),
    }
    inner.onmessage = (event) => {
      if (!frozen.has(id)) outer.onmessage?.(event)
    }
    return outer
  }
}

function openTab(): Tab {
  const id = tabs.length + 1
  const tab: Tab = {
    id,
    connections: [],
    log: [],
    unsubscribe: () => undefined,
    stream: null as unknown as SharedEventStream,
  }
  tab.stream = new SharedEventStream('sandbox/__admin/events', {
    locks: locks.forTab(id),
    createChannel: channelOf(id),
    connect(handlers) {
      const connection = { handlers, closed: false }
      tab.connections.push(connection)
      return { close: () => (connection.closed = true) }
    },
    onRefused: () => undefined,
  })
  tab.unsubscribe = tab.stream.subscribe({
    onMessage: (m) => tab.log.push(`${m.event} ${m.data}`),
    onOpen: () => tab.log.push('open'),
    onLost: (trouble) => tab.log.push(trouble),
  })
  tabs.push(tab)
  return tab
}

function live(tab: Tab): ConnectionHandlers {
  const connection = tab.connections.at(-1)
  if (!connection || connection.closed) throw new Error(`tab ${tab.id} holds no connection`)
  return connection.handlers
}

/** The browser closes the tab: no goodbye; its lock, channel and connection go. */
function crash(tab: Tab): void {
  locks.closeTab(tab.id)
  bus.closeTab(tab.id)
  for (const connection of tab.connections) connection.closed = true
}

function openConnections(): number {
  return tabs.reduce((n, tab) => n + tab.connections.filter((c) => !c.closed).length, 0)
}

/** Moves the clock in steps of 100 ms, letting the messages through between them. */
async function pass(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    await vi.advanceTimersByTimeAsync(Math.min(100, ms - t))
    await settle(3)
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  locks = new Locks()
  bus = new FakeBus()
  tabs = []
  frozen = new Set()
})
afterEach(() => {
  for (const tab of tabs) tab.unsubscribe()
  vi.useRealTimers()
})

describe('SharedEventStream: no tab waits for the stream for good without a word', () => {
  it("a tab whose hello got no answer asks again, and is told the leader's open stream", async () => {
    const first = openTab()
    await settle()
    live(first).onOpen()
    await settle()
    // The second tab's first hello is lost; the open stream sends nothing for a long while.
    let hellos = 0
    bus.late = (message) => (message as { kind?: string }).kind === 'hello' && hellos++ === 0
    const second = openTab()
    await pass(12_000)
    // Told it is lost while no leader answered, then open: it reloads what it shows.
    expect(second.log).toEqual(['lost', 'open'])
    expect(openConnections()).toBe(1)
  })

  it('the only tab, whose lock request the browser aborted, says the stream is lost, asks again and connects', async () => {
    locks.rejectNext(1)
    const tab = openTab()
    await pass(2000)
    expect(tab.connections).toHaveLength(0)
    await pass(5000)
    expect(tab.log).toEqual(['lost'])
    expect(tab.connections).toHaveLength(1)
    live(tab).onOpen()
    await settle()
    expect(tab.log).toEqual(['lost', 'open'])
  })

  it('a waiting tab whose lock request failed takes over when the leader goes', async () => {
    const first = openTab()
    await settle()
    live(first).onOpen()
    locks.rejectNext(2)
    const second = openTab()
    await pass(12_000)
    expect(second.log).toEqual(['open'])
    // The leader's page stops listening: the lock is free, and nobody else is waiting for it.
    first.unsubscribe()
    await pass(6000)
    expect(second.stream.isLeader).toBe(true)
    expect(second.connections).toHaveLength(1)
    live(second).onOpen()
    await settle()
    expect(second.log).toEqual(['open', 'lost', 'open'])
  })

  it('a tab whose lock request stays pending with the lock free (held by nobody) asks again and leads', async () => {
    const first = openTab()
    const second = openTab()
    await settle()
    live(first).onOpen()
    await settle()
    expect(second.log).toEqual(['open'])
    // The browser loses track of the waiting request, and the leader tab is closed without a word.
    locks.stickPending(2)
    crash(first)
    await settle()
    expect(locks.holder).toBeNull()
    expect(locks.pendingTabs()).toEqual([2])
    await pass(11_000)
    expect(second.log).toEqual(['open', 'lost'])
    expect(second.stream.isLeader).toBe(true)
    live(second).onOpen()
    await settle()
    expect(second.log).toEqual(['open', 'lost', 'open'])
    expect(openConnections()).toBe(1)
  })

  it('a tab whose leader froze holding the lock says the stream is lost, then takes the lock over; the leader steps down when it wakes', async () => {
    const first = openTab()
    const second = openTab()
    await settle()
    live(first).onOpen()
    await settle()
    expect(second.log).toEqual(['open'])
    frozen.add(first.id)
    await pass(11_000)
    expect(second.log).toEqual(['open', 'lost'])
    await pass(10_000)
    expect(second.stream.isLeader).toBe(true)
    expect(second.connections).toHaveLength(1)
    live(second).onOpen()
    live(second).onMessage({ event: 'clock', data: '{}' })
    await settle()
    expect(second.log).toEqual(['open', 'lost', 'open', 'clock {}'])
    // The frozen tab wakes: its lock was taken, so it closes its connection and follows.
    frozen.delete(first.id)
    await pass(6000)
    expect(first.stream.isLeader).toBe(false)
    expect(first.connections[0]!.closed).toBe(true)
    expect(openConnections()).toBe(1)
    live(second).onMessage({ event: 'clock', data: '{"n":2}' })
    await settle()
    expect(first.log.at(-1)).toBe('clock {"n":2}')
  })

  it('every tab is told the stream is lost when the leader connection does not open in time', async () => {
    const first = openTab()
    const second = openTab()
    await pass(4000)
    expect([first.log, second.log]).toEqual([[], []])
    await pass(2000)
    expect([first.log, second.log]).toEqual([['lost'], ['lost']])
    // A tab that joins now hears it at once.
    const third = openTab()
    await settle()
    expect(third.log).toEqual(['lost'])
    live(first).onOpen()
    await settle()
    expect(tabs.map((tab) => tab.log)).toEqual([
      ['lost', 'open'],
      ['lost', 'open'],
      ['lost', 'open'],
    ])
    expect(openConnections()).toBe(1)
  })
})
