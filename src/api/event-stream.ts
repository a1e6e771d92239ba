/**
 * A Server-Sent Events stream below `/api` (the sandbox's live events), read with a streamed fetch
 * and shared by every tab of this browser.
 *
 * - `connectEventStream()`: one connection. The access token travels in its header (never in the
 *   URL, which access logs and HAR files keep); the text/event-stream is parsed as it arrives; after
 *   a network error or a dropped stream it connects again by itself, waiting longer each time (from
 *   the server's `retry:` or 1 s, doubling up to 30 s); after a 401 it waits for a new access token
 *   (typed in this tab or taken over from another one) and then tries again at once. An open
 *   stream on which nothing at all arrives (no event, not even a keep-alive comment) for longer
 *   than its silence limit counts as dropped: a half-open connection, a proxy that stopped
 *   forwarding or a laptop woken from sleep would otherwise look open for good.
 * - `SharedEventStream`: one connection per browser profile and origin, however many tabs are open.
 *   Browsers allow six HTTP/1.1 connections per host across all tabs, and a stream holds one for
 *   good: six tabs with a stream each would leave none for the API calls. The tabs that listen elect
 *   a leader with the Web Locks API (the lock is held while the leader has subscribers, and passes
 *   to a waiting tab when it closes); the leader alone connects and relays the events and the
 *   connection's state (open, lost, refused) to the others over a BroadcastChannel. Web Locks exist
 *   only in secure contexts: over plain HTTP the lock is one kept over a BroadcastChannel
 *   (tab-lock.ts). Without BroadcastChannel, each tab keeps a connection of its own.
 */
import { createParser } from 'eventsource-parser'
import {
  getAccessToken,
  isApiError,
  isTokenInUse,
  isTokenRefusal,
  onAccessTokenChange,
  openApiStream,
  reportTokenRefused,
  tokenMarkOf,
} from './client'
import { channelLocks } from './tab-lock'

/** One event as the server sent it: its `event:` name (`message` without one) and raw `data:`. */
export interface StreamMessage {
  event: string
  data: string
}

/** The stream as a tab knows it. */
export type StreamState = 'connecting' | 'open' | 'lost' | 'refused'

export interface ConnectionHandlers {
  /** Connected (again): what happened meanwhile was not seen. */
  onOpen(): void
  onMessage(message: StreamMessage): void
  /** The connection failed or dropped; it is tried again in `retryInMs`. */
  onLost(retryInMs: number): void
  /**
   * The server refused the access token (401): tried again once a new token is set. `tokenMark`
   * names the token refused (`tokenMarkOf`): the one the refused try carried.
   */
  onRefused(tokenMark: string): void
}

export interface ConnectionOptions {
  /** Opens the stream: resolves with the response once its headers arrived, throws `ApiError`. */
  open(signal: AbortSignal): Promise<Response>
  /** Subscribes to changes of the access token; returns the unsubscribe function. */
  onTokenChange(listener: () => void): () => void
  /** The wait before the first try again, until the server sets one with `retry:`. @default 1000 */
  retryMs?: number
  /** The longest wait between two tries (unless the server's `retry:` is longer). @default 30000 */
  maxRetryMs?: number
  /** Spreads the waits of many browsers after a server restart. @default Math.random */
  random?: () => number
  /**
   * How long a try waits for the answer's headers before it gives up and counts as failed (a
   * request the server or a proxy holds without answering would otherwise leave the stream
   * connecting for good). @default 20000
   */
  openWithinMs?: number
  /**
   * How long an open stream may stay silent (no byte at all: no event, no comment) before it is
   * taken for dropped: closed, reported lost and connected again after the usual wait. The sandbox
   * sends a `: keep-alive` comment every 15 s, so the default lets two of them go missing (a busy
   * server, a slow network) before the third is awaited for good. A server that announces its
   * keep-alive period (a comment `keep-alive every N ms`, as the sandbox's stream begins) gets at
   * least three of its periods, so a server set to send keep-alives less often is never taken for
   * silent between two of them. @default 45000
   */
  silenceLimitMs?: number
}

/** The comment with which a stream announces how often it sends a keep-alive (in ms). */
const KEEP_ALIVE_ANNOUNCEMENT = /^\s*keep-alive every (\d+) ms\s*$/
/** How many announced keep-alive periods an open stream may stay silent, at the least. */
const SILENT_PERIODS = 3

