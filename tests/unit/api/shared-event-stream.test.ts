import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  SharedEventStream,
  type ConnectionHandlers,
  type SharedStreamEnvironment,
} from '@/api/event-stream'
import { settle } from './support/sse'
import { FakeBus, FakeLocks } from './support/tabs'

interface Tab {
  id: number
  stream: SharedEventStream
  /** The connections this tab opened (as leader). */
  connections: { handlers: ConnectionHandlers; closed: boolean }[]
  /** How often this tab's app was told the token was refused. */
  refused: number
  /** The token each refusal was for, as the leader named it (undefined: this tab's own). */
  refusedMarks: (string | undefined)[]
  /** The mark of the access token this tab uses. */
  token: string
  /** What this tab's subscriber heard, in order. */
  log: string[]
  unsubscribe: () => void
}

let locks: FakeLocks
let bus: FakeBus
let tabs: Tab[] = []

function world(): void {
  locks = new FakeLocks()
  bus = new FakeBus()
  tabs = []
}

function openTab(options: { share?: boolean; subscribe?: boolean } = {}): Tab {
  const id = tabs.length + 1
  const share = options.share ?? true
  const tab = {
    id,
    connections: [],
    refused: 0,
    refusedMarks: [],
    token: 'mark-1',
    log: [],
    unsubscribe: () => undefined,
  } as Omit<Tab, 'stream'> as Tab
  const env: SharedStreamEnvironment = {
    locks: share ? locks.forTab(id) : null,
    createChannel: share ? bus.forTab(id) : null,
    connect(handlers) {
      const connection = { handlers, closed: false }
      tab.connections.push(connection)
      return { close: () => (connection.closed = true) }
    },
    onRefused: (mark) => {
      tab.refused++
      tab.refusedMarks.push(mark)
    },
  }
  // The limits of a silent leader (5 s by default) are no subject here: a busy machine must not
  // reach them while a test runs.
  tab.stream = new SharedEventStream('sandbox/__admin/events', env, {
    answerWithinMs: 60_000,
    connectWithinMs: 60_000,
  })
  tabs.push(tab)
  if (options.subscribe ?? true) subscribe(tab)
  return tab
}

function subscribe(tab: Tab): () => void {
  const unsubscribe = tab.stream.subscribe({
    onMessage: (m) => tab.log.push(`${m.event} ${m.data}`),
    onOpen: () => tab.log.push('open'),
    onLost: () => tab.log.push('lost'),
  })
  tab.unsubscribe = unsubscribe
  return unsubscribe
}

/** The browser closes the tab: no goodbye, its lock and channel go. */
function crash(tab: Tab): void {
  bus.closeTab(tab.id)
  locks.closeTab(tab.id)
}

function leaders(): number[] {
  return tabs.filter((t) => t.stream.isLeader).map((t) => t.id)
}

function connectionsOpened(): number {
  return tabs.reduce((n, t) => n + t.connections.length, 0)
}

/** The live connection of the leader (the last it opened). */
function live(tab: Tab): ConnectionHandlers {
  const connection = tab.connections.at(-1)
  if (!connection || connection.closed) throw new Error(`tab ${tab.id} holds no connection`)
  return connection.handlers
}

afterEach(() => {
  for (const tab of tabs) tab.unsubscribe()
  tabs = []
})

