/**
 * The calls made about each request, as sent and received (credentials masked by the client), so
 * the request page can show them and offer "copy as curl". This tab's calls are held in memory
 * (the newest MAX_CALLS); the history store keeps each request's calls in IndexedDB with its entry,
 * so they are still there after a reload or in another tab (see utils/call-log for what is stored).
 * A call is listed from the moment it is sent (`pending`), and its answer replaces it in place.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, onScopeDispose, shallowRef } from 'vue'
import { onApiCall, onApiCallSent, type ApiCall } from '@/api/client'
import { callFor, capCalls, mergeCalls, requestIdsOf } from '@/utils/call-log'
import { useRequestsStore } from '@/stores/requests'
import type { ActionName, ActionOutcome } from '@/utils/request-actions'
import {
  checksInDoubt,
  lostCheckFate as findLostCheckFate,
  readFindsRequest,
  unansweredCheck as findUnansweredCheck,
  unansweredControl as findUnansweredControl,
} from '@/utils/request-state'

/** How many calls are kept in memory (older ones are dropped first). */
const MAX_CALLS = 1000
/** How many requests' lists of calls `forRequest` keeps built. */
const MAX_BUILT = 20

/** An action's answer as kept for the pages of its request, with when it came. */
export interface KeptOutcome {
  outcome: ActionOutcome
  /** When the answer was in (epoch ms). */
  answeredAt: number
}

