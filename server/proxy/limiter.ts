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

export interface RateLimiterOptions {
  /** Label used in errors (`upstream`, `search`). */
  name: string
  /** Requests per second; below 1 means one request every 1/rate seconds. */
  ratePerSecond: number
  /** Tasks allowed to wait; one more is refused with QueueFullError. */
  maxQueue: number
  timers?: Timers
}

/** At most `limit` task starts in any window of `windowMs`; the rest wait in order. */
export class RateLimiter {
  readonly limit: number
  readonly windowMs: number
  private readonly starts: number[] = []
  private readonly queue: Array<() => void> = []
  private timer: unknown
  private readonly timers: Timers

  constructor(private readonly options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive')
    this.limit = options.ratePerSecond >= 1 ? Math.floor(options.ratePerSecond) : 1
    this.windowMs = options.ratePerSecond >= 1 ? 1000 : 1000 / options.ratePerSecond
    this.timers = options.timers ?? realTimers
  }

  /** Tasks currently waiting for a slot. */
  get waiting(): number {
    return this.queue.length
  }

  /** Runs `task` as soon as the rate allows; rejects with QueueFullError when the queue is full. */
  schedule<T>(task: () => Promise<T>): Promise<T> {
    if (this.queue.length === 0 && this.tryStart()) return task()
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(new QueueFullError(this.options.name))
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => task().then(resolve, reject))
      this.arm()
    })
  }

  /** Drops waiting tasks' timer (on server close). Waiting tasks are not run. */
  close(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer)
    this.timer = undefined
    this.queue.length = 0
  }

  private tryStart(): boolean {
    const now = this.timers.now()
    while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - this.windowMs)
      this.starts.shift()
    if (this.starts.length >= this.limit) return false
    this.starts.push(now)
    return true
  }

  private arm(): void {
    if (this.timer !== undefined) return
    const oldest = this.starts[0]
    const delay = oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - this.timers.now())
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined
      this.pump()
    }, delay)
  }

  private pump(): void {
    while (this.queue.length > 0 && this.tryStart()) this.queue.shift()?.()
    if (this.queue.length > 0) this.arm()
  }
}

/** Shares one in-flight promise between identical concurrent calls (same key). */
export class Coalescer<T> {
  private readonly inFlight = new Map<string, Promise<T>>()

  /** Number of distinct calls in flight. */
  get size(): number {
    return this.inFlight.size
  }

  run(key: string, task: () => Promise<T>): { promise: Promise<T>; shared: boolean } {
    const existing = this.inFlight.get(key)
    if (existing) return { promise: existing, shared: true }
    const promise = task().finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, promise)
    return { promise, shared: false }
  }
}