export interface Connection {
  close(): void
}

function safely(run: () => void): void {
  try {
    run()
  } catch {
    // One listener's failure never stops the stream or the other listeners.
  }
}

/** Opens one connection to an event stream; see the module comment. */
export function connectEventStream(
  handlers: ConnectionHandlers,
  options: ConnectionOptions,
): Connection {
  const maxRetryMs = options.maxRetryMs ?? 30_000
  const random = options.random ?? Math.random
  const openWithinMs = options.openWithinMs ?? 20_000
  const silenceLimitMs = options.silenceLimitMs ?? 45_000
  let retryMs = options.retryMs ?? 1000
  /** Tries that failed in a row (since the last open). */
  let failures = 0
  let closed = false
  let controller: AbortController | null = null
  let cancelRead: (() => void) | null = null
  /** Ends the current wait (set while waiting). */
  let wake: (() => void) | null = null
  /** Drops the open stream once it has been silent too long (set while a stream is read). */
  let silence: ReturnType<typeof setTimeout> | null = null

  function stopSilenceTimer(): void {
    if (silence !== null) clearTimeout(silence)
    silence = null
  }

  // A new token is tried at once, whether the last one was refused or the server was unreachable.
  const stopTokenChange = options.onTokenChange(() => {
    failures = 0
    wake?.()
  })

  function wait(ms: number | null): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === null ? null : setTimeout(() => wake?.(), ms)
      wake = () => {
        wake = null
        if (timer !== null) clearTimeout(timer)
        resolve()
      }
    })
  }

  function nextDelay(): number {
    const cap = Math.max(maxRetryMs, retryMs)
    const base = Math.min(cap, retryMs * 2 ** Math.min(failures, 16))
    failures++
    return Math.round(base * (1 + 0.2 * random()))
  }

  async function read(body: ReadableStream<Uint8Array>, attempt: AbortController): Promise<void> {
    /** The silence limit of this stream: longer once the server announced a long keep-alive. */
    let limitMs = silenceLimitMs
    // Silent too long: dropped (the read ends, and `run` goes on as after a drop).
    const listen = () => {
      stopSilenceTimer()
      silence = setTimeout(() => {
        silence = null
        cancelRead?.()
        attempt.abort()
      }, limitMs)
    }
    const parser = createParser({
      onEvent(message) {
        if (closed) return
        safely(() => handlers.onMessage({ event: message.event ?? 'message', data: message.data }))
      },
      onRetry(ms) {
        if (Number.isFinite(ms) && ms >= 0) retryMs = ms
      },
      onComment(comment) {
        const period = KEEP_ALIVE_ANNOUNCEMENT.exec(comment)
        if (!period) return
        // Capped where a timer would fire at once instead (past 2^31 - 1 ms).
        limitMs = Math.min(
          2_147_483_647,
          Math.max(silenceLimitMs, SILENT_PERIODS * Number(period[1])),
        )
        listen()
      },
    })
    const decoder = new TextDecoder()
    const reader = body.getReader()
    cancelRead = () => void reader.cancel().catch(() => undefined)
    listen()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done || closed) return
        // Any byte proves the connection alive, a keep-alive comment as much as an event.
        listen()
        parser.feed(decoder.decode(value, { stream: true }))
      }
    } finally {
      stopSilenceTimer()
      cancelRead = null
    }
  }

  async function run(): Promise<void> {
    while (!closed) {
      const attempt = new AbortController()
      controller = attempt
      // Unanswered in time: given up, and tried again after the usual wait.
      const giveUp = setTimeout(() => attempt.abort(), openWithinMs)
      try {
        const response = await options.open(attempt.signal).finally(() => clearTimeout(giveUp))
        if (closed) {
          void response.body?.cancel().catch(() => undefined)
          return
        }
        const type = response.headers.get('content-type') ?? ''
        if (!response.body || !type.includes('text/event-stream')) {
          void response.body?.cancel().catch(() => undefined)
          throw new Error(`not an event stream (${type || 'no content type'})`)
        }
        failures = 0
        safely(() => handlers.onOpen())
        await read(response.body, attempt)
      } catch (error) {
        if (closed) return
        if (isApiError(error) && isTokenRefusal(error)) {
          // `openApiStream` names the token each refusal was for; one that names none was for the
          // token in use now.
          const refused = error.tokenMark ?? tokenMarkOf(getAccessToken())
          // Refused a token replaced meanwhile: the new one is tried at once, unannounced.
          if (!isTokenInUse(refused)) continue
          safely(() => handlers.onRefused(refused))
          await wait(null)
          continue
        }
      }
      if (closed) return
      const delay = nextDelay()
      safely(() => handlers.onLost(delay))
      await wait(delay)
    }
  }

  void run()

  return {
    close() {
      if (closed) return
      closed = true
      stopSilenceTimer()
      stopTokenChange()
      controller?.abort()
      cancelRead?.()
      wake?.()
    },
  }
}

