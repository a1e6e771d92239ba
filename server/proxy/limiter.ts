/** Upstream pacing: a sliding-window rate limiter with a bounded FIFO queue, and request coalescing. */

export interface Timers {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Thrown (as a rejection) when the queue is full: the caller answers 503 rather than waiting forever. */
export class QueueFullError extends Error {
  constructor(readonly limiterName: string) {
    super(`The ${limiterName} queue is full`)
    this.name = 'QueueFullError'
  }
}

/** Thrown (as a rejection) when a task waited past its deadline: it was withdrawn and never ran. */
export class QueueTimeoutError extends Error {
  constructor(readonly limiterName: string) {
    super(`A task waited too long in the ${limiterName} queue`)
    this.name = 'QueueTimeoutError'
  }
}

/** Thrown (as a rejection) for tasks still waiting when the limiter closes, and any scheduled after. */
export class LimiterClosedError extends Error {
  constructor(readonly limiterName: string) {
    super(`The ${limiterName} queue is closed`)
    this.name = 'LimiterClosedError'
  }
}

export interface RateLimiterOptions {
  /** Label used in errors (`upstream`, `search`). */
  name: string
  /** Requests per second; a rate that is not a whole number means one request every 1/rate seconds. */
  ratePerSecond: number
  /** Tasks allowed to wait; one more is refused with QueueFullError. */
  maxQueue: number
  timers?: Timers
}

export interface ScheduleOptions {
  /**
   * Withdraws the task while it waits: it leaves the queue at once, is never run, takes no slot,
   * and the call rejects with the signal's reason. A task already running is not stopped.
   */
  signal?: AbortSignal
  /**
   * A time on the limiter's clock (`timers.now()`): a task still waiting then is withdrawn like an
   * aborted one (never run, no slot taken) and the call rejects with QueueTimeoutError.
   */
  deadline?: number
}

interface Waiting {
  run: () => void
  reject: (reason: unknown) => void
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
  /** The deadline's timer, while it waits. */
  timer: unknown
}

/**
 * At most `limit` calls reach the upstream in any window of `windowMs`, whatever the delays
 * between this server and the upstream: `rate` calls per 1000 ms for a whole rate (30/s), one
 * call per 1000/rate ms otherwise (2.5/s: one per 400 ms; 0.5/s: one per 2000 ms).
 *
 * The rule: a task holds a slot from when it is dispatched until `windowMs` after it settles
 * (answer, error or timeout), and a task is dispatched only while fewer than `limit` slots are
 * held (running, or settled less than `windowMs` ago); the others wait in order (FIFO).
 *
 * Why it holds: a call reaches the upstream after its dispatch and at or before its settling (this
 * server notes a dispatch before the call leaves and a settling after its answer came, which only
 * widens each slot). Suppose `limit + 1` calls reached the upstream within one window (less than
 * `windowMs` from the first arrival to the last), and take the one of them dispatched last, at
 * time d. It arrived after d, so each of the others arrived, hence settled, later than
 * d - `windowMs`, and was dispatched before d: at d each of them was either in flight or had
 * settled less than `windowMs` earlier. All `limit` slots were held, so the last one could not
 * have been dispatched. Counting from dispatch alone (a plain sliding window) is not enough: a
 * call delayed on its way (a new connection, TLS, a busy CPU) lands in the next upstream second
 * beside the calls dispatched in it.
 *
 * The cost: a slot comes back one window after its round trip, so the throughput is at most
 * `limit` calls per (window + round trip), e.g. 30 per 1.2 s against an upstream answering in
 * 200 ms, instead of 30 per second.
 */
export class RateLimiter {
  readonly limit: number
  readonly windowMs: number
  /** Tasks dispatched and not settled yet. */
  private running = 0
  /** When the slots of settled tasks come back, earliest first. */
  private readonly releases: number[] = []
  private readonly queue: Waiting[] = []
  private timer: unknown
  private readonly timers: Timers
  private closed = false

