/**
 * The calls made about each request, as sent and received (credentials masked by the client), so
 * the request page can show them and offer "copy as curl". This tab's calls are held in memory
 * (the newest MAX_CALLS); the history store keeps each request's calls in IndexedDB with its entry,
 * so they are still there after a reload or in another tab (see utils/call-log for what is stored).
 * A call is listed from the moment it is sent (`pending`), and its answer replaces it in place.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import { onApiCall, onApiCallSent, type ApiCall } from '@/api/client'
import { mergeCalls, requestIdsOf } from '@/utils/call-log'
import { useRequestsStore } from '@/stores/requests'

/** How many calls are kept in memory (older ones are dropped first). */
const MAX_CALLS = 1000

export const useCallsStore = defineStore('calls', () => {
  const requests = useRequestsStore()
  /** Every call made since the page loaded (up to MAX_CALLS), oldest first. */
  const calls = shallowRef<ApiCall[]>([])
  /** Stored calls of the requests loaded with `load`, by request_id, newest first. */
  const stored = shallowRef<ReadonlyMap<string, readonly ApiCall[]>>(new Map())

  /** Lists a call as it is sent (`pending`), or puts its answer in its place. */
  function record(call: ApiCall): void {
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
    setStored(requestId, mergeCalls(list, stored.value.get(requestId) ?? []))
  }

  // Calls another tab stored about a request shown here appear at once.
  const stopRemote = requests.onCallsStored((records) => {
    let next: Map<string, readonly ApiCall[]> | null = null
    for (const record of records) {
      const current = (next ?? stored.value).get(record.request_id)
      if (!current) continue
      next ??= new Map(stored.value)
      next.set(record.request_id, mergeCalls(current, [record.call]))
    }
    if (next) stored.value = next
  })

  /** The calls about one request, newest first: this tab's, then the stored ones. */
  function forRequest(requestId: string): ApiCall[] {
    const mine = calls.value.filter((c) => requestIdsOf(c).includes(requestId))
    return mergeCalls(mine, stored.value.get(requestId) ?? [])
  }

  function clear(): void {
    calls.value = []
    stored.value = new Map()
  }

  /** Stops recording this tab's calls and listening to other tabs. */
  function dispose(): void {
    stop()
    stopRemote()
  }

  return { calls, stored, inFlight, record, load, forRequest, clear, stop, dispose }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCallsStore, import.meta.hot))
