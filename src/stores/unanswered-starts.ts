/**
 * Starts without an answer: a start that failed with no API answer (a timeout, a dropped
 * connection, a proxy error) has no request_id, so history and the call log cannot keep it. This
 * list keeps each one in this browser's local storage (time, environment, number, brand, the
 * server's code and message, whether it may have gone out) until the user dismisses it, and is
 * shared by open tabs. A chosen PIN (`pin_code`) is never kept.
 *
 * A start is written here before it is sent (`sending`), and taken out again when its answer
 * arrives: a tab closed or reloaded while the start was on its way leaves it listed as "may have
 * gone out". The list in memory is authoritative: when local storage is full or disabled, the
 * entries it could not hold stay listed in this tab, the failure is reported (storage-problems),
 * and every later change tries to write them again. There is no cap: nothing leaves the list
 * unless it is dismissed (or its start got an answer).
 *
 * It also remembers, for this tab only, how the last start to each number ended, so that a
 * status 10 right after an uncertain start can be recognised as probably that start. Such a start
 * is then resolved (`resolve`): it is the request Vonage named, which History keeps from then on
 * with what was entered for it.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { EnvironmentId } from '@contract/desk'
import type { RequestKind } from '@contract/params'
import type { Delivery } from '@/utils/call-failure'
import { storageReason, useStorageProblemsStore } from '@/stores/storage-problems'

export const UNANSWERED_STARTS_KEY = 'verify-desk:unanswered-starts'
/** The code and message of a start whose answer never reached the page that sent it. */
export const NO_ANSWER_CODE = 'no_answer'
const NO_ANSWER_MESSAGE =
  'No answer was recorded: the page that sent it was closed or reloaded before the answer ' +
  'arrived (or another tab is still waiting for it).'
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
  /**
   * Written before the start was sent, its answer not (yet) in. Listed as "may have gone out"
   * unless this very tab is still waiting for the answer (then it is not listed at all).
   */
  sending?: true
}

/** What is known of a start before it is sent. */
export type StartSent = Pick<
  UnansweredStart,
  'at' | 'environment' | 'kind' | 'number' | 'brand' | 'params'
>

/** How a start without an answer ended. */
export type NoAnswer = Pick<UnansweredStart, 'code' | 'httpStatus' | 'message' | 'delivery'>

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
      if (entry.sending !== true) delete entry.sending
      return entry
    })
  } catch {
    return []
  }
}

/** Writes the list; throws when storage is full or disabled. */
function writeStored(entries: UnansweredStart[]): void {
  if (entries.length === 0) globalThis.localStorage?.removeItem(UNANSWERED_STARTS_KEY)
  else globalThis.localStorage?.setItem(UNANSWERED_STARTS_KEY, JSON.stringify(entries))
}

function newId(at: number): string {
  return `${at.toString(36)}-${Math.random().toString(36).slice(2, 8)}`
}

/** The longest a Verify request can block its number (status 10): an hour covers every workflow. */
const REQUEST_LIFETIME_MS = 60 * 60 * 1000

/** How the last start to a number ended in this tab (not stored: "in this tab"). */
export type LastStart = { outcome: 'uncertain'; entryId: string } | { outcome: 'answered' }

function numberKey(environment: EnvironmentId, number: string): string {
  return `${environment}:${number}`
}