  constructor(private readonly options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive')
    // A whole rate: `rate` calls per second. Any other (2.5/s, 0.5/s): one call per 1000/rate ms,
    // so the rate is kept exactly rather than rounded down.
    const whole = Number.isInteger(options.ratePerSecond)
    this.limit = whole ? options.ratePerSecond : 1
    this.windowMs = whole ? 1000 : 1000 / options.ratePerSecond
    this.timers = options.timers ?? realTimers
  }

  /** Tasks currently waiting for a slot. */
  get waiting(): number {
    return this.queue.length
  }

  /** Slots held now: tasks running plus tasks settled less than `windowMs` ago. */
  get held(): number {
    this.expire()
    return this.running + this.releases.length
  }

  /**
   * Runs `task` as soon as a slot is free; rejects with QueueFullError when the queue is full,
   * with `options.signal`'s reason when the task is withdrawn before it ran, with
   * QueueTimeoutError when it is still waiting at `options.deadline`, with LimiterClosedError once
   * the limiter is closed.
   */
  schedule<T>(task: () => Promise<T>, options?: ScheduleOptions): Promise<T> {
    const signal = options?.signal
    if (signal?.aborted) return Promise.reject(signal.reason)
    if (this.closed) return Promise.reject(new LimiterClosedError(this.options.name))
    if (this.queue.length === 0 && this.tryStart()) return this.dispatch(task)
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(new QueueFullError(this.options.name))
    }
    const deadline = options?.deadline
    if (deadline !== undefined && deadline <= this.timers.now()) {
      return Promise.reject(new QueueTimeoutError(this.options.name))
    }
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = {
        run: () => {
          this.release(waiting)
          this.dispatch(task).then(resolve, reject)
        },
        reject,
        signal,
        onAbort: undefined,
        timer: undefined,
      }
      if (signal) {
        waiting.onAbort = () => this.withdraw(waiting, signal.reason)
        signal.addEventListener('abort', waiting.onAbort, { once: true })
      }
      if (deadline !== undefined) {
        waiting.timer = this.timers.setTimeout(
          () => this.withdraw(waiting, new QueueTimeoutError(this.options.name)),
          deadline - this.timers.now(),
        )
      }
      this.queue.push(waiting)
      this.arm()
    })
  }

  /**
   * Closes the limiter (on server close): every waiting task is withdrawn unrun and its call
   * rejects with LimiterClosedError at once, as does any task scheduled later. Running tasks are
   * not stopped.
   */
  close(): void {
    this.closed = true
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer)
    this.timer = undefined
    const waiting = this.queue.splice(0)
    for (const task of waiting) {
      this.release(task)
      task.reject(new LimiterClosedError(this.options.name))
    }
  }

  /** Drops what a waiting task holds while it waits: its abort listener and its deadline. */
  private release(waiting: Waiting): void {
    if (waiting.signal && waiting.onAbort)
      waiting.signal.removeEventListener('abort', waiting.onAbort)
    if (waiting.timer !== undefined) this.timers.clearTimeout(waiting.timer)
    waiting.timer = undefined
  }

  /** Runs a task that has its slot; the slot is kept until `windowMs` after the task settles. */
  private dispatch<T>(task: () => Promise<T>): Promise<T> {
    let running: Promise<T>
    try {
      running = task()
    } catch (error) {
      running = Promise.reject(error)
    }
    return running.finally(() => this.settle())
  }

  private settle(): void {
    this.running--
    this.releases.push(this.timers.now() + this.windowMs)
    if (this.queue.length > 0) this.arm()
  }

  private withdraw(waiting: Waiting, reason: unknown): void {
    const index = this.queue.indexOf(waiting)
    if (index < 0) return
    this.queue.splice(index, 1)
    this.release(waiting)
    waiting.reject(reason)
    if (this.queue.length === 0 && this.timer !== undefined) {
      this.timers.clearTimeout(this.timer)
      this.timer = undefined
    }
  }

  private expire(): void {
    const now = this.timers.now()
    while (this.releases.length > 0 && (this.releases[0] ?? 0) <= now) this.releases.shift()
  }

  private tryStart(): boolean {
    this.expire()
    if (this.running + this.releases.length >= this.limit) return false
    this.running++
    return true
  }

  /**
   * Wakes the queue when the next slot comes back. Nothing to wait for while every slot is held by
   * a running task: its settling arms the timer again.
   */
  private arm(): void {
    if (this.timer !== undefined) return
    this.expire()
    let delay: number
    if (this.running + this.releases.length < this.limit) delay = 0
    else {
      const next = this.releases[0]
      if (next === undefined) return
      delay = Math.max(0, next - this.timers.now())
    }
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined
      this.pump()
    }, delay)
  }

  private pump(): void {
    while (this.queue.length > 0 && this.tryStart()) this.queue.shift()?.run()
    if (this.queue.length > 0) this.arm()
  }
}

