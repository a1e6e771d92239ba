/**
 * Starts without an answer: a start that failed with no API answer (a timeout, a dropped
 * connection, a proxy error) has no request_id, so history and the call log cannot keep it. This
 * list keeps each one in this browser's local storage (time, environment, number, brand, the
 * server's code and message, whether it may have gone out) until the user dismisses it, and is
 * shared by open tabs. A chosen PIN (`pin_code`) is never kept.
 *
 * A start is written here before it is sent (`sending`), and taken out again when its answer
 * arrives: a tab closed or reloaded while the start was on its way leaves it listed as "may have
 * gone out". Local storage reaches the disk lazily (a browser that ends abruptly a moment after a
 * write may lose it), so the list is also kept in IndexedDB (utils/starts-db), written with strict
 * durability; the page sends a start only once that copy is written (`whenKept`), and a load lists
 * what either copy holds. The list in memory is authoritative: when local storage is full or disabled, the
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
import { startsDb } from '@/utils/starts-db'

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

/** The readable entries of a stored list (local storage or IndexedDB), damaged ones skipped. */
function readEntries(parsed: unknown): UnansweredStart[] {
  if (!Array.isArray(parsed)) return []
  return parsed.filter(isEntry).map((e) => {
    const entry: UnansweredStart = { ...e, params: withoutPin(e.params) }
    if (typeof entry.probableRequestId !== 'string') delete entry.probableRequestId
    if (typeof entry.laterRequestId !== 'string') delete entry.laterRequestId
    if (entry.sending !== true) delete entry.sending
    return entry
  })
}

function readStored(): UnansweredStart[] {
  try {
    return readEntries(
      JSON.parse(globalThis.localStorage?.getItem(UNANSWERED_STARTS_KEY) ?? '[]') as unknown,
    )
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

/**
 * The longest a start waits for its IndexedDB copy to be written: a database that does not answer
 * (e.g. held by another tab) must not keep the start from being sent; local storage still has it.
 */
const KEEP_WAIT_MS = 2_000

/**
 * How far an entry has come: it only moves on (sent, then settled, then a request named for it),
 * so of two copies of one entry the one further on is the newer.
 */
function progress(entry: UnansweredStart): number {
  return (
    (entry.sending ? 0 : 1) + (entry.probableRequestId ? 1 : 0) + (entry.laterRequestId ? 1 : 0)
  )
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
  /** The IndexedDB copy (null: this browser has none). */
  const durable = startsDb()
  /** Ids this tab wrote or took out before the IndexedDB copy was read (this tab's copy wins). */
  const touchedHere = new Set<string>()
  /** The IndexedDB write of each start being sent. */
  const keeping = new Map<string, Promise<void>>()

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

  /** Writes the changes from the list in memory to `list` to IndexedDB (never throws). */
  function mirror(list: readonly UnansweredStart[]): Promise<void> {
    if (!durable) return Promise.resolve()
    const before = new Map(entries.value.map((e) => [e.id, JSON.stringify(e)]))
    const ids = new Set(list.map((e) => e.id))
    const removed = [...before.keys()].filter((id) => !ids.has(id))
    const put = list.filter((e) => before.get(e.id) !== JSON.stringify(e))
    for (const id of [...removed, ...put.map((e) => e.id)]) touchedHere.add(id)
    return durable.write(put, removed).catch(() => {
      // Local storage (or this tab's memory, reported) still holds the list.
    })
  }

  function save(next: UnansweredStart[]): Promise<void> {
    const list = [...next].sort((a, b) => b.at - a.at)
    const written = mirror(list)
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
    return written
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
    keeping.set(entry.id, save([entry, ...current().filter((e) => e.id !== entry.id)]))
    return entry
  }

  /**
   * Resolves once the start recorded by `recordSending` is written to disk (IndexedDB, strict
   * durability), or could not be, or after KEEP_WAIT_MS: send the start only then, so that a
   * browser ending abruptly right after the start went out still lists it on the next load.
   */
  async function whenKept(id: string): Promise<void> {
    const write = keeping.get(id)
    if (!write) return
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([
      write,
      new Promise<void>((done) => (timer = setTimeout(done, KEEP_WAIT_MS))),
    ])
    clearTimeout(timer)
    keeping.delete(id)
  }

  /**
   * Ends a start recorded by `recordSending`: with no failure given (an API answer arrived) it is
   * removed; with one (no answer: a timeout, a dropped connection) it stays, saying so.
   */
  function settle(id: string, failure: NoAnswer | null): UnansweredStart | null {
    setSending(id, false)
    keeping.delete(id)
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

  /**
   * Takes in the IndexedDB copy, written in order and to disk, while local storage may have lost its
   * last changes (the browser ended just after them): a start only it holds is listed again, and of
   * two copies of an entry the one further on is kept. An entry only local storage holds (kept by
   * an older version, or by another tab whose copy is on its way) stays, and is copied there. What
   * this tab changed meanwhile stays as this tab has it.
   */
  async function loadDurable(): Promise<void> {
    if (!durable) return
    let stored: UnansweredStart[]
    try {
      stored = readEntries(await durable.readAll()).filter((e) => !touchedHere.has(e.id))
    } catch {
      return
    }
    const list = current()
    const byId = new Map(list.map((e) => [e.id, e]))
    let changed = false
    for (const entry of stored) {
      const held = byId.get(entry.id)
      if (held && progress(held) >= progress(entry)) continue
      byId.set(entry.id, entry)
      changed = true
    }
    const inDb = new Set(stored.map((e) => e.id))
    const missing = list.filter((e) => !inDb.has(e.id) && !touchedHere.has(e.id))
    if (missing.length > 0) void durable.write(missing, []).catch(() => {})
    if (changed) await save([...byId.values()])
  }

  /** Resolves once the IndexedDB copy is taken in (the list may grow then). */
  const loaded = loadDurable()

  /** Resolves once every change made so far is written to IndexedDB (or could not be). */
  async function flush(): Promise<void> {
    await loaded
    await durable?.write([], [])
  }

  return {
    entries,
    sorted,
    sendingHere,
    loaded,
    flush,
    recordSending,
    whenKept,
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
