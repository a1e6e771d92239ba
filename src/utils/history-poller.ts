/**
 * The live-status loop, free of Vue and of the HTTP client so it can be tested and measured alone.
 * Per environment: every interval, the requests in progress are searched ten ids per call
 * (ceil(N/10) calls), every call to one environment waits `callGapMs` from the answer to the one
 * before (within a round and across rounds, asked-for refreshes and resumes), failures back off
 * exponentially, and nothing runs while the page is hidden (it catches up when shown again).
 */
import { isFinalStatus, readSearchStatus } from './history-entry'

export type PollEnvironment = 'sandbox' | 'live'

/** Search takes at most ten ids per call (status 18 beyond). */
const IDS_PER_SEARCH = 10
/**
 * A 101 this soon after a request's last activity is "not in search yet", not "gone" (unless the
 * environment was reset since: then it is gone with everything else).
 */
const RECENT_ACTIVITY_MS = 90_000
/** Longest wait between two rounds while backing off. */
const MAX_BACKOFF_MS = 60_000
/** Asked-for refreshes (events, new requests) start at most this often per environment. */
const MIN_REFRESH_SPACING_MS = 250

/** Why a round failed: in words, and the API's status code when the API answered one. */
export interface PollFailure {
  reason: string
  /** The search's `status` (e.g. `1` throttled, `4` bad credentials); null for a network error. */
  status: string | null
  /** The search's `error_text`, when the API answered one (it says what a status 2 is missing). */
  errorText?: string
  /** How long the server asked to wait before the next search (`Retry-After`), when it said. */
  retryAfterMs?: number
}

export interface PollTarget {
  request_id: string
  environment: PollEnvironment
  /** Epoch ms of the last known activity (start, check, control, or seen in progress). */
  lastActivityAt: number
}

/** What the loop needs of a found request (the API layer gives the whole search object). */
export interface PolledRequest {
  request_id: string
  status: string
}

/**
 * Why search no longer knows a request: it is missing although its last activity is long past
 * (`not_found`), or it dates from before the environment was reset (`reset`: see `upstreamReset`).
 */
export type GoneCause = 'not_found' | 'reset'

/** What one search call gave (the shape of `searchRequests` in the API layer). */
export type PollSearchResult<R extends PolledRequest = PolledRequest> =
  | { kind: 'found'; requests: R[]; missing: string[] }
  | { kind: 'not_found'; ids: string[]; error_text: string }
  | { kind: 'error'; ids: string[]; status: string; error_text: string; retryAfter?: number }

export interface PollerDeps<R extends PolledRequest = PolledRequest> {
  /** The requests to refresh (IN PROGRESS), read at the start of each round. */
  targets(): readonly PollTarget[]
  search(env: PollEnvironment, ids: string[]): Promise<PollSearchResult<R>>
  /** Found requests of one call, sent at `sentAt` (epoch ms, `now()` when it was sent). */
  onFound(env: PollEnvironment, requests: R[], sentAt: number): Promise<void> | void
  /**
   * Ids search did not know although their last activity is older than 90 s, or is older than a
   * reset of the environment (then at once, with cause `reset`).
   */
  onGone(env: PollEnvironment, ids: string[], cause: GoneCause): Promise<void> | void
  /**
   * A round of this environment ended without a failure, whatever it found: every call answered,
   * or there was nothing to search. Not called for a round cut short (stopped, page hidden).
   */
  onSuccess?(env: PollEnvironment): void
  /** A failed call (throttled, other API error, or a network error): the loop backs off. */
  onFailure?(env: PollEnvironment, failure: PollFailure, failures: number, retryInMs: number): void
  /** Normal interval between two rounds for this environment. */
  intervalMs(env: PollEnvironment): number
  /** Minimum gap between two search calls to this environment. */
  callGapMs(env: PollEnvironment): number
  isVisible(): boolean
  now(): number
}

interface EnvState {
  timer: ReturnType<typeof setTimeout> | null
  running: boolean
  /** A refresh was asked for while a round was running. */
  again: boolean
  failures: number
  /** When the next round is due (epoch ms), for display. */
  nextAt: number | null
  /** When the last round started (epoch ms). */
  lastStart: number
  /** When the last search call to this environment answered or failed (epoch ms). */
  lastAnswerAt: number
}

