/**
 * Live status: keeps every request in history that may still be in progress up to date without
 * user action (IN PROGRESS, or found with a status this dashboard does not know), and
 * announces changes of state (in the page, and as a browser notification if allowed).
 * Start it once from app-level code: `useWatchStore().start()`.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef, watch, type WatchStopHandle } from 'vue'
import { searchRequests, type SearchedRequest } from '@/api/verify'
import { openSandboxEvents, type SandboxEventsHandle } from '@/api/sandbox'
import {
  useRequestsStore,
  type HistoryChange,
  type HistoryEntry,
  type StatusChange,
} from '@/stores/requests'
import { useSettingsStore } from '@/stores/settings'
import { readSearchStatus, reportedStatus } from '@/utils/history-entry'
import { shortId } from '@/utils/short-id'
import { statusTitle } from '@/utils/history-status'
import {
  HistoryPoller,
  type GoneCause,
  type PollEnvironment,
  type PollTarget,
} from '@/utils/history-poller'

/** Announcements kept for the page (the newest last). */
const MAX_ANNOUNCEMENTS = 20
/** Live search is limited to one call per second by the proxy. */
const LIVE_CALL_GAP_MS = 1000
/** The proxy lets ten sandbox searches through per second. */
const SANDBOX_CALL_GAP_MS = 100

/** The order in which failing environments are listed. */
const ENVIRONMENT_ORDER: readonly PollEnvironment[] = ['sandbox', 'live']

/** Why an entry search no longer finds is no longer watched, as History shows it. */
const GONE_MESSAGES: Readonly<Record<GoneCause, string>> = {
  not_found: 'Search no longer finds this request (status 101).',
  reset: 'The sandbox was reset: this request no longer exists.',
}

export interface Announcement {
  id: number
  at: number
  request_id: string
  message: string
}

export interface WatchFailure {
  environment: PollEnvironment
  reason: string
  /** The API's status code when the search answered one; null for a network error. */
  status: string | null
  failures: number
  retryInMs: number
  at: number
}

/**
 * Whether an entry should be refreshed: in progress; found with a status this dashboard does not
 * know (not known to be over: it is searched until search answers a status it knows, or no longer
 * finds it); or just started and never searched.
 */
function isWatched(entry: HistoryEntry): boolean {
  if (entry.status === 'IN PROGRESS') return true
  if (entry.status !== 'UNKNOWN') return false
  if (reportedStatus(entry) !== null) return true
  return entry.lastSearch === null && entry.lastError === null
}

function targetOf(entry: HistoryEntry): PollTarget {
  return {
    request_id: entry.request_id,
    environment: entry.environment,
    // This browser's clock only: createdAt may be the upstream's (date_submitted).
    lastActivityAt: entry.lastActivityAt,
  }
}

/** The entries to refresh, in history's order. */
export function watchTargets(entries: readonly HistoryEntry[]): PollTarget[] {
  const out: PollTarget[] = []
  for (const entry of entries) if (isWatched(entry)) out.push(targetOf(entry))
  return out
}

/**
 * `targets` (the `watchTargets` of history before `changes`) after them: the same answer as
 * `watchTargets` of history after, or `null` when a known entry starts being watched (its place
 * in history's order is not known here). The same list when nothing watched changed.
 */
export function updateWatchTargets(
  targets: PollTarget[],
  changes: readonly HistoryChange[],
): PollTarget[] | null {
  const appended: PollTarget[] = []
  /** Watched entries that changed: their new target, or null when no longer watched. */
  const updated = new Map<string, PollTarget | null>()
  for (const { previous, next } of changes) {
    const was = previous !== undefined && isWatched(previous)
    const is = isWatched(next)
    if (!was && !is) continue
    if (previous && !was) return null
    // A new id is added at the end of history.
    if (!was) appended.push(targetOf(next))
    else updated.set(next.request_id, is ? targetOf(next) : null)
  }
  if (appended.length === 0 && updated.size === 0) return targets
  let out = targets
  if (updated.size > 0) {
    out = []
    let found = 0
    for (const target of targets) {
      const update = updated.get(target.request_id)
      if (update === undefined) out.push(target)
      else {
        found++
        if (update) out.push(update)
      }
    }
    if (found !== updated.size) return null
  }
  return appended.length > 0 ? out.concat(appended) : out
}

/** True when a search answer tells nothing new about the entry (no write needed). */
function unchanged(entry: HistoryEntry | undefined, request: SearchedRequest): boolean {
  const last = entry?.lastSearch
  if (!entry || !last) return false
  const known = readSearchStatus(request.status)
  return (
    entry.status === (known ?? 'UNKNOWN') &&
    (known !== null || reportedStatus(entry) === request.status) &&
    last.events.length === (request.events?.length ?? 0) &&
    last.checks.length === (request.checks?.length ?? 0) &&
    last.dateFinalized === request.date_finalized &&
    last.price === request.price
  )
}

