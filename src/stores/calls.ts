/**
 * The calls made in this tab, as sent and received (credentials masked by the client), so the
 * request page can show them and offer "copy as curl". Kept in memory only; the newest are kept.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { shallowRef } from 'vue'
import { onApiCall, type ApiCall } from '@/api/client'

/** How many calls are kept (older ones are dropped first). */
export const MAX_CALLS = 1000

function ids(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return []
}

/** The request_ids a call was about: in its query, body or answer. */
export function requestIdsOf(call: ApiCall): string[] {
  const out = new Set<string>()
  for (const id of ids(call.query.request_id)) out.add(id)
  for (const id of ids(call.query.request_ids)) out.add(id)
  if (call.body) for (const id of ids(call.body.request_id)) out.add(id)
  const response = call.response
  if (typeof response === 'object' && response !== null) {
    const r = response as { request_id?: unknown; verification_requests?: unknown }
    for (const id of ids(r.request_id)) out.add(id)
    if (Array.isArray(r.verification_requests)) {
      for (const item of r.verification_requests as { request_id?: unknown }[]) {
        for (const id of ids(item?.request_id)) out.add(id)
      }
    }
  }
  return [...out].filter(Boolean)
}

export const useCallsStore = defineStore('calls', () => {
  /** Every call made since the page loaded (up to MAX_CALLS), oldest first. */
  const calls = shallowRef<ApiCall[]>([])

  function record(call: ApiCall): void {
    const next = calls.value.length >= MAX_CALLS ? calls.value.slice(1) : calls.value.slice()
    next.push(call)
    calls.value = next
  }

  const stop = onApiCall(record)

  /** The calls about one request, newest first. */
  function forRequest(requestId: string): ApiCall[] {
    return calls.value.filter((c) => requestIdsOf(c).includes(requestId)).reverse()
  }

  function clear(): void {
    calls.value = []
  }

  return { calls, record, forRequest, clear, stop }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCallsStore, import.meta.hot))
