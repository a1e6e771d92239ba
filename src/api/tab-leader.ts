/**
 * One leader among the tabs of one browser, and a channel between them: the tabs that want to lead
 * (candidates) queue for a lock with the Web Locks API (or the stand-in the caller gives, e.g. a
 * lock kept over a BroadcastChannel where the page is no secure context); the one holding it leads
 * until it gives it up (no longer a candidate, page hidden for good, closed) or its tab goes (the
 * browser frees the lock and the next tab in the queue leads). Every tab, candidate or not, hears
 * what the others post. A leader that goes says so (`bye`); one that vanished without a word is
 * replaced by the next holder of the lock, which says it leads. Without locks or BroadcastChannel
 * every tab leads for itself and nothing is shared.
 *
 * Free of Vue and of the browser's globals: the environment is given (tests use fakes).
 */

import type { ChannelLike, LockManagerLike } from './event-stream'

/** The wait before a tab whose request for the lock failed queues for it again. */
export const LOCK_RETRY_MS = 1000

/** The locks a leader is chosen by: the browser's Web Locks, or the shared stream's stand-in. */
export type TabLocks = LockManagerLike
/** The channel between the tabs (the part of `BroadcastChannel` used here). */
export type TabChannel = ChannelLike

export interface TabLeaderEnvironment {
  /** `navigator.locks` (or a stand-in), or null: each tab then leads for itself. */
  locks: TabLocks | null
  /** Opens a BroadcastChannel, or null: each tab then leads for itself. */
  createChannel: ((name: string) => TabChannel) | null
  /** Adds a `pagehide` listener (a leader whose page goes gives the lead up); returns its removal. */
  onPageHide?(listener: () => void): () => void
}

export interface TabLeaderHandlers<M> {
  /** This tab leads now (it holds the lock, or nothing is shared). */
  onLead(): void
  /** This tab no longer leads (it gave the lock up). */
  onFollow(): void
  /**
   * Another tab posted `message`. `term` names the lead it held when it posted (a new one each
   * time a tab takes the lock), null when it did not lead.
   */
  onMessage(message: M, from: string, term: string | null): void
  /** The lead `term` of tab `from` ended (its tab closes, is hidden, or stops). */
  onLeaderGone?(from: string, term: string): void
}

type Envelope =
  { from: string; term: string | null; body: unknown } | { from: string; term: string; bye: true }

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false
  const { from, term } = value as { from?: unknown; term?: unknown }
  return typeof from === 'string' && (typeof term === 'string' || term === null)
}

let nextTabNumber = 1

function newId(): string {
  // Ordered by time first: of two leaders at once, the older one stays.
  const time = Date.now().toString(36).padStart(10, '0')
  return `${time}-${Math.random().toString(36).slice(2, 10)}-${nextTabNumber++}`
}

export class TabLeader<M> {
  /** This tab's id, as the other tabs know it. */
  readonly id = newId()
  private channel: TabChannel | null = null
  /** Leaves the lock's queue, or gives the lock up once held. */
  private abort: AbortController | null = null
  /** This tab asked to lead (`setCandidate(true)`) and has not withdrawn. */
  private candidate = false
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private release: (() => void) | null = null
  /** The lead this tab holds now, or null. */
  private term: string | null = null
  private opened = false
  private closed = false
  private stopPageHide: (() => void) | null = null
  /** Leads that ended: what their leaders posted arriving late is ignored. */
  private readonly retired = new Set<string>()

  constructor(
    private readonly name: string,
    private readonly env: TabLeaderEnvironment,
    private readonly handlers: TabLeaderHandlers<M>,
  ) {}

  /** Whether the tabs share a leader (false: every tab leads for itself). */
  get isShared(): boolean {
    return this.env.locks !== null && this.env.createChannel !== null
  }

  get isLeader(): boolean {
    return this.term !== null
  }

  /** The lead this tab holds now (null when it does not lead). */
  get currentTerm(): string | null {
    return this.term
  }

  /** Joins the other tabs (hears them from now on); leads at once when nothing is shared. */
  open(): void {
    if (this.opened || this.closed) return
    this.opened = true
    const { createChannel } = this.env
    if (!this.isShared || !createChannel) {
      this.term = newId()
      this.handlers.onLead()
      return
    }
    const channel = createChannel(`verify-desk:${this.name}`)
    this.channel = channel
    channel.onmessage = (event) => this.receive(event.data)
    this.stopPageHide = this.env.onPageHide?.(() => this.resign()) ?? null
  }

  /** Queues for the lock (`true`), or leaves the queue and gives the lead up (`false`). */
  setCandidate(candidate: boolean): void {
    if (!this.opened || this.closed || !this.isShared) return
    this.candidate = candidate
    if (!candidate) {
      this.resign()
      return
    }
    if (this.abort) return
    this.cancelRetry()
    const abort = new AbortController()
    this.abort = abort
    const granted = () => {
      if (this.abort !== abort || this.closed) return Promise.resolve()
      return new Promise<void>((resolve) => {
        this.release = resolve
        this.term = newId()
        this.handlers.onLead()
      })
    }
    let request: Promise<unknown>
    try {
      request = this.env.locks!.request(
        `verify-desk:${this.name}`,
        { signal: abort.signal },
        granted,
      )
    } catch (error) {
      request = Promise.reject(error)
    }
    request.catch(() => {
      // Left the queue (gave the lead up, or closed) before the lock came.
      if (this.abort !== abort || abort.signal.aborted || this.closed) return
      // The request failed while this tab still wants to lead (refused, or a held lock taken by
      // another tab): it gives up what it held and queues again, after a pause, so a lock manager
      // that keeps refusing is not asked in a loop.
      this.resign()
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null
        if (this.candidate && !this.closed) this.setCandidate(true)
      }, LOCK_RETRY_MS)
    })
  }

  /** Tells every other tab (nothing when nothing is shared). */
  post(message: M): void {
    this.send({ from: this.id, term: this.term, body: message })
  }

  /** Gives the lead up and leaves the other tabs. */
  close(): void {
    if (this.closed) return
    this.resign()
    this.closed = true
    this.stopPageHide?.()
    this.stopPageHide = null
    this.channel?.close()
    this.channel = null
  }

  private send(envelope: Envelope): void {
    try {
      this.channel?.postMessage(envelope)
    } catch {
      // A closed channel: nobody left to tell.
    }
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
  }

  private resign(): void {
    this.cancelRetry()
    const abort = this.abort
    const release = this.release
    this.abort = null
    this.release = null
    const term = this.term
    if (term !== null && this.isShared) {
      this.term = null
      this.send({ from: this.id, term, bye: true })
      this.handlers.onFollow()
    }
    abort?.abort()
    release?.()
  }

  private receive(data: unknown): void {
    if (this.closed || !isEnvelope(data) || data.from === this.id) return
    if ('bye' in data) {
      this.retired.add(data.term)
      this.handlers.onLeaderGone?.(data.from, data.term)
      return
    }
    if (data.term !== null && this.retired.has(data.term)) return
    if (
      this.term !== null &&
      data.term !== null &&
      this.env.locks?.mayOverlap &&
      data.term < this.term
    ) {
      // Two leaders for a moment (a lock kept over a BroadcastChannel): the later one steps down
      // and queues again.
      this.resign()
      this.setCandidate(true)
    }
    this.handlers.onMessage(data.body as M, data.from, data.term)
  }
}
