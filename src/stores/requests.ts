/**
 * History: every request started, checked, looked up or taken from the sandbox handset.
 * Held in memory as one non-deep-reactive array (fast at 100,000 entries) and persisted per entry
 * in IndexedDB; changes are broadcast to other open tabs, which merge them (newer `updatedAt` wins).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { onScopeDispose, ref, shallowRef } from 'vue'
import { searchRequests, type EnvironmentId, type SearchResult } from '@/api/verify'
import { statusInfo } from '@contract/status'
import { isApiError, onApiCall, onApiCallSent, type ApiCall } from '@/api/client'
import { answeredWithHttp, describeReadFailure, waitedNextStep } from '@/utils/call-failure'
import { storageReason, useStorageProblemsStore } from '@/stores/storage-problems'
import { useSettingsStore } from '@/stores/settings'
import { readStoredCall, toStoredCalls, type StoredCall } from '@/utils/call-log'
import { stashedCall } from '@/utils/call-stash'
import { batches } from '@/utils/history-lookup'
import { shortId } from '@/utils/short-id'
import type { HistoryChange } from '@/utils/history-sorted'
import {
  DAY_MS,
  historyToCsv,
  historyToJson,
  parseHistoryFile,
  planImport,
  type ImportCounts,
  type ImportOutcome,
} from '@/utils/history-io'
import {
  FIRST_SCREEN,
  HISTORY_CHANNEL,
  HISTORY_TAB_ID,
  NewerVersionError,
  openHistoryDb,
  memoryHistoryDb,
  type HistoryTabMessage,
  type DamagedRecord,
  type HistoryDb,
  type OpenHistoryDbOptions,
} from '@/utils/history-db'
import {
  applyPatch,
  isFinalStatus,
  isSettled,
  gonePatch,
  mergeEntries,
  observedPatch,
  patchFromAction,
  patchFromSearch,
  readEntry,
  type ActionRecord,
  type HistoryEntry,
  type HistoryPatch,
  type HistoryStatus,
} from '@/utils/history-entry'

export type {
  HistoryEntry,
  HistoryPatch,
  HistoryStatus,
  HistoryEnvironment,
  HistoryKind,
  HistorySource,
  HistorySearchSnapshot,
  HistoryError,
  ActionRecord,
} from '@/utils/history-entry'

export { HistoryImportError, CSV_COLUMNS } from '@/utils/history-io'
export type { HistoryChange } from '@/utils/history-sorted'

/** Publications whose changes are kept for `changesSince` (a view lags a few at most). */
const KEPT_PUBLICATIONS = 16

export interface WriteOptions {
  /** Only update entries still stored: for background refreshes, never for what a user adds. */
  existingOnly?: boolean
  /**
   * When the API call whose answer the patches carry was sent (epoch ms). The answer then never
   * undoes a later action nor turns a final status back (see `observedPatch`).
   */
  observedAt?: number
}
/** The proxy allows one live search per second. */
const LIVE_SEARCH_GAP_MS = 1000

/** Call records wait this long for their request to appear in history, then are dropped. */
const CALL_WAIT_MS = 60_000
/** How often entries and calls that could not be stored are tried again. */
const RETRY_SAVE_MS = 5_000
/** Storage-problem keys of this store. */
const UNSAVED_PROBLEM = 'history-unsaved'
/**
 * The session storage key of what storage refused: a reload of the tab takes it in again (and
 * tries to store it); closing the tab loses it, so leaving the page asks first.
 */
export const UNSAVED_SESSION_KEY = 'verify-desk:history-unsaved'
const MEMORY_PROBLEM = 'history-memory'

/** A status change seen by this store (`remote`: it came from another tab). */
export interface StatusChange {
  entry: HistoryEntry
  previous: HistoryStatus | undefined
  remote: boolean
}

/** What a look-up found: ids by outcome, and the calls that failed. */
export interface LookupReport {
  found: HistoryEntry[]
  /** Ids search did not find (status 101). */
  notFound: string[]
  /**
   * Batches that failed for another reason (other status, network): nothing known about them.
   * `nextStep` says whether trying again can help (a refusal will happen again).
   */
  failed: { ids: string[]; message: string; nextStep: string }[]
  /** Search calls made (ten ids per call). */
  calls: number
}

/** What an import did. */
export type ImportReport = ImportCounts

export interface ImportOptions {
  /** @default the retention in Settings */
  retentionDays?: number
  /** @default Date.now() */
  now?: number
}

/** Store options, set before first use (tests use a separate database name). */
export const historyStoreOptions: OpenHistoryDbOptions & { channel?: string } = {}

