/**
 * Live status: keeps every request in history that may still be in progress up to date without
 * user action (IN PROGRESS, or found with a status this dashboard does not know), and
 * announces changes of state (in the page, and as a browser notification if allowed).
 * Start it once from app-level code: `useWatchStore().start()`.
 *
 * One tab polls for all the tabs of this browser (the proxy's search rate is shared by them): the
 * visible tabs queue for a lock (Web Locks, see api/tab-leader), and the holder polls what is in
 * progress in its history and what the other tabs tell it they watch (their claims: a request a
 * tab started that the leader's history does not show yet, or one that could not be stored). The
 * leader's writes reach the other tabs' history as every write does; what it could not write
 * itself (not in its storage) and its failures are relayed to them, and they apply it. A tab polls
 * for itself until a leader answered its claims, and again as soon as its leader goes (closed,
 * hidden, stopped): no request in progress waits for a handover. A hidden tab is no candidate (a
 * hidden page polls nothing, as before) but still claims; a tab whose page goes (closed) withdraws
 * its claims and claims nothing more. Without locks or BroadcastChannel, every tab polls for
 * itself.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, onScopeDispose, ref, shallowRef, toRaw, watch, type WatchStopHandle } from 'vue'
import { searchRequests, type SearchedRequest } from '@/api/verify'
import { openSandboxEvents, type SandboxEventsHandle } from '@/api/sandbox'
import { channelLocks } from '@/api/tab-lock'
import {
  historyStoreOptions,
  useRequestsStore,
  type HistoryChange,
  type HistoryEntry,
  type StatusChange,
} from '@/stores/requests'
import { useEnvironmentsStore } from '@/stores/environments'
import { useSettingsStore } from '@/stores/settings'
import { isFinalStatus, readSearchStatus, reportedStatus } from '@/utils/history-entry'
import { shortId } from '@/utils/short-id'
import { statusTitle } from '@/utils/history-status'
import {
  HistoryPoller,
  type GoneCause,
  type PollEnvironment,
  type PollTarget,
} from '@/utils/history-poller'
import { TabLeader, type TabChannel, type TabLeaderEnvironment } from '@/api/tab-leader'

/** Announcements kept for the page (the newest last). */
const MAX_ANNOUNCEMENTS = 20
/**
 * The gap between two searches until the server says its rate (`searchPerSecond` of
 * `/api/environments`): by default the proxy lets one live search through per second and ten to
 * the sandbox.
 */
const DEFAULT_CALL_GAP_MS: Readonly<Record<PollEnvironment, number>> = { live: 1000, sandbox: 100 }

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

/** What the tabs of one browser tell one another about polling. */
type WatchMessage =
  /** A leader took the lock: every other tab sends its claims. */
  | { kind: 'leader' }
  /** A tab's watched requests (all of them); `refresh`: it asks for a round now. */
  | { kind: 'claims'; targets: PollTarget[]; refresh: PollEnvironment[] }
  /** The leader has the claims of `tab` and polls them; its failing environments. */
  | { kind: 'ack'; tab: string; failures: WatchFailure[] }
  /** A tab stops watching: its claims go. */
  | { kind: 'leave' }
  /** Found requests the leader did not store (the tabs holding them store them). */
  | { kind: 'found'; env: PollEnvironment; requests: SearchedRequest[]; sentAt: number }
  | { kind: 'gone'; env: PollEnvironment; ids: string[]; cause: GoneCause }
  /** The leader's failing environments, as they change. */
  | { kind: 'failures'; failures: WatchFailure[] }
  | { kind: 'reset'; env: PollEnvironment }

/** How the tabs reach one another: set before the store is first used (tests give fakes). */
export const watchSharingOptions: { environment?: () => TabLeaderEnvironment } = {}

function onPageHide(listener: () => void): () => void {
  if (typeof addEventListener !== 'function') return () => undefined
  addEventListener('pagehide', listener)
  return () => removeEventListener('pagehide', listener)
}

/**
 * The browser's Web Locks (or, where the page is no secure context and has none, a lock kept over
 * a BroadcastChannel) and BroadcastChannel.
 */
function browserSharing(): TabLeaderEnvironment {
  const nav = typeof navigator === 'undefined' ? undefined : navigator
  const createChannel =
    typeof BroadcastChannel === 'function'
      ? (name: string): TabChannel => {
          const channel = new BroadcastChannel(name)
          // In Node (tests, benches) an open channel would keep the process alive.
          ;(channel as BroadcastChannel & { unref?: () => void }).unref?.()
          return channel
        }
      : null
  const locks =
    nav?.locks && typeof nav.locks.request === 'function'
      ? nav.locks
      : createChannel
        ? channelLocks(createChannel, { onPageHide })
        : null
  return { locks, createChannel, onPageHide }
}