export const useUnansweredStartsStore = defineStore('unanswered-starts', () => {
  const problems = useStorageProblemsStore()
  const entries = ref<UnansweredStart[]>(readStored())
  const lastInTab = new Map<string, LastStart>()
  /** Entries this tab is sending now (their answer may still come). */
  const sendingHere = ref<ReadonlySet<string>>(new Set())
  /** Ids of entries held in memory that the last write could not store. */
  let unsaved = new Set<string>()
  /** Starts resolved in this tab as the request Vonage named (status 10), by environment and id. */
  const resolved = new Map<string, UnansweredStart>()

  /** Newest first, without the starts this tab is still waiting for. */
  const sorted = computed(() =>
    [...entries.value].filter((e) => !sendingHere.value.has(e.id)).sort((a, b) => b.at - a.at),
  )

  /**
   * The list as it is now: what storage holds (another tab may have changed it), with the entries
   * of this tab that storage could not take (memory wins for those).
   */
  function current(): UnansweredStart[] {
    const stored = readStored()
    if (unsaved.size === 0) return stored
    const mine = entries.value.filter((e) => unsaved.has(e.id))
    const ids = new Set(mine.map((e) => e.id))
    return [...mine, ...stored.filter((e) => !ids.has(e.id))]
  }

  function save(next: UnansweredStart[]): void {
    const list = [...next].sort((a, b) => b.at - a.at)
    entries.value = list
    try {
      writeStored(list)
      unsaved = new Set()
      problems.resolve(UNANSWERED_STARTS_KEY)
    } catch (cause) {
      const stored = new Map(readStored().map((e) => [e.id, JSON.stringify(e)]))
      unsaved = new Set(list.filter((e) => stored.get(e.id) !== JSON.stringify(e)).map((e) => e.id))
      const count = list.filter((e) => unsaved.has(e.id) && !sendingHere.value.has(e.id)).length
      problems.report({
        key: UNANSWERED_STARTS_KEY,
        area: 'unanswered-starts',
        message:
          count === 1
            ? `1 start without an answer could not be saved in this browser (${storageReason(cause)}). ` +
              'It stays listed on New verification while this tab is open; dismiss it or others ' +
              'you no longer need to make room, and it is saved again with the next change.'
            : `${count} starts without an answer could not be saved in this browser (${storageReason(cause)}). ` +
              'They stay listed on New verification while this tab is open; dismiss the ones you ' +
              'no longer need to make room, and they are saved again with the next change.',
      })
    }
  }

  function setSending(id: string, on: boolean): void {
    const next = new Set(sendingHere.value)
    if (on) next.add(id)
    else next.delete(id)
    sendingHere.value = next
  }

  /**
   * Keeps a start before it is sent: if the page closes before its answer, the next load lists
   * it as "may have gone out". Settle it with `settle` when the answer (or failure) arrives.
   */
  function recordSending(start: StartSent): UnansweredStart {
    const entry: UnansweredStart = {
      ...start,
      id: newId(start.at),
      params: withoutPin(start.params),
      code: NO_ANSWER_CODE,
      httpStatus: null,
      message: NO_ANSWER_MESSAGE,
      delivery: 'maybe',
      sending: true,
    }
    setSending(entry.id, true)
    save([entry, ...current().filter((e) => e.id !== entry.id)])
    return entry
  }

  /**
   * Ends a start recorded by `recordSending`: with no failure given (an API answer arrived) it is
   * removed; with one (no answer: a timeout, a dropped connection) it stays, saying so.
   */
  function settle(id: string, failure: NoAnswer | null): UnansweredStart | null {
    setSending(id, false)
    const all = current()
    const entry = all.find((e) => e.id === id)
    if (!failure) {
      unsaved.delete(id)
      save(all.filter((e) => e.id !== id))
      return null
    }
    const base = entry ?? entries.value.find((e) => e.id === id)
    if (!base) return null
    const settled: UnansweredStart = { ...base, ...failure }
    delete settled.sending
    save([settled, ...all.filter((e) => e.id !== id)])
    // A start that was not sent changes nothing: an earlier uncertain one stays the likely cause.
    if (failure.delivery === 'maybe') {
      lastInTab.set(numberKey(settled.environment, settled.number), {
        outcome: 'uncertain',
        entryId: settled.id,
      })
    }
    return settled
  }

  /**
   * Notes that a start to this number got an API answer (started or refused with a status). With
   * the request_id of a start Vonage accepted, the earlier entries for the number that are still
   * open say so: a start still in progress would have made Vonage answer status 10 instead.
   */
  function answered(environment: EnvironmentId, number: string, startedId?: string): void {
    lastInTab.set(numberKey(environment, number), { outcome: 'answered' })
    if (!startedId) return
    const all = current()
    let changed = false
    for (const [i, entry] of all.entries()) {
      if (
        entry.environment === environment &&
        entry.number === number &&
        !entry.probableRequestId &&
        !entry.laterRequestId &&
        !sendingHere.value.has(entry.id)
      ) {
        all[i] = { ...entry, laterRequestId: startedId }
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
    const all = current()
    const index = all.findIndex((e) => e.id === id)
    if (index < 0) return
    all[index] = { ...all[index]!, probableRequestId: requestId }
    save(all)
  }

  /**
   * The start is the request Vonage named with status 10 (`requestId`), now in History with what
   * was entered for it: it leaves the list. A later status 10 in this tab naming the same request
   * for the same number is recognised as that start again (`resolvedAs`).
   */
  function resolve(id: string, requestId: string): void {
    const all = current()
    const entry = all.find((e) => e.id === id) ?? entries.value.find((e) => e.id === id)
    if (!entry) return
    resolved.set(numberKey(entry.environment, requestId), entry)
    unsaved.delete(id)
    save(all.filter((e) => e.id !== id))
  }

  /** The start resolved in this tab as `requestId`, when it was made to this number. */
  function resolvedAs(
    environment: EnvironmentId,
    number: string,
    requestId: string,
  ): UnansweredStart | null {
    const entry = resolved.get(numberKey(environment, requestId))
    return entry && entry.number === number ? entry : null
  }

  function dismiss(id: string): void {
    const all = current()
    unsaved.delete(id)
    save(all.filter((e) => e.id !== id))
  }

  /** Re-reads the list (another tab changed it), keeping what this tab could not store. */
  function reload(): void {
    entries.value = current()
  }

  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (event) => {
      if (event.key === UNANSWERED_STARTS_KEY || event.key === null) reload()
    })
  }

  return {
    entries,
    sorted,
    sendingHere,
    recordSending,
    settle,
    answered,
    uncertainBefore,
    nameRequest,
    resolve,
    resolvedAs,
    dismiss,
    reload,
  }
})

if (import.meta.hot) {
  import.meta.hot.accept(acceptHMRUpdate(useUnansweredStartsStore, import.meta.hot))
}