export const useRequestsStore = defineStore('requests', () => {
  const problems = useStorageProblemsStore()
  /** All entries, unordered; replaced (never mutated) on every change. */
  const entries = shallowRef<readonly HistoryEntry[]>([])
  /** True until the first screen of entries is loaded. */
  const isLoading = ref(true)
  /** True while the rest of a large history is still being read (entries grows meanwhile). */
  const loadingRest = ref(false)
  /** Records in storage when the store opened (for "loaded n of m"). */
  const storedCount = ref(0)
  /**
   * The last failed action, in words. A save failure stays until what was not saved is stored
   * (an unrelated success never clears it).
   */
  const error = ref<string | null>(null)
  /**
   * Why the last JSON export holds only part of the calls (the stored ones could not be read), or
   * null: each export says it afresh. Also shown as `error` until the next export.
   */
  const exportWarning = ref<string | null>(null)
  /** Entries changed in this tab that storage refused, by request_id: kept and tried again. */
  const unsaved = shallowRef<ReadonlyMap<string, HistoryEntry>>(new Map())
  /** Call records storage refused: kept and tried again. */
  let unsavedCalls: StoredCall[] = []
  /** Why the last save failed (null once everything is stored). */
  let saveFailure: string | null = null
  /** The last save failed because a newer version took the database: retrying cannot help. */
  let newerVersion = false
  /** Where this tab keeps what is not saved across its reloads (one key per database). */
  const sessionKey = historyStoreOptions.name
    ? `${UNSAVED_SESSION_KEY}:${historyStoreOptions.name}`
    : UNSAVED_SESSION_KEY
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let disposed = false
  /**
   * Set once disposed and closed: what an action of this store still on its way then fails to
   * store is dropped, never kept in the tab's session storage, where the app that lives on keeps
   * its own.
   */
  let closed = false
  /** Set when history is kept in memory only (IndexedDB could not open). */
  /** Stored records that could not be read (left in place, reported here). */
  const damaged = shallowRef<DamagedRecord[]>([])
  /** Records migrated from an older stored shape when the database was opened. */
  const migrated = ref(0)
  const storage = ref<'indexeddb' | 'memory'>('indexeddb')

  const byKey = new Map<string, HistoryEntry>()
  const listeners = new Set<(change: StatusChange) => void>()
  const callListeners = new Set<(records: readonly StoredCall[]) => void>()
  let db: HistoryDb = memoryHistoryDb()
  let channel: BroadcastChannel | null = null

  /** The number of each published `entries` list (see `changesSince`). */
  const versions = new WeakMap<readonly HistoryEntry[], number>()
  let version = 0
  /** What the last publications changed, oldest first (null: something else, e.g. a removal). */
  const publications: { version: number; changes: readonly HistoryChange[] | null }[] = []

  /**
   * Publishes `byKey` as the new `entries`. `changes` lists every entry set since the last
   * publication (a new id is added at the end of the list); without it, anything may have changed.
   */
  function publish(changes: Map<string, HistoryChange> | null = null): void {
    const list = Array.from(byKey.values())
    versions.set(list, ++version)
    publications.push({ version, changes: changes ? [...changes.values()] : null })
    if (publications.length > KEPT_PUBLICATIONS) publications.shift()
    entries.value = list
  }

  /** The entries of a chunk read from storage that are new or newer than the copy in memory. */
  function newerThanHeld(chunk: readonly HistoryEntry[]): HistoryEntry[] {
    return chunk.filter((entry) => {
      const current = byKey.get(entry.request_id)
      return !current || current.updatedAt < entry.updatedAt
    })
  }

  /** Sets one entry, noting it in `changes` (the first previous copy, the last new one). */
  function setEntry(changes: Map<string, HistoryChange>, next: HistoryEntry): void {
    const id = next.request_id
    const noted = changes.get(id)
    if (noted) noted.next = next
    else changes.set(id, { previous: byKey.get(id), next })
    byKey.set(id, next)
  }

  /**
   * What changed from an earlier `entries` list to the current one, one list per publication in
   * order, for views that keep derived lists up to date instead of recomputing them; `null` when
   * that is not known (a removal, or too many publications ago): then recompute in full.
   */
  function changesSince(list: readonly HistoryEntry[]): (readonly HistoryChange[])[] | null {
    const current = entries.value
    if (list === current) return []
    const from = versions.get(list)
    if (from === undefined) return null
    const steps = publications.filter((p) => p.version > from)
    if (steps.length !== version - from) return null
    const out: (readonly HistoryChange[])[] = []
    for (const step of steps) {
      if (!step.changes) return null
      out.push(step.changes)
    }
    return out
  }

  /** Puts entries into memory (newer wins) and tells status listeners. */
  function absorb(incoming: readonly HistoryEntry[], remote: boolean, force = false): void {
    const changes = new Map<string, HistoryChange>()
    for (const entry of incoming) {
      const current = byKey.get(entry.request_id)
      const next = force ? entry : mergeEntries(current, entry)
      setEntry(changes, next)
      if (current?.status !== next.status) {
        for (const listener of listeners)
          listener({ entry: next, previous: current?.status, remote })
      }
    }
    publish(changes)
    if (waitingCalls.length > 0) scheduleCallWrite()
  }

  function broadcast(message: HistoryTabMessage): void {
    try {
      channel?.postMessage(message)
    } catch {
      // A closed channel (tab closing) loses nothing: the data is in IndexedDB.
    }
  }

  /**
   * While the rest of history is read, the count taken at open is the total shown ("Export all
   * 205"): a removal (here or in another tab) takes it again, so the total never names an entry
   * already deleted.
   */
  async function recountWhileLoading(): Promise<void> {
    if (!loadingRest.value) return
    try {
      storedCount.value = await db.count()
    } catch {
      // Unreadable now: the entries shown still count once the rest is read.
    }
  }

  function onMessage(event: MessageEvent<HistoryTabMessage>): void {
    const message = event.data
    if (message.type === 'put') absorb(message.entries, true)
    else if (message.type === 'remove') {
      for (const id of message.ids) byKey.delete(id)
      publish()
      void recountWhileLoading()
    } else if (message.type === 'clear') {
      byKey.clear()
      publish()
      void recountWhileLoading()
    } else if (message.type === 'calls') {
      if (message.from === HISTORY_TAB_ID) return
      for (const listener of callListeners) listener(message.records)
    } else if (message.type === 'reload') {
      if (message.from === HISTORY_TAB_ID) return
      void reload()
    }
  }

  /** A reload running, and whether another was asked for meanwhile (it then runs once more). */
  let reloading: Promise<void> | null = null
  let reloadAgain = false

  /**
   * Reads history again from IndexedDB (another context wrote many entries at once, e.g. an
   * import), in chunks as at startup so the page stays responsive: each chunk takes in what is new
   * or newer than the copy in memory, and tells status listeners.
   */
  function reload(): Promise<void> {
    if (reloading) {
      reloadAgain = true
      return reloading
    }
    reloading = (async () => {
      try {
        await ready
        do {
          reloadAgain = false
          const loaded = await db.loadAll((chunk) => {
            const newer = newerThanHeld(chunk)
            if (newer.length > 0) absorb(newer, true)
          })
          damaged.value = loaded.damaged
          storedCount.value = Math.max(storedCount.value, byKey.size)
        } while (reloadAgain && !disposed)
      } catch (cause) {
        error.value = `History could not be read: ${cause instanceof Error ? cause.message : cause}`
      } finally {
        reloading = null
      }
    })()
    return reloading
  }

  // -------------------------------------------------------------------------------------------
  // The call log: every call about a request is stored with its entry (see utils/call-log for
  // what is masked and how much is kept). A call is written once its request is in history (a
  // start's call arrives just before its entry); calls about ids that never enter history (a
  // look-up that found nothing) are dropped after CALL_WAIT_MS. A call that changes something
  // (check, control) is stored as it is sent (pending), so a reload before its answer does not
  // lose it, then again with its answer. A check or control not stored yet (its request not in
  // history yet, or its write under way) is kept in this tab's session storage meanwhile (see
  // `stashUnsaved`): a reload takes it in again, and it waits for its request once more.

  let waitingCalls: { record: StoredCall; at: number }[] = []
  /** Calls being written now (out of `waitingCalls`, not stored yet). */
  let writingCalls: StoredCall[] = []
  let callWrite: Promise<void> | null = null
  let callsDirty = false

  function scheduleCallWrite(): void {
    callsDirty = true
    callWrite ??= (async () => {
      await ready
      while (callsDirty) {
        callsDirty = false
        await writeDueCalls()
      }
      callWrite = null
    })()
  }

  async function writeDueCalls(): Promise<void> {
    const now = Date.now()
    const due: StoredCall[] = []
    const keep: typeof waitingCalls = []
    let actionsLeft = false
    for (const item of waitingCalls) {
      if (byKey.has(item.record.request_id)) due.push(item.record)
      else if (now - item.at < CALL_WAIT_MS) keep.push(item)
      else if (item.record.kind === 'action') actionsLeft = true
    }
    waitingCalls = keep
    if (due.length === 0) {
      // A check or control given up on leaves the session storage too.
      if (actionsLeft) stashUnsaved()
      return
    }
    writingCalls = due
    try {
      await db.addCalls(due)
      broadcast({ type: 'calls', records: due })
    } catch (cause) {
      keepUnsaved([], due, cause)
    } finally {
      writingCalls = []
      if (actionsLeft || due.some(isAction)) stashUnsaved()
    }
  }

  function isAction(record: StoredCall): boolean {
    return record.kind === 'action'
  }

  /**
   * The calls that change something (a check, a control) not stored yet because their request is
   * not in history yet or they are being written: a reload must not lose them either.
   */
  function actionsNotStored(): StoredCall[] {
    return [...waitingCalls.map((w) => w.record), ...writingCalls].filter(isAction)
  }

  /**
   * The calls of `requestId` this tab holds and has not stored (yet): waiting for their request,
   * being written, or refused by storage. Their copies are the newest.
   */
  function heldCalls(requestId: string): StoredCall[] {
    return [...waitingCalls.map((w) => w.record), ...writingCalls, ...unsavedCalls].filter(
      (record) => record.request_id === requestId,
    )
  }

  // -------------------------------------------------------------------------------------------
  // What storage refused (full, closed by a newer version in another tab, …) is kept in memory,
  // shown app-wide (storage-problems) and on the request page, and written again every
  // RETRY_SAVE_MS and after every write that works.

  function keepUnsaved(
    entries: readonly HistoryEntry[],
    calls: readonly StoredCall[],
    cause: unknown,
  ): void {
    if (closed) return
    if (entries.length > 0) {
      const next = new Map(unsaved.value)
      for (const entry of entries) next.set(entry.request_id, entry)
      unsaved.value = next
    }
    if (calls.length > 0) {
      const keys = new Set(calls.map((c) => c.key))
      unsavedCalls = [...unsavedCalls.filter((c) => !keys.has(c.key)), ...calls]
    }
    noteFailure(cause)
    showSaveState()
    scheduleRetry()
  }

  function noteFailure(cause: unknown): void {
    saveFailure = storageReason(cause).replace(/\.+$/, '')
    newerVersion = cause instanceof NewerVersionError
  }

  /**
   * Keeps what is not saved in this tab's session storage (a reload takes it in again), or drops
   * it there once everything is saved: the entries and calls storage refused, and the checks and
   * controls not stored yet (`actionsNotStored`). Written as it changes, as a call is sent and
   * again as its answer comes: the page may go at any moment. A call that failed without an answer
   * is kept as sent, its answer unknown (see utils/call-stash): the page going cuts off the calls
   * still out, and that failure is no answer to keep.
   */
  function stashUnsaved(): void {
    if (closed) return
    try {
      const session = globalThis.sessionStorage
      if (!session) return
      const waiting = actionsNotStored().map(stashedCall)
      // What the last load left here and this one has not taken in yet stays until it has.
      const carried = stashed ?? { entries: [], calls: [] }
      const entries = [...carried.entries, ...unsaved.value.values()]
      const calls = [...carried.calls, ...unsavedCalls.map(stashedCall)]
      if (entries.length === 0 && calls.length === 0 && waiting.length === 0) {
        session.removeItem(sessionKey)
      } else {
        session.setItem(sessionKey, JSON.stringify({ entries, calls, waiting }))
      }
    } catch {
      // Session storage full or disabled too: the notice and the question on leaving remain.
    }
  }

  /** What the last load of this tab left in its session storage, until `restoreStashed`. */
  let stashed: { entries: unknown[]; calls: unknown[] } | null = null

  /**
   * Reads what the last load of this tab left in its session storage (see `stashUnsaved`). The
   * checks and controls that were not stored yet wait for their request again at once (a request
   * page lists them as soon as it opens); the rest is taken in once history is read
   * (`restoreStashed`).
   */
  function readStash(): void {
    let raw: { entries?: unknown; calls?: unknown; waiting?: unknown } | null
    try {
      raw = JSON.parse(globalThis.sessionStorage?.getItem(sessionKey) ?? 'null') as {
        entries?: unknown
        calls?: unknown
        waiting?: unknown
      } | null
    } catch {
      return
    }
    if (typeof raw !== 'object' || raw === null) return
    const list = (value: unknown) => (Array.isArray(value) ? (value as unknown[]) : [])
    stashed = { entries: list(raw.entries), calls: list(raw.calls) }
    const at = Date.now()
    for (const record of list(raw.waiting).map(readStoredCall)) {
      if (record && !waitingCalls.some((w) => w.record.key === record.key)) {
        waitingCalls.push({ record, at })
      }
    }
    if (waitingCalls.length > 0) scheduleCallWrite()
  }

  /**
   * Takes in what a previous load of this tab could not store (see `stashUnsaved`): into memory
   * (newer wins), kept as unsaved, and tried again at once.
   */
  function restoreStashed(): void {
    const carried = stashed
    stashed = null
    if (carried === null) return
    const entries = carried.entries
      .map(readEntry)
      .flatMap((read) => ('entry' in read ? [read.entry] : []))
    const calls = carried.calls
      .map(readStoredCall)
      .filter((call): call is StoredCall => call !== null)
    if (entries.length === 0 && calls.length === 0) {
      stashUnsaved()
      return
    }
    absorb(entries, false)
    keepUnsaved(
      entries.map((entry) => byKey.get(entry.request_id) ?? entry),
      calls,
      new Error('not saved before this tab was reloaded'),
    )
    void retryUnsaved()
  }

  /** Asks before the page goes while something is not saved (closing the tab would lose it). */
  function onBeforeUnload(event: BeforeUnloadEvent): void {
    if (unsaved.value.size === 0 && unsavedCalls.length === 0 && actionsNotStored().length === 0)
      return
    event.preventDefault()
    // Older browsers ask only when a value is set.
    event.returnValue = true
  }
  if (typeof window !== 'undefined') window.addEventListener('beforeunload', onBeforeUnload)

  /** Says what is not saved (or withdraws the message once everything is). */
  function showSaveState(): void {
    stashUnsaved()
    const ids = [...unsaved.value.keys()]
    const calls = unsavedCalls.length
    if (ids.length === 0 && calls === 0) {
      saveFailure = null
      newerVersion = false
      problems.resolve(UNSAVED_PROBLEM)
      return
    }
    const reason = saveFailure ?? 'unknown reason'
    const what: string[] = []
    if (ids.length === 1) what.push(`The request ${shortId(ids[0]!)}`)
    else if (ids.length > 1) {
      const listed = ids.slice(0, 5).map(shortId).join(', ')
      what.push(`${ids.length.toLocaleString()} requests (${listed}${ids.length > 5 ? ', …' : ''})`)
    }
    if (calls > 0)
      what.push(calls === 1 ? '1 recorded call' : `${calls.toLocaleString()} recorded calls`)
    const subject = what.join(' and ')
    // Said once, app-wide (the storage-problems store), not as this store's own error.
    problems.report({
      key: UNSAVED_PROBLEM,
      area: 'history',
      // Export first, whatever the cause: a tab closed (or a reload without session storage)
      // loses what only memory holds.
      message: newerVersion
        ? `${subject} could not be saved in this browser's history. ${reason}.`
        : `${subject} could not be saved in this browser's history: ${reason}. ` +
          'Export JSON from History first to keep it: closing this tab loses it. This tab ' +
          'tries to save it again every few seconds.',
      requestIds: ids,
    })
  }

  function scheduleRetry(): void {
    if (retryTimer !== null || disposed) return
    retryTimer = setTimeout(() => {
      retryTimer = null
      void retryUnsaved()
    }, RETRY_SAVE_MS)
  }

  /** Drops the unsaved copies of deleted entries (and their calls). */
  function forgetUnsaved(deleted: (id: string) => boolean): void {
    if (unsaved.value.size === 0 && unsavedCalls.length === 0) return
    unsaved.value = new Map([...unsaved.value].filter(([id]) => !deleted(id)))
    unsavedCalls = unsavedCalls.filter((c) => !deleted(c.request_id))
    showSaveState()
  }

  /** Writes again what storage refused before; resolves once tried. */
  async function retryUnsaved(): Promise<void> {
    await ready
    const entries = [...unsaved.value.values()]
    const calls = unsavedCalls
    if (entries.length === 0 && calls.length === 0) return
    try {
      if (entries.length > 0) {
        const written = await db.mergeMany(entries)
        const next = new Map(unsaved.value)
        for (const entry of entries) {
          if (next.get(entry.request_id) === entry) next.delete(entry.request_id)
        }
        unsaved.value = next
        absorb(written, false)
        if (written.length > 0) broadcast({ type: 'put', entries: written })
      }
      if (calls.length > 0) {
        await db.addCalls(calls)
        unsavedCalls = unsavedCalls.filter((c) => !calls.includes(c))
        broadcast({ type: 'calls', records: calls })
      }
      showSaveState()
    } catch (cause) {
      noteFailure(cause)
      showSaveState()
      scheduleRetry()
    }
  }

  function recordCall(call: ApiCall): void {
    const records = toStoredCalls(call)
    if (records.length === 0) return
    const at = Date.now()
    // The answer replaces the pending copy of the call still waiting for its entry.
    const keys = new Set(records.map((r) => r.key))
    waitingCalls = waitingCalls.filter((w) => !keys.has(w.record.key))
    for (const record of records) waitingCalls.push({ record, at })
    // A check or control: kept across a reload from now until it is stored.
    if (records.some(isAction)) stashUnsaved()
    scheduleCallWrite()
  }

  const stopAnswered = onApiCall(recordCall)
  // Only calls that change something are stored before their answer: a read lost to a reload
  // changed nothing, and storing every background search twice would double its writes.
  const stopSent = onApiCallSent((call) => {
    if (call.method !== 'GET') recordCall(call)
  })
  function stopCalls(): void {
    stopAnswered()
    stopSent()
  }

  /** Resolves once the calls recorded so far are stored (or given up). */
  async function flushCalls(): Promise<void> {
    await callWrite
  }

  /**
   * The stored calls of one request (as stored: live PINs masked), oldest first. Read as soon as
   * the database is open, without waiting for the whole history: a request page shows a check
   * still out at once, however large history is.
   */
  async function loadCalls(requestId: string): Promise<ApiCall[]> {
    await opened
    const byCallKey = new Map<string, StoredCall>()
    for (const record of await db.loadCalls(requestId)) byCallKey.set(record.key, record)
    // Not stored yet (e.g. a check sent before a reload whose request is not in history yet).
    for (const record of heldCalls(requestId)) byCallKey.set(record.key, record)
    return [...byCallKey.values()].map((r) => r.call).sort((a, b) => a.startedAt - b.startedAt)
  }

  /** Calls `listener` with call records another tab stored. */
  function onCallsStored(listener: (records: readonly StoredCall[]) => void): () => void {
    callListeners.add(listener)
    return () => callListeners.delete(listener)
  }

  async function init(): Promise<void> {
    try {
      db = await openHistoryDb(historyStoreOptions)
      storage.value = 'indexeddb'
    } catch (cause) {
      db = memoryHistoryDb()
      storage.value = 'memory'
      const reason = cause instanceof Error ? cause.message : String(cause)
      problems.report({
        key: MEMORY_PROBLEM,
        area: 'history',
        message:
          `History cannot be saved in this browser (${reason}). ` +
          'Entries are kept only while this tab is open; export them to keep them.',
      })
    }
    migrated.value = db.migrated
    markOpened()
    if (typeof BroadcastChannel !== 'undefined') {
      channel = new BroadcastChannel(historyStoreOptions.channel ?? HISTORY_CHANNEL)
      channel.onmessage = onMessage
      // In Node (tests) an open channel would keep the process alive; browsers have no unref.
      ;(channel as BroadcastChannel & { unref?: () => void }).unref?.()
    }
    try {
      storedCount.value = await db.count()
      // The newest entries first, so the first screen shows at once; then everything, in chunks.
      const newest = await db.loadNewest(FIRST_SCREEN)
      const first = new Map<string, HistoryChange>()
      for (const entry of newest) setEntry(first, entry)
      publish(first)
      isLoading.value = false
      // Then everything (damaged records, which the date index leaves out, are found here too).
      loadingRest.value = newest.length < storedCount.value
      const loaded = await db.loadAll((chunk) => {
        const changes = new Map<string, HistoryChange>()
        for (const entry of newerThanHeld(chunk)) setEntry(changes, entry)
        publish(changes)
      })
      damaged.value = loaded.damaged
    } catch (cause) {
      error.value = `History could not be read: ${cause instanceof Error ? cause.message : cause}`
    }
    isLoading.value = false
    loadingRest.value = false
    // What this tab could not store before it was reloaded: in memory again, and tried again.
    restoreStashed()
  }

  let markOpened: () => void = () => {}
  /** Resolves once the database (or the in-memory fallback) is open, before history is read. */
  const opened = new Promise<void>((resolve) => (markOpened = resolve))
  /** Resolves once stored history is loaded (every action waits for it). */
  const ready: Promise<void> = init()
  // The checks and controls a reload cut off before they were stored: waiting for their request.
  readStash()

  /** The entry with this request_id (reactive: re-read when history changes). */
  function byId(id: string): HistoryEntry | undefined {
    void entries.value
    return byKey.get(id)
  }

  /**
   * Writes patches, each read-merge-written against the stored copy (maybe just written by another
   * tab) in one transaction, so nothing is lost; then updates memory and tells other tabs. With
   * `existingOnly` (background refreshes) a patch for an entry no longer stored is dropped, so a
   * search answer arriving after a delete, in this tab or another, never brings the entry back.
   */
  async function writePatches(
    patches: readonly (HistoryPatch | PatchFor)[],
    { existingOnly = false, observedAt }: WriteOptions = {},
  ): Promise<HistoryEntry[]> {
    await ready
    if (patches.length === 0) return []
    const now = Date.now()
    const items = patches.map((given) => ({
      id: given.request_id,
      next: (stored: HistoryEntry | undefined) => {
        if (existingOnly && !stored) return null
        const base = mergeEntriesMaybe(stored, byKey.get(given.request_id))
        const patch = 'patch' in given ? given.patch(base) : given
        if (patch === null) return null
        return applyPatch(
          base,
          observedAt === undefined ? patch : observedPatch(base, patch, observedAt),
          now,
        )
      },
    }))
    let results: HistoryEntry[]
    try {
      results = await db.updateMany(items)
    } catch (cause) {
      // Keep the change in this tab (and try again later) when it could not be stored.
      results = items
        .map((item) => item.next(byKey.get(item.id)))
        .filter((entry): entry is HistoryEntry => entry !== null)
      absorb(results, false, true)
      keepUnsaved(results, [], cause)
      return results
    }
    absorb(results, false, true)
    broadcast({ type: 'put', entries: results })
    if (unsaved.value.size > 0) {
      // Each written entry was computed from memory, so an unsaved copy of it is stored now.
      const next = new Map(unsaved.value)
      for (const entry of results) next.delete(entry.request_id)
      unsaved.value = next
      if (next.size > 0 || unsavedCalls.length > 0) void retryUnsaved()
      else showSaveState()
    } else if (unsavedCalls.length > 0) void retryUnsaved()
    return results
  }

  /**
   * A patch computed from the stored copy, read in the write's transaction (merged with this tab's
   * copy); null: nothing to write.
   */
  interface PatchFor {
    request_id: string
    patch: (stored: HistoryEntry | undefined) => HistoryPatch | null
  }

  function mergeEntriesMaybe(stored: HistoryEntry | undefined, memory: HistoryEntry | undefined) {
    if (!stored) return memory
    return memory ? mergeEntries(memory, stored) : stored
  }

  /**
   * Adds or updates an entry. Only the fields given change; `updatedAt` moves forward. The stored
   * copy (maybe just written by another tab) is read in the same transaction, so nothing is lost.
   */
  async function upsert(patch: HistoryPatch | HistoryEntry): Promise<HistoryEntry> {
    const [result] = await writePatches([patch])
    return result!
  }

  /** `upsert` for an entry that must still be stored: a deleted one stays deleted. */
  async function updateIfStored(
    patch: HistoryPatch,
    options: Omit<WriteOptions, 'existingOnly'> = {},
  ): Promise<HistoryEntry | undefined> {
    const [result] = await writePatches([patch], { ...options, existingOnly: true })
    return result
  }

  /**
   * This tab's last action answer per request, kept even when its entry is not (or no longer)
   * stored, so a page on the request shows it without writing the entry back.
   */
  const actions = shallowRef<ReadonlyMap<string, ActionRecord>>(new Map())

  /**
   * Records what a check, cancel or next-event answered: in the entry if it is still stored (a
   * deleted entry stays deleted), and in `actions` for the pages showing the request.
   */
  async function recordAction(action: ActionRecord): Promise<HistoryEntry | undefined> {
    actions.value = new Map(actions.value).set(action.request_id, action)
    const [result] = await writePatches(
      [{ request_id: action.request_id, patch: (stored) => patchFromAction(stored, action) }],
      { existingOnly: true },
    )
    return result
  }

  /** The last action this tab recorded for a request (reactive). */
  function actionFor(id: string): ActionRecord | undefined {
    return actions.value.get(id)
  }

  /** `upsert` for several entries in one transaction. */
  function upsertMany(patches: readonly (HistoryPatch | HistoryEntry)[]): Promise<HistoryEntry[]> {
    return writePatches(patches)
  }

  /**
   * Records what a search answered: found requests get their status and details; ids that were
   * not found keep their status and get `lastError` 101 (a just-finished request may reappear).
   * `observedAt` is when the search was sent (default: now): an answer never turns a final status
   * back to IN PROGRESS, nor overwrites what an action made after the search was sent.
   */
  async function applySearchResult(
    env: EnvironmentId,
    result: SearchResult,
    options: WriteOptions = {},
  ): Promise<HistoryEntry[]> {
    await ready
    const now = Date.now()
    options = { ...options, observedAt: options.observedAt ?? now }
    const patches: HistoryPatch[] = []
    if (result.kind === 'found') {
      for (const request of result.requests) {
        const patch = patchFromSearch(env, request, now)
        if (byKey.has(request.request_id)) delete patch.createdAt
        else patch.source = 'looked-up'
        patches.push(patch)
      }
    }
    const failed =
      result.kind === 'found'
        ? { ids: result.missing, code: '101', message: 'No response found' }
        : result.kind === 'not_found'
          ? { ids: result.ids, code: '101', message: result.error_text }
          : { ids: result.ids, code: result.status, message: result.error_text }
    for (const id of failed.ids) {
      if (!byKey.has(id)) continue
      patches.push({
        request_id: id,
        lastError: { code: failed.code, message: failed.message, at: now },
      })
    }
    return writePatches(patches, options)
  }

  /**
   * Fetches request_ids from the API into history: ten ids per search call (spaced a second apart
   * against live). Found requests are added or updated; 101s are reported, never dropped silently.
   */
  async function lookUp(env: EnvironmentId, ids: readonly string[]): Promise<LookupReport> {
    await ready
    const report: LookupReport = { found: [], notFound: [], failed: [], calls: 0 }
    for (const batch of batches([...new Set(ids)])) {
      if (report.calls > 0 && env === 'live') {
        await new Promise((resolve) => setTimeout(resolve, LIVE_SEARCH_GAP_MS))
      }
      report.calls++
      let result: SearchResult
      const sentAt = Date.now()
      try {
        result = await searchRequests(env, batch)
      } catch (cause) {
        const message = cause instanceof Error ? cause.message : String(cause)
        const { nextStep } = describeReadFailure(
          isApiError(cause) ? cause : { kind: 'unknown', message },
        )
        report.failed.push({ ids: batch, message, nextStep })
        continue
      }
      const written = await applySearchResult(env, result, { observedAt: sentAt })
      if (result.kind === 'found') {
        const found = new Set(result.requests.map((r) => r.request_id))
        report.found.push(...written.filter((e) => found.has(e.request_id)))
        report.notFound.push(...result.missing)
      } else if (result.kind === 'not_found') report.notFound.push(...result.ids)
      else
        report.failed.push({
          ids: batch,
          message: [
            `status ${result.status}: ${result.error_text}`,
            answeredWithHttp(result.httpStatus, env),
          ]
            .filter(Boolean)
            .join('. '),
          // The search's own next step: never "search the request" for the search that failed.
          nextStep: waitedNextStep(
            result,
            statusInfo(result.status, 'search', { errorText: result.error_text }).nextStep,
            'try again',
          ),
        })
    }
    return report
  }

  /**
   * Marks an entry as not found for good (search answered 101 long after its last activity). From
   * the stored copy: a final status another tab stored meanwhile stays, nothing is written.
   */
  async function markGone(id: string, message: string): Promise<HistoryEntry | undefined> {
    const entry = byKey.get(id)
    if (!entry || isFinalStatus(entry.status)) return undefined
    const at = Date.now()
    const [result] = await writePatches(
      [
        {
          request_id: id,
          patch: (stored) =>
            !stored || isFinalStatus(stored.status) ? null : gonePatch(stored, message, at),
        },
      ],
      { existingOnly: true },
    )
    return result
  }

  async function remove(id: string): Promise<void> {
    await ready
    await db.remove([id])
    waitingCalls = waitingCalls.filter((w) => w.record.request_id !== id)
    forgetUnsaved((entryId) => entryId === id)
    stashUnsaved()
    byKey.delete(id)
    publish()
    broadcast({ type: 'remove', ids: [id] })
    await recountWhileLoading()
  }

  async function clear(): Promise<void> {
    await ready
    await db.clear()
    waitingCalls = []
    forgetUnsaved(() => true)
    stashUnsaved()
    byKey.clear()
    damaged.value = []
    publish()
    broadcast({ type: 'clear' })
    await recountWhileLoading()
  }

  /**
   * Removes finished entries (and those known to be gone) not updated for `days` days (0 or less
   * keeps everything).
   */
  async function applyRetention(days: number, now = Date.now()): Promise<number> {
    await ready
    if (!(days > 0)) return 0
    const cutoff = now - days * DAY_MS
    const old = entries.value
      .filter((e) => e.updatedAt < cutoff && isSettled(e))
      .map((e) => e.request_id)
    if (old.length === 0) return 0
    await db.remove(old)
    const removed = new Set(old)
    forgetUnsaved((id) => removed.has(id))
    for (const id of old) byKey.delete(id)
    publish()
    broadcast({ type: 'remove', ids: old })
    await recountWhileLoading()
    return old.length
  }

  /**
   * Imports an exported file (or a bare array of entries). Every entry is validated first: one bad
   * entry rejects the file with a `HistoryImportError` listing each problem, and nothing is
   * written. Valid files are merged: an id already present keeps the newer copy. Entries and call
   * records are written in one transaction: when saving fails, nothing is written.
   */
  async function importJson(text: string, options: ImportOptions = {}): Promise<ImportReport> {
    await ready
    const retentionDays = options.retentionDays ?? useSettingsStore().historyRetentionDays
    const plan = planImport(parseHistoryFile(text), {
      retentionDays,
      now: options.now ?? Date.now(),
    })
    const outcomes = new Map<string, ImportOutcome>()
    let calls: StoredCall[] = []
    // Entries and call records in one transaction: all or none. A call is one key: importing an
    // export again adds none.
    const { written: changed, newCalls } = await db.importMany(
      plan.updates(outcomes),
      () => (calls = plan.callsToSave(outcomes)),
    )
    // Newer wins: a poll or an action of this tab may have stored a newer copy meanwhile.
    absorb(changed, false)
    if (changed.length > 0) broadcast({ type: 'put', entries: changed })
    if (calls.length > 0) broadcast({ type: 'calls', records: calls })
    return plan.counts(outcomes, newCalls)
  }

  /**
   * Takes in entries another context of this tab already wrote to IndexedDB (the import worker,
   * see workers/history-import-client): into this tab's memory only. The worker itself tells the
   * other tabs (they read history again), so they learn of the import even if this page is closed
   * or reloaded before it has taken everything in. Call records are stored already: nothing to do.
   */
  function absorbWritten(written: readonly HistoryEntry[]): void {
    // Newer wins: the worker's copies were merged with what IndexedDB held when it read them; a
    // poll or an action of this tab may have stored a newer copy since.
    if (written.length > 0) absorb(written, false)
  }

  /**
   * All entries (or only `some` of them, as the filters show them) and their call logs as a JSON
   * file that `importJson` reads back. What storage refused is in it too (the entries are in
   * memory; the calls are taken from what is kept to try again), so exporting is a way to keep it.
   * When the stored calls cannot be read, the file holds those in memory, and `exportWarning` (and
   * `error`, until the next export) says so.
   */
  async function exportJson(some?: readonly HistoryEntry[]): Promise<string> {
    await ready
    await flushCalls()
    const exported = some ?? entries.value
    const ids = some ? new Set(some.map((e) => e.request_id)) : new Set(byKey.keys())
    const byCallKey = new Map<string, StoredCall>()
    // The last export's warning is about that file: this export says its own. Any other error
    // (a save that failed, history that could not be read) stays.
    if (exportWarning.value !== null && error.value === exportWarning.value) error.value = null
    exportWarning.value = null
    try {
      for (const call of await db.loadAllCalls()) byCallKey.set(call.key, call)
    } catch (cause) {
      exportWarning.value =
        `The recorded calls stored in this browser could not be read (${storageReason(cause)}): ` +
        'the export holds only those of this tab not saved yet.'
      error.value = exportWarning.value
    }
    // This tab's copy of a call not saved yet is its latest (e.g. the answer of one stored pending).
    for (const call of unsavedCalls) byCallKey.set(call.key, call)
    const calls = [...byCallKey.values()].filter((c) => ids.has(c.request_id))
    return historyToJson(exported, calls)
  }

  /**
   * All entries (or only `some` of them) as CSV, one row per request: waits for the whole history
   * to be read first (a large one is read in chunks after the first screen).
   */
  async function exportCsv(some?: readonly HistoryEntry[]): Promise<string> {
    await ready
    return historyToCsv(some ?? entries.value)
  }

  /** Calls `listener` on every status change (this tab's and other tabs'). */
  function onStatusChange(listener: (change: StatusChange) => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  let closing: Promise<void> | null = null
  /**
   * Records no more calls and tries nothing again from now on, then closes the database and the
   * tab channel once the calls recorded before are stored (tests, HMR, an app disposed).
   */
  function dispose(): Promise<void> {
    closing ??= (async () => {
      stopCalls()
      disposed = true
      if (typeof window !== 'undefined') window.removeEventListener('beforeunload', onBeforeUnload)
      if (retryTimer !== null) clearTimeout(retryTimer)
      retryTimer = null
      await ready
      await flushCalls()
      channel?.close()
      channel = null
      db.close()
      closed = true
    })()
    return closing
  }
  // A disposed app (its Pinia, or this store) records nothing more: the calls made afterwards are
  // those of the app that lives on, which records them itself.
  onScopeDispose(() => void dispose())

  return {
    entries,
    isLoading,
    loadingRest,
    storedCount,
    error,
    exportWarning,
    unsaved,
    damaged,
    migrated,
    storage,
    ready,
    byId,
    upsert,
    updateIfStored,
    recordAction,
    actionFor,
    upsertMany,
    applySearchResult,
    lookUp,
    markGone,
    remove,
    clear,
    applyRetention,
    importJson,
    absorbWritten,
    changesSince,
    exportJson,
    exportCsv,
    onStatusChange,
    flushCalls,
    retryUnsaved,
    loadCalls,
    onCallsStored,
    dispose,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRequestsStore, import.meta.hot))