/** `own` and then the claimed targets not in it (one per id, the latest activity). */
function mergeTargets(
  own: readonly PollTarget[],
  claims: ReadonlyMap<string, readonly PollTarget[]>,
): PollTarget[] {
  if (claims.size === 0) return own as PollTarget[]
  const byId = new Map<string, PollTarget>()
  for (const target of own) byId.set(target.request_id, target)
  for (const targets of claims.values()) {
    for (const target of targets) {
      const known = byId.get(target.request_id)
      if (!known) byId.set(target.request_id, target)
      else if (known.lastActivityAt < target.lastActivityAt) {
        byId.set(target.request_id, { ...known, lastActivityAt: target.lastActivityAt })
      }
    }
  }
  return [...byId.values()]
}

export interface WatchFailure {
  environment: PollEnvironment
  reason: string
  /** The API's status code when the search answered one; null for a network error. */
  status: string | null
  /** The search's `error_text`, when the API answered one. */
  errorText?: string
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
  const environments = useEnvironmentsStore()
  /** The gap between two searches the server lets through to `env` (its rate may be set lower). */
  function callGap(env: PollEnvironment): number {
    const rate = environments.environments.find((e) => e.id === env)?.searchPerSecond
    return rate && rate > 0 ? Math.ceil(1000 / rate) : DEFAULT_CALL_GAP_MS[env]
  }

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
  let stopClaims: WatchStopHandle | null = null
  let stopFailures: WatchStopHandle | null = null
  let onVisibility: (() => void) | null = null
  let stopPageHide: (() => void) | null = null
  /**
   * The page is going (`pagehide`): this tab polls nothing and claims nothing more (nobody would
   * withdraw the claims), until it is shown again (restored from the back/forward cache).
   */
  let pageGone = false

  /** The other tabs and the lead among them (while running). */
  let tabs: TabLeader<WatchMessage> | null = null
  /** Whether this tab leads: it polls for every tab (or for itself when nothing is shared). */
  const leading = ref(false)
  /** The lead (term) that polls for this tab, once its leader answered this tab's claims. */
  const coveredBy = ref<string | null>(null)
  /** While leading, what the other tabs watch, by tab. */
  const claims = shallowRef<ReadonlyMap<string, readonly PollTarget[]>>(new Map())
  /** Whether this tab's loop runs: it leads, or no leader polls for it (yet, or any more). */
  const polling = computed(() => leading.value || coveredBy.value === null)
  /** What this tab's loop searches: its own watched requests, and the other tabs' when leading. */
  const pollTargets = computed<PollTarget[]>(() =>
    leading.value ? mergeTargets(watched.value, claims.value) : watched.value,
  )

  /** Plain copies (the channel cannot carry reactive proxies). */
  function plainFailures(): WatchFailure[] {
    return failures.value.map((failure) => ({ ...toRaw(failure) }))
  }

  /** While leading: forgets claimed ids that search found over or gone (their tab may be gone). */
  function dropClaims(ids: readonly string[]): void {
    if (ids.length === 0 || claims.value.size === 0) return
    const over = new Set(ids)
    let changed = false
    const next = new Map<string, readonly PollTarget[]>()
    for (const [tab, targets] of claims.value) {
      const kept = targets.filter((t) => !over.has(t.request_id))
      changed ||= kept.length !== targets.length
      next.set(tab, kept)
    }
    if (changed) claims.value = next
  }

