/**
 * Sends a verification start exactly once per submit, however often submit fires (double click,
 * Enter held down, a slow network): a synchronous in-flight guard, not only a disabled button.
 * On success the request goes into history.
 *
 * The start is written to "Starts without an answer" (local storage, no chosen PIN) before it is
 * sent, and taken out when an answer arrives: a tab closed while the start was on its way leaves
 * it listed as "may have gone out", never lost.
 */
import { ref } from 'vue'
import { ApiError } from '@/api/client'
import { startPsd2, startVerification, type EnvironmentId } from '@/api/verify'
import { useRequestsStore, type HistoryEntry, type HistoryPatch } from '@/stores/requests'
import type { RequestKind } from '@contract/params'
import { maskLivePins } from '@/utils/call-log'
import { deliveryOf } from '@/utils/call-failure'
import { useUnansweredStartsStore, type UnansweredStart } from '@/stores/unanswered-starts'
import type { StartOutcome as StartOutcomeOf } from '@/utils/start-outcome'

/** What a start came to, with the earlier start a status 10 is probably about. */
export type StartOutcome = StartOutcomeOf<UnansweredStart>

/**
 * What History takes from a start without an answer that turned out to be `requestId` (status 10
 * named it): only what the API does not tell (brand, PSD2 payee and amount, the parameters as
 * sent, the kind, that it was started here), and only where History knows nothing yet. What a
 * search answered (status, number, submission time, events) is never overwritten.
 */
export function historyPatchFromStart(
  stored: HistoryEntry | undefined,
  start: UnansweredStart,
  requestId: string,
): HistoryPatch {
  const params = maskLivePins(start.environment === 'live', start.params).params
  if (!stored) {
    return {
      request_id: requestId,
      environment: start.environment,
      kind: start.kind,
      number: start.number,
      brand: start.brand,
      payee: params.payee ?? '',
      amount: params.amount ?? '',
      params,
      // Status 10 says a request to this number is in progress: the next search tells more.
      status: 'IN PROGRESS',
      createdAt: start.at,
      source: 'started',
    }
  }
  const patch: HistoryPatch = { request_id: requestId, source: 'started' }
  // The kind and the parameters are only known from how it was sent: an entry known only by its
  // id has none. Parameters History already holds stay whole (never mixed with another start's).
  if (Object.keys(stored.params).length === 0) {
    patch.kind = start.kind
    patch.params = params
  }
  if (!stored.number) patch.number = start.number
  if (!stored.brand && start.brand) patch.brand = start.brand
  if (!stored.payee && params.payee) patch.payee = params.payee
  if (!stored.amount && params.amount) patch.amount = params.amount
  // Searched: the API's submission time stays; else the start's time (the earlier one is kept).
  if (!stored.lastSearch) patch.createdAt = start.at
  return patch
}

export function useStartVerification() {
  const requests = useRequestsStore()
  const unanswered = useUnansweredStartsStore()
  /** True from the moment a start is sent until its answer is handled. */
  const inFlight = ref(false)
  /** True after a successful start: the form must not send again. */
  const started = ref(false)
  const outcome = ref<StartOutcome | null>(null)
  let busy = false

  /**
   * Sends the start unless one is in flight or already succeeded (then returns `null` at once).
   * `params` are wire parameters (strings, no credentials).
   */
  async function start(
    env: EnvironmentId,
    kind: RequestKind,
    params: Record<string, string>,
  ): Promise<StartOutcome | null> {
    if (busy || started.value) return null
    busy = true
    inFlight.value = true
    outcome.value = null
    const number = params.number ?? ''
    const sentAt = Date.now()
    const pending = unanswered.recordSending({
      at: sentAt,
      environment: env,
      kind,
      number,
      brand: params.brand ?? '',
      params,
    })
    // On disk first: a browser that ends abruptly once the start is out still lists it.
    await unanswered.whenKept(pending.id)
    try {
      const answer = await (kind === 'psd2'
        ? startPsd2(env, params)
        : startVerification(env, params))
      // An answer: the start is no longer "without an answer".
      unanswered.settle(pending.id, null)
      if (answer.status === '0' && answer.request_id) {
        unanswered.answered(env, number, answer.request_id)
        started.value = true
        const now = Date.now()
        try {
          await requests.upsert({
            request_id: answer.request_id,
            environment: env,
            kind,
            number: params.number ?? '',
            brand: params.brand ?? '',
            payee: params.payee ?? '',
            amount: params.amount ?? '',
            // On live a chosen PIN (pin_code) is not kept: stored as $PIN_CODE.
            params: maskLivePins(env === 'live', params).params,
            status: 'IN PROGRESS',
            createdAt: now,
            lastActivityAt: now,
            source: 'started',
          })
        } catch {
          // A failed write is kept in memory and reported by the history store (storage
          // problems); the request page fetches the request itself.
        }
        outcome.value = { type: 'started', requestId: answer.request_id }
      } else {
        const errorText = 'error_text' in answer ? answer.error_text : 'No error text'
        const blocker = answer.status === '10' ? answer.request_id : undefined
        // Status 10 right after a start that may have gone out: probably that start (or the one
        // this tab already took it for).
        const earlier = blocker
          ? (unanswered.resolvedAs(env, number, blocker) ?? unanswered.uncertainBefore(env, number))
          : null
        let inHistory = false
        if (earlier && blocker) inHistory = await linkEarlierStart(earlier, blocker)
        else unanswered.answered(env, number)
        outcome.value = {
          type: 'rejected',
          answer: { ...answer, error_text: errorText },
          ...(earlier ? { earlierUncertain: earlier } : {}),
          ...(inHistory ? { earlierInHistory: true } : {}),
        }
      }
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError('network', String(e))
      const delivery = deliveryOf(error)
      // Kept beyond this page: a start without an answer has no request_id for history. A start
      // the browser did not send at all (it was offline) is no start without an answer.
      const kept = unanswered.settle(
        pending.id,
        error.kind !== 'offline' && (delivery === 'maybe' || delivery === 'not_sent')
          ? {
              code: error.code ?? error.kind,
              httpStatus: error.httpStatus ?? null,
              message: error.message,
              delivery,
            }
          : null,
      )
      outcome.value = { type: 'failed', error, number, ...(kept ? { listed: true } : {}) }
    } finally {
      busy = false
      inFlight.value = false
    }
    return outcome.value
  }

  /**
   * The earlier start without an answer is the request status 10 named: History gets what was
   * entered for it, and it leaves "Starts without an answer". Should History refuse the write,
   * the list keeps it, naming the request.
   */
  async function linkEarlierStart(earlier: UnansweredStart, requestId: string): Promise<boolean> {
    try {
      await requests.ready
      await requests.upsert(historyPatchFromStart(requests.byId(requestId), earlier, requestId))
    } catch {
      unanswered.nameRequest(earlier.id, requestId)
      return false
    }
    unanswered.resolve(earlier.id, requestId)
    return true
  }

  /**
   * Starts without an answer that a status 10 already named (kept so when History could not take
   * them, or by an earlier version of this page): History gets what they held, and they leave
   * the list.
   */
  async function resolveNamed(): Promise<void> {
    for (const entry of unanswered.sorted) {
      if (entry.probableRequestId) await linkEarlierStart(entry, entry.probableRequestId)
    }
  }

  /** Forgets the last outcome (e.g. after the blocking request was cancelled). */
  function reset(): void {
    outcome.value = null
  }

  return { inFlight, started, outcome, start, reset, resolveNamed }
}
