/**
 * Starts without an answer: a start that failed with no API answer (a timeout, a dropped
 * connection, a proxy error) has no request_id, so history and the call log cannot keep it. This
 * list keeps each one in this browser's local storage (time, environment, number, brand, the
 * server's code and message, whether it may have gone out) until the user dismisses it, and is
 * shared by open tabs. A chosen PIN (`pin_code`) is never kept.
 *
 * It also remembers, for this tab only, how the last start to each number ended, so that a
 * status 10 right after an uncertain start can be recognised as probably that start.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { EnvironmentId } from '@contract/desk'
import type { RequestKind } from '@contract/params'
import type { Delivery } from '@/utils/call-failure'

export const UNANSWERED_STARTS_KEY = 'verify-desk:unanswered-starts'
/** The newest entries kept; older ones are dropped. */
export const MAX_UNANSWERED_STARTS = 50
/** Parameters never kept. */
const NOT_KEPT: ReadonlySet<string> = new Set(['pin_code'])

export interface UnansweredStart {
  id: string
  /** Epoch ms when the start was sent. */
  at: number
  environment: EnvironmentId
  kind: RequestKind
  /** E.164 digits as sent. */
  number: string
  brand: string
  /** The other parameters as sent, without `pin_code`, to send it again. */
  params: Record<string, string>
  /** The server's code (`upstream_timeout`, …) or the error kind (`timeout`, `network`). */
  code: string
  httpStatus: number | null
  message: string
  delivery: Delivery
  /** A request Vonage later named for this number with status 10 (probably this start). */
  probableRequestId?: string
  /** A later start to this number that Vonage accepted (status 0): this one had not gone through. */
  laterRequestId?: string
}

const DELIVERIES: ReadonlySet<string> = new Set(['maybe', 'not_sent', 'refused', 'token'])

function isEntry(value: unknown): value is UnansweredStart {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.id === 'string' &&
    typeof v.at === 'number' &&
    (v.environment === 'sandbox' || v.environment === 'live') &&
    (v.kind === 'request' || v.kind === 'psd2') &&
    typeof v.number === 'string' &&
    typeof v.brand === 'string' &&
    typeof v.params === 'object' &&
    v.params !== null &&
    typeof v.code === 'string' &&
    (v.httpStatus === null || typeof v.httpStatus === 'number') &&
    typeof v.message === 'string' &&
    typeof v.delivery === 'string' &&
    DELIVERIES.has(v.delivery)
  )
}

function withoutPin(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(params)) {
    if (!NOT_KEPT.has(key) && typeof value === 'string') out[key] = value
  }
  return out
}

function readStored(): UnansweredStart[] {
  try {
    const parsed = JSON.parse(
      globalThis.localStorage?.getItem(UNANSWERED_STARTS_KEY) ?? '[]',
    ) as unknown
    if (!Array.isArray(parsed)) return []
    return parsed.filter(isEntry).map((e) => {
      const entry: UnansweredStart = { ...e, params: withoutPin(e.params) }
      if (typeof entry.probableRequestId !== 'string') delete entry.probableRequestId
      if (typeof entry.laterRequestId !== 'string') delete entry.laterRequestId
      return entry
    })
  } catch {
    return []
  }
}

function writeStored(entries: UnansweredStart[]): void {
  try {
    if (entries.length === 0) globalThis.localStorage?.removeItem(UNANSWERED_STARTS_KEY)
    else globalThis.localStorage?.setItem(UNANSWERED_STARTS_KEY, JSON.stringify(entries))
  } catch {
    // Storage full or disabled: the list then lasts as long as the page.
  }
}

/** The longest a Verify request can block its number (status 10): an hour covers every workflow. */
const REQUEST_LIFETIME_MS = 60 * 60 * 1000

/** How the last start to a number ended in this tab (not stored: "in this tab"). */
export type LastStart = { outcome: 'uncertain'; entryId: string } | { outcome: 'answered' }

function numberKey(environment: EnvironmentId, number: string): string {
  return `${environment}:${number}`
}

export const useUnansweredStartsStore = defineStore('unanswered-starts', () => {
  const entries = ref<UnansweredStart[]>(readStored())
  const lastInTab = new Map<string, LastStart>()

  /** Newest first. */
  const sorted = computed(() => [...entries.value].sort((a, b) => b.at - a.at))

  function save(next: UnansweredStart[]): void {
    const kept = [...next].sort((a, b) => b.at - a.at).slice(0, MAX_UNANSWERED_STARTS)
    entries.value = kept
    writeStored(kept)
  }

  /** Keeps a start that got no answer; returns the stored entry. */
  function record(
    start: Omit<UnansweredStart, 'id' | 'params'> & { params: Record<string, string> },
  ): UnansweredStart {
    const entry: UnansweredStart = {
      ...start,
      id: `${start.at.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      params: withoutPin(start.params),
    }
    // Another tab may have added entries since this one read the list.
    save([entry, ...readStored().filter((e) => e.id !== entry.id)])
    // A start that was not sent changes nothing: an earlier uncertain one stays the likely cause.
    if (start.delivery === 'maybe') {
      lastInTab.set(numberKey(start.environment, start.number), {
        outcome: 'uncertain',
        entryId: entry.id,
      })
    }
    return entry
  }

  /**
   * Notes that a start to this number got an API answer (started or refused with a status). With
   * the request_id of a start Vonage accepted, the earlier entries for the number that are still
   * open say so: a start still in progress would have made Vonage answer status 10 instead.
   */
  function answered(environment: EnvironmentId, number: string, startedId?: string): void {
    lastInTab.set(numberKey(environment, number), { outcome: 'answered' })
    if (!startedId) return
    const all = readStored()
    let changed = false
    for (const entry of all) {
      if (
        entry.environment === environment &&
        entry.number === number &&
        !entry.probableRequestId &&
        !entry.laterRequestId
      ) {
        entry.laterRequestId = startedId
        changed = true
      }
    }
    if (changed) save(all)
  }

  /**
   * The earlier start to this number that ended without a sure answer: the last one in this tab,
   * else (after a reload, in another tab) the newest kept entry for the number that may have gone
   * out within a request's lifetime and that no later accepted start ruled out.
   */
  function uncertainBefore(
    environment: EnvironmentId,
    number: string,
    now: number = Date.now(),
  ): UnansweredStart | null {
    const last = lastInTab.get(numberKey(environment, number))
    if (last?.outcome === 'answered') return null
    if (last?.outcome === 'uncertain')
      return entries.value.find((e) => e.id === last.entryId) ?? null
    return (
      sorted.value.find(
        (e) =>
          e.environment === environment &&
          e.number === number &&
          e.delivery === 'maybe' &&
          !e.laterRequestId &&
          now - e.at < REQUEST_LIFETIME_MS,
      ) ?? null
    )
  }

  /** Notes the request Vonage named (status 10) for the number of this entry. */
  function nameRequest(id: string, requestId: string): void {
    const all = readStored()
    const entry = all.find((e) => e.id === id)
    if (!entry) return
    entry.probableRequestId = requestId
    save(all)
  }

  function dismiss(id: string): void {
    save(readStored().filter((e) => e.id !== id))
  }

  /** Re-reads the list (another tab changed it). */
  function reload(): void {
    entries.value = readStored()
  }

  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (event) => {
      if (event.key === UNANSWERED_STARTS_KEY || event.key === null) reload()
    })
  }

  return { entries, sorted, record, answered, uncertainBefore, nameRequest, dismiss, reload }
})

if (import.meta.hot) {
  import.meta.hot.accept(acceptHMRUpdate(useUnansweredStartsStore, import.meta.hot))
}