describe('SharedEventStream: one connection for all the tabs', () => {
  it('connects once for seven tabs and relays every event and the opening to each', async () => {
    world()
    for (let i = 0; i < 7; i++) openTab()
    await settle()
    expect(connectionsOpened()).toBe(1)
    expect(leaders()).toEqual([1])
    expect(locks.holder('verify-desk:event-stream:sandbox/__admin/events')).toBe(1)

    live(tabs[0]!).onOpen()
    live(tabs[0]!).onMessage({ event: 'message', data: '{"to":"447700900001"}' })
    await settle()
    for (const tab of tabs) {
      expect(tab.log, `tab ${tab.id}`).toEqual(['open', 'message {"to":"447700900001"}'])
    }
  })

  it('tells a tab that joins later that the stream is open, so it loads what it shows', async () => {
    world()
    const first = openTab()
    await settle()
    live(first).onOpen()
    const second = openTab()
    await settle()
    expect(second.log).toEqual(['open'])
    // Several subscribers in one tab: still one connection, each told.
    const more: string[] = []
    second.stream.subscribe({ onMessage: () => undefined, onOpen: () => more.push('open') })
    await settle()
    expect(more).toEqual(['open'])
    expect(connectionsOpened()).toBe(1)
  })

  it('passes the connection to a waiting tab when the leader tab stops listening', async () => {
    world()
    const [first, second, third] = [openTab(), openTab(), openTab()]
    await settle()
    live(first!).onOpen()
    await settle()

    first!.unsubscribe()
    await settle()
    expect(first!.connections[0]!.closed).toBe(true)
    expect(leaders()).toEqual([2])
    // Lost meanwhile; open again through the new leader: the tabs reload what they show.
    expect(third!.log).toEqual(['open', 'lost'])
    live(second!).onOpen()
    await settle()
    expect(second!.log).toEqual(['open', 'lost', 'open'])
    expect(third!.log).toEqual(['open', 'lost', 'open'])
    live(second!).onMessage({ event: 'clock', data: '{}' })
    await settle()
    expect(third!.log.at(-1)).toBe('clock {}')
    expect(first!.log).toEqual(['open'])
  })

  it('passes the connection on when the leader tab is closed without a word', async () => {
    world()
    const [first, second] = [openTab(), openTab()]
    await settle()
    live(first!).onOpen()
    await settle()
    crash(first!)
    await settle()
    expect(second!.connections).toHaveLength(1)
    live(second!).onOpen()
    await settle()
    // Lost, then open through another connection: told, to reload what the gap may have hidden.
    expect(second!.log).toEqual(['open', 'lost', 'open'])
  })

  it('tells a waiting tab the stream is open again when a new leader takes over from a crashed one', async () => {
    world()
    const [first, second, third] = [openTab(), openTab(), openTab()]
    await settle()
    live(first!).onOpen()
    await settle()
    expect(third!.log).toEqual(['open'])
    // The leader tab is closed without a goodbye: the third tab hears nothing of it.
    crash(first!)
    await settle()
    expect(second!.connections).toHaveLength(1)
    live(second!).onOpen()
    await settle()
    // Open through another connection: what the gap may have hidden is loaded again.
    expect(third!.log.filter((entry) => entry === 'open')).toHaveLength(2)
    expect(third!.log.at(-1)).toBe('open')
    live(second!).onMessage({ event: 'clock', data: '{}' })
    await settle()
    expect(third!.log.at(-1)).toBe('clock {}')
  })

  it('a tab that stops listening before its turn leaves the queue and never connects', async () => {
    world()
    const [first, second, third] = [openTab(), openTab(), openTab()]
    await settle()
    second!.unsubscribe()
    first!.unsubscribe()
    await settle()
    expect(leaders()).toEqual([3])
    expect(second!.connections).toHaveLength(0)
    expect(third!.connections).toHaveLength(1)
  })

  it('holds no lock and no connection in a tab with no subscriber', async () => {
    world()
    const idle = openTab({ subscribe: false })
    await settle()
    expect(idle.connections).toHaveLength(0)
    expect(locks.holder('verify-desk:event-stream:sandbox/__admin/events')).toBeUndefined()
    const busy = openTab()
    await settle()
    expect(leaders()).toEqual([busy.id])
  })

  it('with Web Locks, a word of the former leader that comes after the lock passed changes no leader', async () => {
    world()
    const first = openTab()
    // A later session id (ids begin with the time).
    await new Promise((resolve) => setTimeout(resolve, 5))
    const second = openTab()
    await settle()
    live(first).onOpen()
    await settle()
    // The leader relays one more event and leaves; the event and its goodbye come late, after the
    // lock has passed and the new leader's connection is open.
    bus.late = (message) => ['event', 'bye'].includes((message as { kind?: string }).kind ?? '')
    live(first).onMessage({ event: 'clock', data: '{}' })
    first.unsubscribe()
    await settle()
    expect(leaders()).toEqual([second.id])
    live(second).onOpen()
    await settle()
    bus.late = null
    bus.deliverLate()
    await settle()
    expect(leaders()).toEqual([second.id])
    expect(second.connections).toHaveLength(1)
    expect(second.connections[0]!.closed).toBe(false)
  })

  it('ignores what a former leader said after the new leader took over', async () => {
    world()
    const [first, second, third] = [openTab(), openTab(), openTab()]
    await settle()
    const old = live(first!)
    old.onOpen()
    await settle()
    first!.unsubscribe()
    await settle()
    live(second!).onOpen()
    await settle()
    expect(third!.log).toEqual(['open', 'lost', 'open'])
    // A late word of the closed connection (delivered after the goodbye) changes nothing.
    old.onLost(1000)
    old.onMessage({ event: 'request', data: 'late' })
    await settle()
    expect(third!.log).toEqual(['open', 'lost', 'open'])
  })
})