const ENVIRONMENTS: readonly PollEnvironment[] = ['sandbox', 'live']

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The wait a failed search asked for (`Retry-After`, in seconds: on its error answer, or on the
 * thrown failure of an HTTP refusal such as the proxy's `queue_full`), in milliseconds.
 */
function retryAfterOf(failed: unknown): { retryAfterMs?: number } {
  const seconds =
    typeof failed === 'object' && failed !== null && 'retryAfter' in failed
      ? failed.retryAfter
      : undefined
  return typeof seconds === 'number' && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {}
}

export class HistoryPoller<R extends PolledRequest = PolledRequest> {
  private readonly deps: PollerDeps<R>
  private readonly state = new Map<PollEnvironment, EnvState>()
  private started = false
  /**
   * Last time each id was seen not over by this loop (counts as activity): IN PROGRESS, or a status
   * this dashboard does not know.
   */
  private readonly seen = new Map<string, number>()
  /** When each environment was last reset (epoch ms, `now()`): what is older is gone. */
  private readonly resetAt = new Map<PollEnvironment, number>()

  constructor(deps: PollerDeps<R>) {
    this.deps = deps
    for (const env of ENVIRONMENTS) {
      this.state.set(env, {
        timer: null,
        running: false,
        again: false,
        failures: 0,
        nextAt: null,
        lastStart: -Infinity,
        lastAnswerAt: -Infinity,
      })
    }
  }

  get isStarted(): boolean {
    return this.started
  }

  failures(env: PollEnvironment): number {
    return this.env(env).failures
  }

  nextAt(env: PollEnvironment): number | null {
    return this.env(env).nextAt
  }

  /** Starts both loops with an immediate round. */
  start(): void {
    if (this.started) return
    this.started = true
    for (const env of ENVIRONMENTS) this.refreshNow(env)
  }

  stop(): void {
    this.started = false
    for (const env of ENVIRONMENTS) this.cancelTimer(env)
  }

  /** Page hidden: no more rounds until `resume`. */
  pause(): void {
    for (const env of ENVIRONMENTS) this.cancelTimer(env)
  }

  /** Page shown again: catch up at once. */
  resume(): void {
    if (!this.started) return
    for (const env of ENVIRONMENTS) this.refreshNow(env)
  }

  /**
   * Runs a round now (new request, sandbox event). A round already running is followed by
   * another. While backing off, the back-off wait is kept.
   */
  refreshNow(env: PollEnvironment): void {
    if (!this.started) return
    const state = this.env(env)
    if (state.running) {
      state.again = true
      return
    }
    if (state.failures > 0 && state.timer) return
    // A burst of events gives one round soon, not one round per event.
    const wait = state.lastStart + MIN_REFRESH_SPACING_MS - this.deps.now()
    if (wait > 0) {
      if (state.nextAt === null || state.nextAt > this.deps.now() + wait) this.schedule(env, wait)
      return
    }
    this.cancelTimer(env)
    void this.round(env)
  }

  /**
   * The environment was reset (the sandbox's `reset` event): every request it held is gone. The
   * requests whose last activity is older than now that search no longer knows are given up at the
   * next round, without the grace a request that search does not know yet gets; a round runs now.
   */
  upstreamReset(env: PollEnvironment): void {
    this.resetAt.set(env, this.deps.now())
    this.refreshNow(env)
  }

  /**
   * Takes in what a search sent at `sentAt` found, as this loop's own rounds do: a request seen not
   * over then counts as active then. For the answers to another tab's searches (that tab polling
   * for this one), so this loop knows them when it polls again; the answer counts as a call answered
   * now, so this loop's next call keeps the call gap from it (one API key, one rate).
   */
  observe(env: PollEnvironment, requests: readonly R[], sentAt: number): void {
    const state = this.env(env)
    state.lastAnswerAt = Math.max(state.lastAnswerAt, this.deps.now())
    // In progress as of when the call was sent: an answer to a search sent before a reset does not
    // make a request recent after it.
    for (const request of requests) {
      if (!isFinalStatus(readSearchStatus(request.status) ?? 'UNKNOWN')) {
        this.seen.set(request.request_id, Math.max(sentAt, this.seen.get(request.request_id) ?? 0))
      } else this.seen.delete(request.request_id)
    }
  }

  /** One round for one environment: ceil(N/10) search calls. Exposed for tests and benches. */
  async round(env: PollEnvironment): Promise<void> {
    const state = this.env(env)
    if (state.running) return
    state.running = true
    state.again = false
    state.lastStart = this.deps.now()
    let delay = this.deps.intervalMs(env)
    try {
      if (!this.deps.isVisible()) {
        state.nextAt = null
        return
      }
      const activity = new Map<string, number>()
      for (const target of this.deps.targets()) {
        if (target.environment === env) activity.set(target.request_id, target.lastActivityAt)
      }
      const batches = chunk([...activity.keys()], IDS_PER_SEARCH)
      const failure = await this.searchAll(env, batches, activity)
      if (failure === null) {
        state.failures = 0
        if (this.started && this.deps.isVisible()) this.deps.onSuccess?.(env)
      } else {
        state.failures++
        // A back-off never polls faster than the interval set, however long that is.
        delay = Math.min(delay * 2 ** state.failures, Math.max(MAX_BACKOFF_MS, delay))
        // Nor sooner than the server asked (a throttled search's `Retry-After`).
        if (failure.retryAfterMs !== undefined) delay = Math.max(delay, failure.retryAfterMs)
        this.deps.onFailure?.(env, failure, state.failures, delay)
      }
    } finally {
      state.running = false
    }
    if (!this.started || !this.deps.isVisible()) {
      state.nextAt = null
      return
    }
    if (state.again && state.failures === 0) {
      delay = Math.min(
        delay,
        Math.max(0, state.lastStart + MIN_REFRESH_SPACING_MS - this.deps.now()),
      )
    }
    this.schedule(env, delay)
  }

  /** Searches every batch; returns the first failure (the rest waits) or null. */
  private async searchAll(
    env: PollEnvironment,
    batches: string[][],
    activity: ReadonlyMap<string, number>,
  ): Promise<PollFailure | null> {
    const state = this.env(env)
    for (const ids of batches) {
      // Spaced from the last call answered, whichever round sent it: a round asked for (a new
      // request, an event) or resumed soon after another never calls sooner.
      const wait = state.lastAnswerAt + this.deps.callGapMs(env) - this.deps.now()
      if (wait > 0) await sleep(wait)
      if (!this.started || !this.deps.isVisible()) return null
      let result: PollSearchResult<R>
      const sentAt = this.deps.now()
      try {
        result = await this.deps.search(env, ids)
      } catch (error) {
        return { reason: describe(error), status: null, ...retryAfterOf(error) }
      } finally {
        state.lastAnswerAt = this.deps.now()
      }
      if (result.kind === 'error') {
        const reason =
          result.status === '1'
            ? 'throttled (status 1)'
            : `status ${result.status}: ${result.error_text}`
        return {
          reason,
          status: result.status,
          errorText: result.error_text,
          ...retryAfterOf(result),
        }
      }
      const now = this.deps.now()
      const missing = result.kind === 'found' ? result.missing : result.ids
      if (result.kind === 'found' && result.requests.length > 0) {
        this.observe(env, result.requests, sentAt)
        await this.deps.onFound(env, result.requests, sentAt)
      }
      const resetAt = this.resetAt.get(env) ?? -Infinity
      const gone: string[] = []
      const reset: string[] = []
      for (const id of missing) {
        const last = Math.max(activity.get(id) ?? 0, this.seen.get(id) ?? 0)
        if (last < resetAt) reset.push(id)
        else if (now - last >= RECENT_ACTIVITY_MS) gone.push(id)
      }
      for (const [ids, cause] of [
        [reset, 'reset'],
        [gone, 'not_found'],
      ] as const) {
        if (ids.length === 0) continue
        for (const id of ids) this.seen.delete(id)
        await this.deps.onGone(env, ids, cause)
      }
    }
    return null
  }

  private schedule(env: PollEnvironment, delay: number): void {
    const state = this.env(env)
    this.cancelTimer(env)
    state.nextAt = this.deps.now() + delay
    state.timer = setTimeout(() => {
      state.timer = null
      void this.round(env)
    }, delay)
  }

  private cancelTimer(env: PollEnvironment): void {
    const state = this.env(env)
    if (state.timer) clearTimeout(state.timer)
    state.timer = null
    state.nextAt = null
  }

  private env(env: PollEnvironment): EnvState {
    return this.state.get(env)!
  }
}
