/**
 * Sending a Verify call to its environment's upstream under the pacing: a start, check or control
 * once and never retried (it may send an SMS or use up an attempt); a search shared with identical
 * ones in flight (never with one sent before a write it came after) and retried once on a network
 * error, all within one time budget.
 */
import { addNote, type CallRecord } from './call-record.ts'
import { ClientClosedError, MAX_UPSTREAM_BODY } from './failures.ts'
import type { Timers } from './limiter.ts'
import type { Route } from './routes.ts'
import type { EnvironmentRuntime } from './runtime.ts'
import {
  TOO_LARGE,
  UpstreamNetworkError,
  type BufferedAnswer,
  type ExchangeLimits,
  type Upstream,
  type UpstreamRequest,
} from './upstream.ts'

/** The least time a search retry needs (a turn under the pacing, then an answer). */
const MIN_RETRY_MS = 2000

/** Per upstream (one per environment): how many times a write was sent to it or settled. */
const writeCounts = new WeakMap<Upstream, number>()

/** The count of writes sent to `upstream` or settled so far. */
export function writesTo(upstream: Upstream): number {
  return writeCounts.get(upstream) ?? 0
}

/**
 * Notes a write leaving for `upstream` (a start, check, control, PSD2 call or unblock; a call of
 * the sandbox admin API that changes its state): call the function it returns once it settled. A
 * search call sent before either moment takes no new caller after it, so a search sent after a
 * check was answered is answered by a call the upstream received after that check was answered.
 */
export function noteWrite(upstream: Upstream): () => void {
  const bump = () => writeCounts.set(upstream, writesTo(upstream) + 1)
  bump()
  let settled = false
  return () => {
    if (settled) return
    settled = true
    bump()
  }
}

export interface ExchangeSettings {
  timers: Timers
  /** How long a call may wait for its turn under the pacing, in milliseconds. */
  maxQueueWaitMs: number
  /** How long the upstream may take to answer, in milliseconds. */
  timeoutMs: number
}

/**
 * Identical searches share one upstream call: the key is the upstream call itself (environment,
 * method, path with its query, body), so only searches that would ask exactly the same share (and
 * only while no write came between: see `noteWrite`).
 */
export function searchKey(environment: string, request: UpstreamRequest): string {
  // A background search never shares a call with the user's own: only the user's may take a fault.
  const mark = request.background ? ' background' : ''
  return `${environment} ${request.method} ${request.path}${mark}\n${request.body ?? ''}`
}

/**
 * The exchange of a Verify call with its upstream under `settings`; it sets `call.cancel` (the
 * browser leaving withdraws the call while it waits) and notes `retried=1` / `coalesced`.
 */
export function createExchange(
  settings: ExchangeSettings,
): (
  env: EnvironmentRuntime,
  route: Extract<Route, { kind: 'verify' }>,
  request: UpstreamRequest,
  call: CallRecord,
) => Promise<BufferedAnswer> {
  const { timers, maxQueueWaitMs, timeoutMs } = settings
  const upstreamLimits: ExchangeLimits = {
    timeoutMs,
    maxBytes: MAX_UPSTREAM_BODY,
  }
  return function exchange(env, route, request, call) {
    const upstream = env.config.upstream
    if (route.endpoint !== 'search') {
      // Never retried: it may send an SMS or use up an attempt. The searches sent before it, or
      // before its answer, take no new caller.
      const send = () => {
        const settled = noteWrite(upstream)
        return upstream.exchange(request, upstreamLimits).finally(settled)
      }
      if (!env.overall) return send()
      const controller = new AbortController()
      call.cancel = () => controller.abort(new ClientClosedError())
      return env.overall.schedule(send, {
        signal: controller.signal,
        deadline: timers.now() + maxQueueWaitMs,
      })
    }
    // Identical searches share one upstream call, withdrawn only once all their browsers left, and
    // joined only while it waits for its turn or no write was sent or settled since it was sent.
    const key = searchKey(env.id, request)
    const writes = () => writesTo(upstream)
    const search = async (signal: AbortSignal, sent: () => void) => {
      // The whole search, retry included, answers within one queue wait and one upstream time
      // limit (25 s by default), inside the dashboard's 30 s.
      const end = timers.now() + maxQueueWaitMs + timeoutMs
      const once = () => {
        sent()
        const left = end - timers.now()
        return upstream.exchange(request, {
          ...upstreamLimits,
          timeoutMs: Math.max(1, Math.min(timeoutMs, left)),
        })
      }
      // One deadline for both queues of an attempt (the search rate, then the overall one).
      const attempt = (queueMs: number) => {
        const paced = { signal, deadline: timers.now() + queueMs }
        const overall = () => (env.overall ? env.overall.schedule(once, paced) : once())
        return env.search ? env.search.schedule(overall, paced) : overall()
      }
      try {
        return await attempt(maxQueueWaitMs)
      } catch (error) {
        if (!(error instanceof UpstreamNetworkError) || error.code === TOO_LARGE) throw error
        if (signal.aborted) throw error
        // A retry needs time for its turn and an answer: without a second left, the error stands.
        const left = end - timers.now()
        if (left < MIN_RETRY_MS) throw error
        addNote(call, 'retried=1')
        // Searches are safe to repeat: one retry on a network error.
        return attempt(Math.min(maxQueueWaitMs, left - MIN_RETRY_MS / 2))
      }
    }
    const run = env.searches.run(key, search, writes)
    call.cancel = () => run.leave(new ClientClosedError())
    if (run.shared) addNote(call, 'coalesced')
    return run.promise
  }
}