describe('SharedEventStream: the connection lost or refused', () => {
  it('tells every tab when the stream drops and when it is back', async () => {
    world()
    const [first, second] = [openTab(), openTab()]
    await settle()
    live(first!).onOpen()
    live(first!).onLost(3000)
    await settle()
    live(first!).onOpen()
    await settle()
    expect(second!.log).toEqual(['open', 'lost', 'open'])
    expect(first!.log).toEqual(['open', 'lost', 'open'])
  })

  it('tells a page that starts listening while the stream is lost that it is lost, then back', async () => {
    world()
    const [first, second] = [openTab(), openTab()]
    await settle()
    live(first!).onOpen()
    live(first!).onLost(3000)
    await settle()
    // History holds the stream in both tabs; a request page opens in each now.
    const heard = [first!, second!].map((tab) => {
      const log: string[] = []
      tab.stream.subscribe({
        onMessage: () => undefined,
        onOpen: () => log.push('open'),
        onLost: () => log.push('lost'),
      })
      return log
    })
    await settle()
    expect(heard).toEqual([['lost'], ['lost']])
    live(first!).onOpen()
    await settle()
    expect(heard).toEqual([
      ['lost', 'open'],
      ['lost', 'open'],
    ])
    expect(connectionsOpened()).toBe(1)
  })

  it('brings up the token prompt in every listening tab when the token is refused', async () => {
    world()
    const [first, second, third] = [openTab(), openTab(), openTab()]
    await settle()
    live(first!).onRefused(first!.token)
    await settle()
    expect(tabs.map((t) => t.refused)).toEqual([1, 1, 1])
    expect(second!.log).toEqual(['lost'])
    // Refused again with the next token: asked again.
    live(first!).onRefused(first!.token)
    await settle()
    expect(tabs.map((t) => t.refused)).toEqual([2, 2, 2])
    // A tab opened meanwhile asks too, rather than wait for a stream that cannot open.
    const late = openTab()
    await settle()
    expect(late.refused).toBe(1)
    // The leader reopens with a new token (its connection's own doing): every tab reloads.
    live(first!).onOpen()
    await settle()
    expect(third!.log).toEqual(['lost', 'open'])
    expect(late.log).toEqual(['lost', 'open'])
  })

  it('names the refused token to the other tabs, so one that has a newer token can ignore it', async () => {
    world()
    const [first, second] = [openTab(), openTab()]
    await settle()
    first!.token = 'mark-old'
    live(first!).onRefused('mark-old')
    await settle()
    // The leader's own refusal names its token; the others hear which token it was.
    expect(first!.refusedMarks).toEqual(['mark-old'])
    expect(second!.refusedMarks).toEqual(['mark-old'])
    // A tab joining while the leader still stands refused hears the same mark, even when the
    // leader has taken a new token over meanwhile (not tried yet: it was not refused).
    first!.token = 'mark-new'
    const late = openTab()
    await settle()
    expect(late.refusedMarks).toEqual(['mark-old'])
  })

  it('names the token the refused try carried, here and to every tab, not the one in use since', async () => {
    world()
    const [first, second] = [openTab(), openTab()]
    await settle()
    // The connection names the token it was refused; this tab has another one by the time it says so.
    first!.token = 'mark-now'
    live(first!).onRefused('mark-sent')
    await settle()
    expect(first!.refusedMarks).toEqual(['mark-sent'])
    expect(second!.refusedMarks).toEqual(['mark-sent'])
    const late = openTab()
    await settle()
    expect(late.refusedMarks).toEqual(['mark-sent'])
  })

  it('keeps a connection per tab where Web Locks or BroadcastChannel are missing', async () => {
    world()
    const [first, second] = [openTab({ share: false }), openTab({ share: false })]
    await settle()
    expect(first!.connections).toHaveLength(1)
    expect(second!.connections).toHaveLength(1)
    live(first!).onOpen()
    live(first!).onMessage({ event: 'reset', data: '{}' })
    await settle()
    expect(first!.log).toEqual(['open', 'reset {}'])
    expect(second!.log).toEqual([])
    expect(bus.posted).toEqual([])
    live(second!).onRefused(second!.token)
    expect(second!.refused).toBe(1)
    expect(first!.refused).toBe(0)
  })

  it('survives a subscriber that throws', async () => {
    world()
    const tab = openTab()
    const after = vi.fn()
    tab.stream.subscribe({
      onMessage: () => {
        throw new Error('boom')
      },
    })
    tab.stream.subscribe({ onMessage: after })
    await settle()
    live(tab).onMessage({ event: 'clock', data: '{}' })
    expect(after).toHaveBeenCalledTimes(1)
  })
})

describe('SharedEventStream: a page that listens again at once', () => {
  it('keeps the connection when the last subscriber goes and another comes in the same task', async () => {
    world()
    const tab = openTab()
    const other = openTab()
    await settle()
    live(tab).onOpen()
    await settle()
    // A view mounted again (e.g. after the token came from another tab): off, then on again.
    tab.unsubscribe()
    subscribe(tab)
    await settle()
    expect(tab.connections).toHaveLength(1)
    expect(tab.connections[0]!.closed).toBe(false)
    expect(tab.log).toEqual(['open', 'open'])
    expect(other.log).toEqual(['open'])
    expect(leaders()).toEqual([tab.id])
  })
})