  const poller = new HistoryPoller<SearchedRequest>({
    targets: () => pollTargets.value,
    async search(env, ids) {
      // Background: polling never uses up a fault the tester injected into the sandbox.
      return searchRequests(env, ids, { background: true })
    },
    async onFound(env, found, sentAt) {
      clearFailure(env)
      // Only what this tab holds: a request another tab claimed is that tab's to store.
      const changed = found.filter((r) => {
        const entry = requests.byId(r.request_id)
        return entry !== undefined && !unchanged(entry, r)
      })
      const stored = new Set<string>()
      if (changed.length > 0) {
        // Only entries still in history: a request deleted while this search ran stays deleted.
        // An answer to a search sent before a check or cancel never undoes what the action
        // recorded.
        const written = await requests.applySearchResult(
          env,
          { kind: 'found', requests: changed, missing: [] },
          { existingOnly: true, observedAt: sentAt },
        )
        // What storage refused stays in this tab: the other tabs store it themselves.
        for (const entry of written) {
          if (!requests.unsaved.has(entry.request_id)) stored.add(entry.request_id)
        }
      }
      if (!leading.value || !tabs?.isShared) return
      // What this tab stored reaches the other tabs' history by itself; the rest (unchanged here,
      // or not in this tab's storage) is theirs to store.
      tabs.post({
        kind: 'found',
        env,
        requests: found.filter((r) => !stored.has(r.request_id)),
        sentAt,
      })
      dropClaims(
        found
          .filter((r) => isFinalStatus(readSearchStatus(r.status) ?? 'UNKNOWN'))
          .map((r) => r.request_id),
      )
    },
    async onGone(env, ids, cause) {
      clearFailure(env)
      if (leading.value && tabs?.isShared) {
        tabs.post({ kind: 'gone', env, ids, cause })
        dropClaims(ids)
      }
      for (const id of ids) {
        await requests.markGone(id, GONE_MESSAGES[cause])
      }
    },
    onSuccess(env) {
      clearFailure(env)
    },
    onFailure(environment, { reason, status, errorText }, count, retryInMs) {
      setFailure({
        environment,
        reason,
        status,
        ...(errorText === undefined ? {} : { errorText }),
        failures: count,
        retryInMs,
        at: Date.now(),
      })
    },
    intervalMs(env) {
      if (env === 'sandbox') return Math.max(0.5, settings.pollSandboxSeconds) * 1000
      // Live: never faster than the proxy's search rate allows for all batches of a round.
      const live = pollTargets.value.filter((t) => t.environment === 'live').length
      const batches = Math.ceil(live / 10)
      const gap = callGap('live')
      return Math.max(settings.pollLiveSeconds * 1000, batches * gap, gap)
    },
    callGapMs: callGap,
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

  /** Runs this tab's loop while it polls (leads, or no leader polls for it); stops it otherwise. */
  function syncPoller(): void {
    if (!isRunning.value) return
    if (polling.value && !pageGone) poller.start()
    else poller.stop()
  }

  /** Tells the leader (if any) what this tab watches; `refresh`: a round is wanted now. */
  function sendClaims(refresh: PollEnvironment[] = []): void {
    // A tab stopping or going claims nothing: it would never withdraw those claims.
    if (!isRunning.value || pageGone || !tabs?.isShared || leading.value) return
    tabs.post({ kind: 'claims', targets: watched.value.map((t) => ({ ...t })), refresh })
  }

  function onLead(): void {
    leading.value = true
    coveredBy.value = null
    claims.value = new Map()
    // Every other tab answers with its claims; until then, this tab polls its own requests.
    tabs?.post({ kind: 'leader' })
    syncPoller()
  }

  function onFollow(): void {
    leading.value = false
    coveredBy.value = null
    claims.value = new Map()
    syncPoller()
    sendClaims()
  }

  function onLeaderGone(from: string, term: string): void {
    if (claims.value.has(from)) {
      const next = new Map(claims.value)
      next.delete(from)
      claims.value = next
    }
    if (coveredBy.value !== term) return
    // Polls for itself at once, until the next leader answers its claims; a leader still there
    // (two for a moment, where the lock may overlap) holds them already, and answers at once.
    coveredBy.value = null
    syncPoller()
    sendClaims()
  }

  function onClaims(from: string, message: Extract<WatchMessage, { kind: 'claims' }>): void {
    const before = new Set(pollTargets.value.map((t) => t.request_id))
    claims.value = new Map(claims.value).set(from, message.targets)
    tabs?.post({ kind: 'ack', tab: from, failures: plainFailures() })
    const refresh = new Set(message.refresh)
    for (const target of message.targets) {
      if (!before.has(target.request_id)) refresh.add(target.environment)
    }
    for (const env of refresh) poller.refreshNow(env)
  }

  /** Found requests the leader did not store: stored here when this tab holds them. */
  async function applyRelayed(env: PollEnvironment, found: SearchedRequest[], sentAt: number) {
    const changed = found.filter((r) => {
      const entry = requests.byId(r.request_id)
      return entry !== undefined && !unchanged(entry, r)
    })
    if (changed.length === 0) return
    await requests.applySearchResult(
      env,
      { kind: 'found', requests: changed, missing: [] },
      { existingOnly: true, observedAt: sentAt },
    )
  }

  function onMessage(message: WatchMessage, from: string, term: string | null): void {
    if (!isRunning.value) return
    switch (message.kind) {
      case 'leader':
        sendClaims()
        return
      case 'claims':
        if (leading.value) onClaims(from, message)
        return
      case 'leave':
        onLeaderGone(from, '')
        return
      case 'ack':
        if (message.tab !== tabs?.id || term === null || leading.value) return
        coveredBy.value = term
        failures.value = message.failures
        syncPoller()
        return
      case 'found':
        if (term === null) return
        poller.observe(message.env, message.requests, message.sentAt)
        if (!leading.value) void applyRelayed(message.env, message.requests, message.sentAt)
        return
      case 'gone':
        if (term === null || leading.value) return
        for (const id of message.ids) void requests.markGone(id, GONE_MESSAGES[message.cause])
        return
      case 'failures':
        if (term !== null && term === coveredBy.value) failures.value = message.failures
        return
      case 'reset':
        if (term !== null && !leading.value) poller.upstreamReset(message.env)
        return
    }
  }

  /**
   * The page goes (closed, navigated away): its claims are withdrawn (`leave`), and it polls and
   * claims nothing more. A polling tab says nothing but its `bye` (its tab leader gives the lead
   * up on the same `pagehide`, after this).
   */
  function onPageGone(): void {
    if (!isRunning.value || pageGone) return
    pageGone = true
    poller.stop()
    if (tabs?.isShared && !leading.value) tabs.post({ kind: 'leave' })
  }

  /** The page is shown again after it went (the back/forward cache): it claims anew. */
  function onPageBack(): void {
    if (!pageGone) return
    pageGone = false
    // The leader dropped this tab's claims on `leave`: polls for itself until it answers again.
    coveredBy.value = null
    syncPoller()
    sendClaims()
  }

  /** Starts live status: polling, visibility handling and the sandbox event stream. Idempotent. */
  async function start(): Promise<void> {
    if (isRunning.value) return
    isRunning.value = true
    await requests.ready
    if (!isRunning.value) return
    stopListening = requests.onStatusChange((change) => {
      announce(change)
      // Once history has taken the change in (the listeners are told before it is published).
      const env = change.entry.environment
      if (isWatched(change.entry) && !change.remote) queueMicrotask(() => refreshNow(env))
    })
    const isVisible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden'
    if (typeof document !== 'undefined') {
      onVisibility = () => {
        // Only a visible tab leads: a hidden page's timers are slowed down by the browser.
        if (document.visibilityState === 'hidden') {
          poller.pause()
          tabs?.setCandidate(false)
        } else {
          onPageBack()
          tabs?.setCandidate(true)
          poller.resume()
        }
      }
      document.addEventListener('visibilitychange', onVisibility)
    }
    // The sandbox's event stream says when to search at once, so it is only listened to while this
    // tab polls a sandbox request: a tab with nothing to poll holds no stream.
    stopEvents = watch(
      () => polling.value && pollTargets.value.some((target) => target.environment === 'sandbox'),
      (listen) => {
        if (listen && !events) {
          events = openSandboxEvents((event) => {
            // After a reset, what the sandbox no longer knows is gone at once (no 90 s of grace).
            if (event.type === 'reset') {
              poller.upstreamReset('sandbox')
              if (leading.value) tabs?.post({ kind: 'reset', env: 'sandbox' })
            } else if (event.type === 'request' || event.type === 'clock') {
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
      pollTargets,
      (targets) => {
        for (const { environment } of failures.value) {
          if (!targets.some((t) => t.environment === environment)) clearFailure(environment)
        }
      },
      { immediate: true },
    )
    // The leader's failing environments are every tab's.
    stopFailures = watch(failures, () => {
      if (leading.value && tabs?.isShared)
        tabs.post({ kind: 'failures', failures: plainFailures() })
    })
    stopClaims = watch(watched, () => sendClaims())
    const lockName = `watch:${historyStoreOptions.channel ?? 'history'}`
    const environment = (watchSharingOptions.environment ?? browserSharing)()
    // Listened to before the tab leader listens: a leader's `bye` then finds the page going.
    stopPageHide = environment.onPageHide?.(onPageGone) ?? null
    tabs = new TabLeader<WatchMessage>(lockName, environment, {
      onLead,
      onFollow,
      onMessage,
      onLeaderGone,
    })
    tabs.open()
    syncPoller()
    // A leader already there answers this tab's claims; a visible tab queues to lead.
    sendClaims()
    tabs.setCandidate(isVisible())
  }

  function stop(): void {
    isRunning.value = false
    poller.stop()
    if (tabs?.isShared && !leading.value) tabs.post({ kind: 'leave' })
    tabs?.close()
    tabs = null
    stopPageHide?.()
    stopPageHide = null
    pageGone = false
    leading.value = false
    coveredBy.value = null
    claims.value = new Map()
    stopListening?.()
    stopListening = null
    stopEvents?.()
    stopEvents = null
    stopIdle?.()
    stopIdle = null
    stopFailures?.()
    stopFailures = null
    stopClaims?.()
    stopClaims = null
    events?.close()
    events = null
    if (onVisibility) document.removeEventListener('visibilitychange', onVisibility)
    onVisibility = null
  }

  /**
   * Refreshes now (e.g. after starting a request); respects a running back-off. A tab another one
   * polls for asks its leader, with its claims.
   */
  function refreshNow(env: PollEnvironment): void {
    if (polling.value) poller.refreshNow(env)
    else sendClaims([env])
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

  // A disposed app (its Pinia, or this store) polls, listens and writes nothing more.
  onScopeDispose(stop)

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