/**
 * Why the stream is away: `lost` when the connection failed or dropped (a network problem, the
 * server away; tried again after a wait), `refused` when the server refused the access token
 * (tried again once a new token is set: the app asks for it).
 */
export type StreamTrouble = 'lost' | 'refused'

/** What a tab listening to a shared stream is told. */
export interface StreamSubscriber {
  onMessage(message: StreamMessage): void
  /** Connected, or connected again (maybe through another tab): reload what may have been missed. */
  onOpen?(): void
  /**
   * No live updates reach this tab (`lost`: the connection failed, dropped or does not open, or
   * the tab that holds it is silent or gone), or the access token was refused (`refused`);
   * `trouble` says which, and is told again when it turns into the other. Tried again by itself.
   */
  onLost?(trouble: StreamTrouble): void
}

/** The part of the Web Locks API used here (`navigator.locks`). */
export interface LockManagerLike {
  /**
   * Whether two tabs may hold the lock at once for a moment (the lock kept over a BroadcastChannel,
   * when its messages come late): the shared stream then lets the later leader step down. Never so
   * for the browser's Web Locks.
   */
  readonly mayOverlap?: boolean
  /**
   * `steal` takes the lock from its holder at once (the holder's request then fails with an
   * AbortError); it cannot go with a `signal`. A stand-in may ignore it.
   */
  request(
    name: string,
    options: { signal?: AbortSignal; steal?: boolean },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>
}

/** The part of `BroadcastChannel` used here. */
export interface ChannelLike {
  onmessage: ((event: MessageEvent) => void) | null
  postMessage(message: unknown): void
  close(): void
}

export interface SharedStreamEnvironment {
  /** `navigator.locks`, or null where the browser has none (each tab then connects on its own). */
  locks: LockManagerLike | null
  /** Opens a BroadcastChannel, or null where the browser has none. */
  createChannel: ((name: string) => ChannelLike) | null
  /** Opens this tab's connection (the leader's). */
  connect(handlers: ConnectionHandlers): Connection
  /**
   * Tells this tab's app that the server refused the access token named by `tokenMark`: this
   * tab's connection's, or relayed from the leader. Ignored when this tab's token is another one
   * by now (`isTokenInUse`: entered here, or taken over from a tab that entered a new token, say).
   */
  onRefused(tokenMark: string): void
  /** Adds a `pagehide` listener (the leader says it is going); returns its removal. */
  onPageHide?(listener: () => void): () => void
}

/** How long the tabs wait for one another (tests shorten or lengthen them). */
export interface SharedStreamTiming {
  /**
   * How often a tab that does not lead asks the leader for the stream's state (`hello`), and how
   * long it waits for a word from it: a tab that hears no leader (none is there, it is frozen or
   * gone without a word, the lock did not come) tells its subscribers the stream is lost and asks
   * for the lock again. @default 5000
   */
  answerWithinMs?: number
  /**
   * How many such waits in a row go unanswered before the tab takes the lock from its holder
   * (one that holds it and says nothing: a frozen tab). @default 3
   */
  stealAfter?: number
  /**
   * How long the leader's connection may take to open before every tab is told it is lost.
   * @default 5000
   */
  connectWithinMs?: number
}

/** What the tabs say to one another. */
type RelayMessage =
  | { kind: 'hello' }
  | { kind: 'state'; leader: string; state: StreamState; token?: string }
  | { kind: 'event'; leader: string; event: string; data: string }
  /** The leader closed its connection and gave up the lock (its tab closes or stops listening). */
  | { kind: 'bye'; leader: string }

function isRelayMessage(value: unknown): value is RelayMessage {
  if (typeof value !== 'object' || value === null) return false
  const kind = (value as { kind?: unknown }).kind
  return kind === 'hello' || kind === 'state' || kind === 'event' || kind === 'bye'
}

interface Session {
  id: string
  leader: boolean
  channel: ChannelLike | null
  connection: Connection | null
  /** Leaves the lock's queue (while waiting for it): the request for the lock made last. */
  abort: AbortController
  /** Releases the lock (once held). */
  release: (() => void) | null
  stopPageHide: (() => void) | null
  /** A leader spoke (its state or an event) since this tab last asked. */
  heard: boolean
  /** How many times in a row this tab asked and no leader spoke. */
  unanswered: number
  /** The next check (a follower's `hello`, or the leader's opening deadline). */
  timer: ReturnType<typeof setTimeout> | null
}

let nextSessionNumber = 1

function newSessionId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}-${nextSessionNumber++}`
}

/** One stream shared by this tab's subscribers and, through a leader tab, by every tab. */
export class SharedEventStream {
  private readonly subscribers = new Set<StreamSubscriber>()
  private session: Session | null = null
  private state: StreamState = 'connecting'
  /** The session whose connection `state` describes. */
  private leaderId: string | null = null
  /** Leaders that said goodbye: what they sent arriving late (after the next leader's) is ignored. */
  private readonly retired = new Set<string>()
  /**
   * As leader, the mark of the token the server refused (the one the refused try carried): a tab
   * that asks later is told about that token, not about one set here since (not yet tried).
   */
  private refusedMark: string | undefined
  private readonly answerWithinMs: number
  private readonly stealAfter: number
  private readonly connectWithinMs: number

  constructor(
    private readonly name: string,
    private readonly env: SharedStreamEnvironment,
    timing: SharedStreamTiming = {},
  ) {
    this.answerWithinMs = timing.answerWithinMs ?? 5000
    this.stealAfter = timing.stealAfter ?? 3
    this.connectWithinMs = timing.connectWithinMs ?? 5000
  }

  private get lockName(): string {
    return `verify-desk:event-stream:${this.name}`
  }

  /** Whether this tab holds the connection (tests, diagnostics). */
  get isLeader(): boolean {
    return this.session?.leader === true
  }

  /**
   * Listens to the stream (joining the tabs that share it with the first subscriber); `onOpen` is
   * called at once (in a microtask) when the stream is already open, `onLost` when it is already
   * lost or refused (a page opened while the server is away says so at once). Returns the unsubscribe
   * function: the tab leaves with its last subscriber, unless another one comes in the same task
   * (closing the connection when it held it).
   */
  subscribe(subscriber: StreamSubscriber): () => void {
    this.subscribers.add(subscriber)
    if (!this.session) this.join()
    else if (this.state === 'open' && subscriber.onOpen) {
      queueMicrotask(() => {
        if (this.subscribers.has(subscriber)) safely(() => subscriber.onOpen?.())
      })
    } else if ((this.state === 'lost' || this.state === 'refused') && subscriber.onLost) {
      queueMicrotask(() => {
        const trouble = this.state
        if (trouble === 'open' || trouble === 'connecting') return
        if (this.subscribers.has(subscriber)) safely(() => subscriber.onLost?.(trouble))
      })
    }
    return () => {
      if (!this.subscribers.delete(subscriber)) return
      // Not at once: a page that unsubscribes and subscribes again in the same task (a view
      // mounted again, a move between two pages that listen) keeps the stream.
      if (this.subscribers.size === 0) {
        queueMicrotask(() => {
          if (this.subscribers.size === 0) this.leave()
        })
      }
    }
  }

  private join(): void {
    const session: Session = {
      id: newSessionId(),
      leader: false,
      channel: null,
      connection: null,
      abort: new AbortController(),
      release: null,
      stopPageHide: null,
      heard: false,
      unanswered: 0,
      timer: null,
    }
    this.session = session
    this.state = 'connecting'
    this.leaderId = null
    const { locks, createChannel } = this.env
    if (!locks || !createChannel) {
      this.lead(session)
      return
    }
    const channel = createChannel(this.lockName)
    session.channel = channel
    channel.onmessage = (event) => this.onRelay(session, event.data)
    session.stopPageHide =
      this.env.onPageHide?.(() => {
        // A closing leader says so: the other tabs show the stream as lost until one takes over.
        if (session.leader) this.post(session, { kind: 'bye', leader: session.id })
      }) ?? null
    this.askForLock(session, locks, false)
    // The leader, if any, answers with the stream's state; no answer in time: see `check`.
    this.post(session, { kind: 'hello' })
    this.later(session, this.answerWithinMs)
  }

  /**
   * Queues for the lock (again: the request made before leaves the queue), or takes it from a
   * holder that says nothing (`steal`, Web Locks only). A request that failed while this tab still
   * listens is made again at the next check that hears no leader; a held lock taken by another
   * tab makes this one step down.
   */
  private askForLock(session: Session, locks: LockManagerLike, steal: boolean): void {
    session.abort.abort()
    const ask = new AbortController()
    session.abort = ask
    const granted = () => {
      // A request left or replaced meanwhile (its grant crossed the abort) lets the lock go.
      if (this.session !== session || session.abort !== ask || session.leader) {
        return Promise.resolve()
      }
      return new Promise<void>((resolve) => {
        session.release = resolve
        this.lead(session)
      })
    }
    let request: Promise<unknown>
    try {
      request = locks.request(this.lockName, steal ? { steal } : { signal: ask.signal }, granted)
    } catch (error) {
      request = Promise.reject(error)
    }
    request.catch(() => {
      // Left the queue (the last subscriber went, or asked again) before the lock came.
      if (this.session !== session || session.abort !== ask || ask.signal.aborted) return
      // Held, then taken by another tab (which heard nothing from this one): it leads now.
      if (session.leader) this.stepDown()
    })
  }

  private later(session: Session, ms: number): void {
    if (session.timer !== null) clearTimeout(session.timer)
    session.timer = setTimeout(() => {
      session.timer = null
      this.check(session)
    }, ms)
  }

  /**
   * A follower asks the leader again for the stream's state, and when no leader spoke since it
   * last asked, tells its subscribers the stream is lost and asks for the lock again (taking it
   * after `stealAfter` silent waits); the leader tells every tab its connection is lost when it
   * has not opened in time.
   */
  private check(session: Session): void {
    if (this.session !== session) return
    if (session.leader) {
      if (this.state === 'connecting') this.announce(session, 'lost')
      return
    }
    const locks = this.env.locks
    if (!locks) return
    if (session.heard) {
      session.unanswered = 0
    } else {
      session.unanswered++
      this.setState('lost', this.leaderId ?? session.id)
      this.askForLock(session, locks, !locks.mayOverlap && session.unanswered >= this.stealAfter)
    }
    session.heard = false
    this.post(session, { kind: 'hello' })
    this.later(session, this.answerWithinMs)
  }

  private leave(): void {
    const session = this.session
    if (!session) return
    this.session = null
    this.state = 'connecting'
    this.leaderId = null
    if (session.timer !== null) clearTimeout(session.timer)
    session.timer = null
    session.stopPageHide?.()
    if (session.leader) {
      session.connection?.close()
      this.post(session, { kind: 'bye', leader: session.id })
    }
    session.abort.abort()
    session.release?.()
    session.channel?.close()
  }

  /** Gives the connection up to another leader and waits for the lock again, as a follower. */
  private stepDown(): void {
    this.leave()
    this.join()
  }

  /** Becomes the tab that connects (it holds the lock, or there is no sharing). */
  private lead(session: Session): void {
    session.leader = true
    // The connection that served this tab so far (another tab's) is gone: lost until this one opens.
    if (this.state === 'open') this.setState('lost', session.id)
    // The other tabs hear at once that a leader is there (a refusal is said by its connection, which
    // names the token); all hear the stream lost if it does not open in time.
    if (this.state !== 'refused') this.post(session, this.stateMessage(session, this.state))
    this.later(session, this.connectWithinMs)
    const report = (state: StreamState, tokenMark?: string) => {
      if (this.session !== session) return
      this.refusedMark = state === 'refused' ? tokenMark : undefined
      this.announce(session, state)
      if (state === 'refused' && tokenMark !== undefined) this.env.onRefused(tokenMark)
    }
    session.connection = this.env.connect({
      onOpen: () => report('open'),
      onLost: () => report('lost'),
      onRefused: (tokenMark) => report('refused', tokenMark),
      onMessage: (message) => {
        if (this.session !== session) return
        this.post(session, { kind: 'event', leader: session.id, ...message })
        this.dispatch(message)
      },
    })
  }

  /** The leader's state, here and to the other tabs. */
  private announce(session: Session, state: StreamState): void {
    this.post(session, this.stateMessage(session, state))
    this.setState(state, session.id)
  }

  /** The leader's state for the other tabs; a refusal names the token it was for. */
  private stateMessage(session: Session, state: StreamState): RelayMessage {
    const token = state === 'refused' ? this.refusedMark : undefined
    return {
      kind: 'state',
      leader: session.id,
      state,
      ...(token === undefined ? {} : { token }),
    }
  }

  private post(session: Session, message: RelayMessage): void {
    try {
      session.channel?.postMessage(message)
    } catch {
      // A closed channel: nobody left to tell.
    }
  }

  private onRelay(session: Session, message: unknown): void {
    if (this.session !== session || !isRelayMessage(message)) return
    if (message.kind === 'hello') {
      if (session.leader) this.post(session, this.stateMessage(session, this.state))
      return
    }
    if (session.leader) {
      // Two leaders: the lock kept over a BroadcastChannel lets a claim through when its messages
      // come late (a busy machine). Both hear each other; the later session steps down and queues
      // again, so the browser is back to one connection at once instead of when a tab closes.
      if (!this.env.locks?.mayOverlap) return
      const other = message.kind === 'state' || message.kind === 'event' ? message.leader : null
      if (other !== null && !this.retired.has(other) && other < session.id) this.stepDown()
      return
    }
    if (message.kind === 'bye') {
      this.retired.add(message.leader)
      // Lost until a waiting tab takes the lock and connects (none in time: see `check`).
      if (message.leader === this.leaderId) {
        session.heard = false
        this.setState('lost', message.leader)
      }
      return
    }
    if (this.retired.has(message.leader)) return
    session.heard = true
    if (message.kind === 'event') {
      // An event proves the stream open (its state may not have arrived yet).
      this.setState('open', message.leader)
      this.dispatch({ event: message.event, data: message.data })
      return
    }
    this.setState(message.state, message.leader)
    // A leader's refusal always names the token it was for.
    if (message.state === 'refused' && message.token !== undefined) {
      this.env.onRefused(message.token)
    }
  }

  private setState(state: StreamState, leaderId: string): void {
    const previous = this.state
    const previousLeader = this.leaderId
    this.state = state
    this.leaderId = leaderId
    if (state === 'open') {
      // Open again, or open through another leader: something may have been missed.
      if (previous === 'open' && previousLeader === leaderId) return
      for (const subscriber of [...this.subscribers]) safely(() => subscriber.onOpen?.())
    } else if (state === 'lost' || state === 'refused') {
      // Told once per change: a refusal is no network problem, nor a drop after it a refusal.
      if (previous === state) return
      for (const subscriber of [...this.subscribers]) safely(() => subscriber.onLost?.(state))
    }
  }

  private dispatch(message: StreamMessage): void {
    for (const subscriber of [...this.subscribers]) safely(() => subscriber.onMessage(message))
  }
}

function onPageHide(listener: () => void): () => void {
  if (typeof addEventListener !== 'function') return () => undefined
  addEventListener('pagehide', listener)
  return () => removeEventListener('pagehide', listener)
}

/**
 * The browser's Web Locks (or, where the page is no secure context and has none, a lock over a
 * BroadcastChannel), BroadcastChannel and this app's API client, for the stream at `path`.
 */
export function browserStreamEnvironment(path: string): SharedStreamEnvironment {
  const nav = typeof navigator === 'undefined' ? undefined : navigator
  const createChannel =
    typeof BroadcastChannel === 'function'
      ? (name: string): ChannelLike => new BroadcastChannel(name)
      : null
  const locks =
    nav?.locks && typeof nav.locks.request === 'function'
      ? nav.locks
      : createChannel
        ? channelLocks(createChannel, { onPageHide })
        : null
  return {
    locks,
    createChannel,
    connect: (handlers) =>
      connectEventStream(handlers, {
        open: (signal) => openApiStream(path, { signal }),
        onTokenChange: onAccessTokenChange,
      }),
    onRefused: (mark) => reportTokenRefused(mark),
    onPageHide,
  }
}