export const useCallsStore = defineStore('calls', () => {
  const requests = useRequestsStore()
  /** Every call made since the page loaded (up to MAX_CALLS), oldest first. */
  const calls = shallowRef<ApiCall[]>([])
  /** Stored calls of the requests loaded with `load`, by request_id, newest first. */
  const stored = shallowRef<ReadonlyMap<string, readonly ApiCall[]>>(new Map())

  /**
   * When a read that found each request was last sent (by request_id): kept while the call log keeps
   * only the newest reads, so that a check a read settled stays settled when that read drops out.
   */
  const foundAt = shallowRef<ReadonlyMap<string, number>>(new Map())

  /** Notes the reads among `list` that found a request. */
  function noteFinds(list: readonly ApiCall[]): void {
    let next: Map<string, number> | null = null
    for (const call of list) {
      if (call.method !== 'GET' || call.pending === true) continue
      for (const id of requestIdsOf(call)) {
        const known = (next ?? foundAt.value).get(id)
        if (known !== undefined && known >= call.startedAt) continue
        if (!readFindsRequest(call, id)) continue
        next ??= new Map(foundAt.value)
        next.set(id, call.startedAt)
      }
    }
    if (next) foundAt.value = next
  }

  /** Lists a call as it is sent (`pending`), or puts its answer in its place. */
  function record(call: ApiCall): void {
    noteFinds([call])
    const list = calls.value
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.key !== call.key) continue
      // A call never goes back to pending.
      if (call.pending === true && list[i]!.pending !== true) return
      const next = list.slice()
      next[i] = call
      calls.value = next
      return
    }
    const next = list.length >= MAX_CALLS ? list.slice(1) : list.slice()
    next.push(call)
    calls.value = next
  }

  /** Keys of this tab's calls sent and not answered yet. */
  const inFlight = computed<ReadonlySet<string>>(
    () => new Set(calls.value.filter((c) => c.pending === true).map((c) => c.key)),
  )

  const stopAnswered = onApiCall(record)
  const stopSent = onApiCallSent(record)
  /** Stops recording this tab's calls. */
  function stop(): void {
    stopAnswered()
    stopSent()
  }

  function setStored(id: string, list: readonly ApiCall[]): void {
    const next = new Map(stored.value)
    next.set(id, list)
    stored.value = next
  }

  /** Reads the stored calls of a request (made in earlier visits or other tabs). */
  async function load(requestId: string): Promise<void> {
    const list = await requests.loadCalls(requestId)
    noteFinds(list)
    setStored(requestId, capCalls(mergeCalls(list, stored.value.get(requestId) ?? [])))
  }

  // Calls another tab stored about a request shown here appear at once, within the same caps as
  // in storage (another tab polling many requests stores a read of each every few seconds).
  const stopRemote = requests.onCallsStored((records) => {
    let next: Map<string, readonly ApiCall[]> | null = null
    noteFinds(records.map((record) => record.call))
    for (const record of records) {
      const current = (next ?? stored.value).get(record.request_id)
      if (!current) continue
      next ??= new Map(stored.value)
      next.set(record.request_id, capCalls(mergeCalls(current, [record.call])))
    }
    if (next) stored.value = next
  })

  /**
   * The last list built by `forRequest` for each request, with the lists it was built from: both
   * are replaced (never changed in place) on every change, so the same two mean the same answer.
   */
  const built = new Map<
    string,
    { from: readonly ApiCall[]; kept: readonly ApiCall[] | undefined; list: readonly ApiCall[] }
  >()

  /**
   * The calls about one request, newest first: this tab's, then the stored ones, within the caps
   * kept per request (the newest actions and reads). Built once per change to the calls, however
   * many parts of a page ask (each poll adds a call): the list is shared, never to be changed.
   */
  function forRequest(requestId: string): readonly ApiCall[] {
    const from = calls.value
    const kept = stored.value.get(requestId)
    const last = built.get(requestId)
    if (last && last.from === from && last.kept === kept) return last.list
    // A search of several ids shows only this request's part of it, as stored (see `callFor`).
    const mine = from
      .filter((c) => requestIdsOf(c).includes(requestId))
      .map((c) => callFor(c, requestId))
    const list = capCalls(mergeCalls(mine, kept ?? []))
    // Only the requests of the pages open lately are asked about: a few, but never grown unbound.
    if (!last && built.size >= MAX_BUILT) built.clear()
    built.set(requestId, { from, kept, list })
    return list
  }

  /**
   * The action (check, cancel, next event) this tab has on its way for each request, by id. Held
   * here, not by a page: a page left and re-created (History and Back) while a check is out sees
   * it still on its way and never sends the PIN again.
   */
  const running = shallowRef<ReadonlyMap<string, ActionName>>(new Map())
  /** The last answer to an action of this tab, by request id. */
  const outcomes = shallowRef<ReadonlyMap<string, KeptOutcome>>(new Map())

  /** Marks `action` as on its way for a request; false (nothing marked) if one already is. */
  function beginAction(requestId: string, action: ActionName): boolean {
    if (running.value.has(requestId)) return false
    running.value = new Map(running.value).set(requestId, action)
    return true
  }

  /** Keeps the answer to an action for the request's pages (the newest replaces the last). */
  function keepOutcome(requestId: string, outcome: ActionOutcome): void {
    outcomes.value = new Map(outcomes.value).set(requestId, { outcome, answeredAt: Date.now() })
  }

  /** The action on its way for a request is done. */
  function endAction(requestId: string): void {
    const next = new Map(running.value)
    next.delete(requestId)
    running.value = next
  }

  /** The action this tab has on its way for a request, if any. */
  function runningAction(requestId: string): ActionName | null {
    return running.value.get(requestId) ?? null
  }

  /**
   * How many checks of a request may have used an attempt the count does not hold yet (see
   * `checksInDoubt`).
   */
  function uncertainChecks(requestId: string): number {
    return checksInDoubt(
      forRequest(requestId),
      requestId,
      inFlight.value,
      foundAt.value.get(requestId) ?? null,
    )
  }

  /**
   * The newest check of a request sent elsewhere (another tab, or this one before a reload) whose
   * answer is not recorded and that no read has settled: it may still be on its way and use up an
   * attempt. Null: none. The same test as `uncertainChecks`.
   */
  function unansweredCheck(requestId: string): ApiCall | null {
    return findUnansweredCheck(
      forRequest(requestId),
      requestId,
      inFlight.value,
      foundAt.value.get(requestId) ?? null,
    )
  }

  /**
   * What became of the newest check of a request whose answer was lost: still in doubt, shown as
   * processed or as not processed by a read sent after it (see `lostCheckFate`). Null: none.
   */
  function lostCheckFate(requestId: string): 'doubt' | 'processed' | 'not_processed' | null {
    return findLostCheckFate(
      forRequest(requestId),
      requestId,
      inFlight.value,
      foundAt.value.get(requestId) ?? null,
    )
  }

  /**
   * The newest cancel or trigger-next-event of a request sent elsewhere (another tab, or this one
   * before a reload) whose answer is not recorded and that no read has settled, with its command.
   */
  function unansweredControl(requestId: string): { call: ApiCall; cmd: string | null } | null {
    return findUnansweredControl(
      forRequest(requestId),
      requestId,
      inFlight.value,
      foundAt.value.get(requestId) ?? null,
    )
  }

  function clear(): void {
    calls.value = []
    stored.value = new Map()
    foundAt.value = new Map()
  }

  /** Stops recording this tab's calls and listening to other tabs. */
  function dispose(): void {
    stop()
    stopRemote()
  }
  // A disposed app (its Pinia, or this store) lists nothing more.
  onScopeDispose(dispose)

  return {
    calls,
    stored,
    inFlight,
    running,
    outcomes,
    record,
    load,
    forRequest,
    beginAction,
    keepOutcome,
    endAction,
    runningAction,
    uncertainChecks,
    unansweredCheck,
    lostCheckFate,
    unansweredControl,
    clear,
    stop,
    dispose,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCallsStore, import.meta.hot))