/**
 * How a change of status is said: `Request …62a2d3 to +447700900532 is now verified (SUCCESS).`
 * A status search reported that this dashboard does not know (`reported`) is said as written:
 * `… is now BLOCKED, a status this dashboard does not know.`
 */
export function statusChangeMessage(
  entry: Pick<HistoryEntry, 'request_id' | 'number' | 'status'> &
    Partial<Pick<HistoryEntry, 'lastSearch' | 'lastError'>>,
  reported: string | null = null,
): string {
  const who = entry.number ? ` to ${/^\d+$/.test(entry.number) ? '+' : ''}${entry.number}` : ''
  const request = `Request ${shortId(entry.request_id)}${who}`
  if (entry.status === 'UNKNOWN' && reported) {
    return `${request} is now ${reported}, a status this dashboard does not know.`
  }
  // As the history badge says it: `Unknown` for a request search found without a status.
  const title = statusTitle({
    status: entry.status,
    lastSearch: entry.lastSearch ?? null,
    ...(entry.lastError !== undefined ? { lastError: entry.lastError } : {}),
  })
  return `${request} is now ${title.toLowerCase()} (${entry.status}).`
}

export const useWatchStore = defineStore('watch', () => {
  const requests = useRequestsStore()
  const settings = useSettingsStore()

  const isRunning = ref(false)
  /** Status changes, newest last; the app chrome reads the newest in an aria-live region. */
  const announcements = shallowRef<Announcement[]>([])
  /**
   * The last failed refresh of each environment that is failing now, sandbox first: cleared by
   * that environment's next successful round only (a sandbox answer says nothing of live), found
   * or not, or once that environment has nothing left to watch.
   */
  const failures = ref<WatchFailure[]>([])

  function setFailure(failure: WatchFailure): void {
    const others = failures.value.filter((f) => f.environment !== failure.environment)
    failures.value = [...others, failure].sort(
      (a, b) => ENVIRONMENT_ORDER.indexOf(a.environment) - ENVIRONMENT_ORDER.indexOf(b.environment),
    )
  }

  function clearFailure(environment: PollEnvironment): void {
    if (failures.value.some((f) => f.environment === environment)) {
      failures.value = failures.value.filter((f) => f.environment !== environment)
    }
  }

  /**
   * Entries being refreshed. When history only grew or changed in place (an import's chunks, a
   * refresh), the list is updated from the changes; otherwise one loop over history.
   */
  let lastWatched: { source: readonly HistoryEntry[]; targets: PollTarget[] } | null = null
  const watched = computed<PollTarget[]>(() => {
    const source = requests.entries
    let targets: PollTarget[] | null = null
    if (lastWatched) {
      const steps = requests.changesSince(lastWatched.source)
      targets = steps && lastWatched.targets
      for (const changes of steps ?? []) {
        if (!targets) break
        targets = updateWatchTargets(targets, changes)
      }
    }
    targets ??= watchTargets(source)
    lastWatched = { source, targets }
    return targets
  })

  let nextAnnouncementId = 1
  /**
   * Requests whose changes the page acting on them announces itself (with the action's answer), so
   * a change is said once: counted, as actions on one request may overlap across components.
   */
  const heldBack = new Map<string, number>()
  let stopListening: (() => void) | null = null
  let events: SandboxEventsHandle | null = null
  let stopEvents: WatchStopHandle | null = null
  let stopIdle: WatchStopHandle | null = null
  let onVisibility: (() => void) | null = null

  const poller = new HistoryPoller<SearchedRequest>({
    targets: () => watched.value,
    async search(env, ids) {
      // Background: polling never uses up a fault the tester injected into the sandbox.
      return searchRequests(env, ids, { background: true })
    },
    async onFound(env, found, sentAt) {
      clearFailure(env)
      const changed = found.filter((r) => !unchanged(requests.byId(r.request_id), r))
      if (changed.length === 0) return
      // Only entries still in history: a request deleted while this search ran stays deleted.
      // An answer to a search sent before a check or cancel never undoes what the action recorded.
      await requests.applySearchResult(
        env,
        { kind: 'found', requests: changed, missing: [] },
        { existingOnly: true, observedAt: sentAt },
      )
    },
    async onGone(env, ids, cause) {
      clearFailure(env)
      for (const id of ids) {
        await requests.markGone(id, GONE_MESSAGES[cause])
      }
    },
    onSuccess(env) {
      clearFailure(env)
    },
    onFailure(environment, { reason, status }, count, retryInMs) {
      setFailure({ environment, reason, status, failures: count, retryInMs, at: Date.now() })
    },
    intervalMs(env) {
      if (env === 'sandbox') return Math.max(0.5, settings.pollSandboxSeconds) * 1000
      // Live: never faster than the proxy's search rate allows for all batches of a round.
      const batches = Math.ceil(watched.value.filter((t) => t.environment === 'live').length / 10)
      return Math.max(settings.pollLiveSeconds * 1000, batches * LIVE_CALL_GAP_MS, LIVE_CALL_GAP_MS)
    },
    callGapMs: (env) => (env === 'live' ? LIVE_CALL_GAP_MS : SANDBOX_CALL_GAP_MS),
    isVisible: () => typeof document === 'undefined' || document.visibilityState !== 'hidden',
    now: () => Date.now(),
  })

  function announce(change: StatusChange): void {
    const { entry, previous } = change
    if (previous === undefined || previous === entry.status) return
    // Held: the page or panel says it, whichever tab stored the change first.
    if (heldBack.has(entry.request_id)) return
    const message = statusChangeMessage(entry, reportedStatus(entry))
    const item = { id: nextAnnouncementId++, at: Date.now(), request_id: entry.request_id, message }
    announcements.value = [...announcements.value.slice(-(MAX_ANNOUNCEMENTS - 1)), item]
    if (!change.remote) notify(message, entry.request_id)
  }

  function notify(message: string, tag: string): void {
    if (!settings.notifications || typeof Notification === 'undefined') return
    if (Notification.permission !== 'granted') return
    try {
      new Notification('Verify Desk', { body: message, tag })
    } catch {
      // Some browsers only allow notifications from a service worker; the page announcement stays.
    }
  }

  /** Starts live status: polling, visibility handling and the sandbox event stream. Idempotent. */
  async function start(): Promise<void> {
    if (isRunning.value) return
    isRunning.value = true
    await requests.ready
    if (!isRunning.value) return
    stopListening = requests.onStatusChange((change) => {
      announce(change)
      if (isWatched(change.entry) && !change.remote) poller.refreshNow(change.entry.environment)
    })
    if (typeof document !== 'undefined') {
      onVisibility = () => {
        if (document.visibilityState === 'hidden') poller.pause()
        else poller.resume()
      }
      document.addEventListener('visibilitychange', onVisibility)
    }
    // The sandbox's event stream says when to search at once, so it is only listened to while a
    // sandbox request is watched: a tab with nothing to watch holds no stream.
    stopEvents = watch(
      () => watched.value.some((target) => target.environment === 'sandbox'),
      (listen) => {
        if (listen && !events) {
          events = openSandboxEvents((event) => {
            // After a reset, what the sandbox no longer knows is gone at once (no 90 s of grace).
            if (event.type === 'reset') poller.upstreamReset('sandbox')
            else if (event.type === 'request' || event.type === 'clock') {
              poller.refreshNow('sandbox')
            }
          })
        } else if (!listen && events) {
          events.close()
          events = null
        }
      },
      { immediate: true },
    )
    // A failure of an environment with nothing left to watch (its requests deleted or settled)
    // is no longer being retried: its notice goes at once.
    stopIdle = watch(
      watched,
      (targets) => {
        for (const { environment } of failures.value) {
          if (!targets.some((t) => t.environment === environment)) clearFailure(environment)
        }
      },
      { immediate: true },
    )
    poller.start()
  }

  function stop(): void {
    isRunning.value = false
    poller.stop()
    stopListening?.()
    stopListening = null
    stopEvents?.()
    stopEvents = null
    stopIdle?.()
    stopIdle = null
    events?.close()
    events = null
    if (onVisibility) document.removeEventListener('visibilitychange', onVisibility)
    onVisibility = null
  }

  /** Refreshes now (e.g. after starting a request); respects a running back-off. */
  function refreshNow(env: PollEnvironment): void {
    poller.refreshNow(env)
  }

  /**
   * Holds back this tab's announcements of `requestId`'s changes until the returned function is
   * called: for an action whose answer the page announces itself, status included.
   */
  function holdAnnouncements(requestId: string): () => void {
    heldBack.set(requestId, (heldBack.get(requestId) ?? 0) + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (heldBack.get(requestId) ?? 1) - 1
      if (left > 0) heldBack.set(requestId, left)
      else heldBack.delete(requestId)
    }
  }

  return {
    isRunning,
    announcements,
    failures,
    holdAnnouncements,
    start,
    stop,
    refreshNow,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useWatchStore, import.meta.hot))