interface Group<T> {
  promise: Promise<T>
  /** Callers still waiting for the answer. */
  callers: number
  controller: AbortController
  /** The count of writes when its call was first sent upstream; undefined while it waits its turn. */
  sentAt: number | undefined
}

/** The count of writes (a start, a check, a clock move…) sent or settled so far: see `Coalescer.run`. */
export type WriteCount = () => number

const NO_WRITES: WriteCount = () => 0

/**
 * Shares one in-flight promise between identical concurrent calls (same key). The task gets a
 * signal that aborts once every caller of the group has left (`leave`), so work nobody waits for
 * any more can be dropped; a group with callers left always runs.
 *
 * A caller never gets the answer of a call sent before a write it came after: it joins a call in
 * flight only while that call still waits for its turn, or when no write was sent or settled since
 * the call was sent upstream (the task says when with `sent`); otherwise it gets a call of its own,
 * which later callers join instead.
 */
export class Coalescer<T> {
  private readonly inFlight = new Map<string, Group<T>>()

  /** Number of distinct calls in flight that a new caller may still join. */
  get size(): number {
    return this.inFlight.size
  }

  /**
   * Runs `task` for `key`, or joins the identical call in flight. `writes` counts the writes that
   * may change what the call answers, bumped when one is sent and again when it settles; the task
   * calls `sent` as its call leaves for the upstream (the first time counts).
   */
  run(
    key: string,
    task: (signal: AbortSignal, sent: () => void) => Promise<T>,
    writes: WriteCount = NO_WRITES,
  ): { promise: Promise<T>; shared: boolean; leave: (reason?: unknown) => void } {
    const existing = this.inFlight.get(key)
    const shared =
      existing !== undefined && (existing.sentAt === undefined || existing.sentAt === writes())
    // A call sent before the last write keeps its callers but takes no new one: this caller starts
    // a call of its own (which replaces it for the callers after).
    const group = shared ? existing : this.start(key, task, writes)
    group.callers++
    let left = false
    const leave = (reason?: unknown) => {
      if (left) return
      left = true
      if (--group.callers > 0) return
      // Nobody waits for it any more: a new identical call starts afresh.
      if (this.inFlight.get(key) === group) this.inFlight.delete(key)
      group.controller.abort(reason)
    }
    return { promise: group.promise, shared, leave }
  }

  private start(
    key: string,
    task: (signal: AbortSignal, sent: () => void) => Promise<T>,
    writes: WriteCount,
  ): Group<T> {
    const controller = new AbortController()
    // The task may be sent at once (no pacing), before its promise is here.
    const sending: { sentAt: number | undefined } = { sentAt: undefined }
    const promise = task(controller.signal, () => {
      sending.sentAt ??= writes()
    }).finally(() => {
      if (this.inFlight.get(key) === group) this.inFlight.delete(key)
    })
    const group: Group<T> = Object.assign(sending, { promise, callers: 0, controller })
    this.inFlight.set(key, group)
    return group
  }
}
