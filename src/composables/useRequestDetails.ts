/**
 * Loads one request for the request page and keeps it current: in the sandbox from the admin API
 * (exact times, attempts left) and its live event stream; otherwise from search, through history
 * (which the watch store keeps fresh). A deep link to an unknown id is looked up and added. A
 * request still shown in progress once its own end has passed is read again (`now` is the clock
 * it is judged by, the sandbox's when it runs ahead).
 */
import {
  computed,
  onScopeDispose,
  ref,
  shallowRef,
  toValue,
  watch,
  type MaybeRefOrGetter,
} from 'vue'
import type { AdminRequest } from '@contract/admin'
import { ApiError, isApiError, onApiCall, type ApiCall } from '@/api/client'
import { requestIdsOf } from '@/utils/call-log'
import { searchRequests, type EnvironmentId } from '@/api/verify'
import {
  getAdminRequest,
  getClock,
  openSandboxEvents,
  type SandboxEventsHandle,
  type StreamTrouble,
} from '@/api/sandbox'
import { useNow } from './useCountdown'
import { useRequestsStore } from '@/stores/requests'
import { useCallsStore } from '@/stores/calls'
import { apiClockOffset, triggeredEventTimes } from '@/utils/request-state'
import { useEnvironmentsStore } from '@/stores/environments'
import { useSettingsStore } from '@/stores/settings'
import {
  fromAdmin,
  fromHistory,
  fromSearch,
  historyPatchFromAdmin,
  type RequestModel,
} from '@/utils/request-model'
import {
  applyPatch,
  isFinalStatus,
  observedPatch,
  patchFromAction,
  patchFromSearch,
  readSearchStatus,
  type HistoryEntry,
  type HistoryStatus,
} from '@/utils/history-entry'

/** The parameters a sandbox request was sent with, as the sandbox's view says them. */
export type SandboxSentWith = Pick<
  AdminRequest,
  'sender_id' | 'lg' | 'code_length' | 'pin_expiry' | 'next_event_wait' | 'workflow_id'
>

function sentWithOf(admin: AdminRequest): SandboxSentWith {
  const { sender_id, lg, code_length, pin_expiry, next_event_wait, workflow_id } = admin
  return { sender_id, lg, code_length, pin_expiry, next_event_wait, workflow_id }
}

/** What a status rests on, as History keeps it (see `statusRecord`). */
export type StatusRecord = Pick<HistoryEntry, 'lastSearch' | 'lastError'>

export function useRequestDetails(
  requestId: MaybeRefOrGetter<string>,
  options: { environment?: MaybeRefOrGetter<EnvironmentId | undefined> } = {},
) {
  const requests = useRequestsStore()
  const environments = useEnvironmentsStore()
  const entry = computed(() => requests.byId(toValue(requestId)))
  /**
   * The page's copy of the entry: history's while it has one. If the entry is deleted while the
   * page is open, the copy is kept (its environment, what was known) and this page's searches and
   * actions update it, without writing the entry back.
   */
  const kept = shallowRef<HistoryEntry | null>(null)
  watch(
    entry,
    (fromHistory) => {
      if (fromHistory) kept.value = fromHistory
    },
    { immediate: true, flush: 'sync' },
  )
  /** History's entry, or the page's copy of a deleted one. */
  const shown = computed<HistoryEntry | undefined>(() => {
    if (entry.value) return entry.value
    return kept.value?.request_id === toValue(requestId) ? kept.value : undefined
  })
  // An action made on this request in this tab, once its entry is gone: shown all the same.
  watch(
    () => requests.actionFor(toValue(requestId)),
    (action) => {
      if (action && !entry.value && kept.value?.request_id === action.request_id)
        kept.value = applyPatch(kept.value, patchFromAction(kept.value, action), Date.now())
    },
    { flush: 'sync' },
  )
  const environment = computed<EnvironmentId>(
    () => toValue(options.environment) ?? shown.value?.environment ?? environments.currentId,
  )
  /** The sandbox's view (exact); null outside the sandbox or before it loaded. */
  const adminModel = shallowRef<RequestModel | null>(null)
  /**
   * The sandbox account the request belongs to, as the sandbox's view says (null outside the
   * sandbox or before it loaded): the dashboard acts as one account only, so a request of another
   * can only be watched from here.
   */
  const adminAccount = ref<string | null>(null)
  /** The request's current PIN, as the sandbox's view says (null outside the sandbox or before). */
  const adminPin = ref<string | null>(null)
  /** What the request was sent with, as the sandbox's view says (null outside it or before). */
  const adminSentWith = shallowRef<SandboxSentWith | null>(null)
  /** A search answer for an id that is not in history (history takes over once it is). */
  const searchModel = shallowRef<RequestModel | null>(null)
  /** That answer as History would keep it (its search snapshot), for what its status rests on. */
  const searchRecord = shallowRef<StatusRecord | null>(null)
  /** How far the sandbox clock runs ahead of this browser's, in ms. */
  const clockOffset = ref(0)
  const calls = useCallsStore()
  /**
   * How far the request's own clock is from this browser's, in ms: the sandbox's offset, or for a
   * live request the API's as its own calls tell it (its submission date against when the start
   * was sent, dates in answers against when they came in; 0 while they tell nothing).
   */
  const apiOffset = computed(() => {
    if (environment.value === 'sandbox') return clockOffset.value
    const id = toValue(requestId)
    return apiClockOffset(calls.forRequest(id), id)
  })
  /**
   * What this dashboard itself knows of the request beyond a search answer: when its own
   * trigger_next_event calls went out (a search gives no time for the events between the first and
   * the last), on the request's own clock (`apiOffset`; in the sandbox its offset now: a sandbox
   * request is shown from the sandbox's own exact view, and these times serve only one the sandbox
   * forgot, where an offset moved since leaves a time not known rather than wrong).
   */
  const known = () => {
    const id = toValue(requestId)
    return { triggeredAt: triggeredEventTimes(calls.forRequest(id), id, apiOffset.value) }
  }
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  /** The API's answer when the id was not found (status 101), with its text. */
  const notFound = ref<string | null>(null)
  /**
   * The search answered another status (1 Throttled, 5 Internal Error…): its code and text, and the
   * seconds the server asked to wait (`Retry-After`) when it said.
   */
  const searchFailure = ref<{ status: string; errorText: string; retryAfter?: number } | null>(null)
  /**
   * The sandbox no longer holds this request: `reset` once its event stream said the sandbox was
   * reset (at once, before any reload), `missing` when the sandbox does not know a request history
   * holds as a sandbox one (reset or restarted without its state). Final: nothing can be done
   * with it any more.
   */
  const gone = ref<'reset' | 'missing' | null>(null)
  /**
   * When what is shown was last read (epoch ms; 0: not yet): the sandbox's view or a search, by
   * this page, the history poll or the event stream. A failed refresh names it.
   */
  const readAt = ref(0)

  /**
   * When the last load failed (epoch ms). Once a later read of this request is answered (a refresh,
   * the history poll, the sandbox's event stream), the connection is back: the failure is cleared.
   */
  let failedAt = 0
  function recovered(at = Date.now()): void {
    error.value = null
    failedAt = 0
    readAt.value = Math.max(readAt.value, at)
  }
  const stopCalls = onApiCall((call: ApiCall) => {
    if (failedAt === 0 || call.startedAt < failedAt) return
    if (call.method !== 'GET' || call.httpStatus === null || call.error !== null) return
    if (requestIdsOf(call).includes(toValue(requestId))) recovered()
  })
  // A poll (this tab's or another's) that wrote a fresh search answer into history.
  watch(
    () => shown.value?.lastSearch?.fetchedAt,
    (fetchedAt) => {
      if (fetchedAt === undefined) return
      if (failedAt !== 0 && fetchedAt >= failedAt) recovered(fetchedAt)
      else readAt.value = Math.max(readAt.value, fetchedAt)
    },
    { immediate: true },
  )

  const model = computed<RequestModel | null>(() => {
    const admin = environment.value === 'sandbox' ? adminModel.value : null
    // History knows the request ended (its poll, another tab) while the sandbox's copy was read
    // before: that copy is stale (an ended request never goes on), so history's is shown.
    const ended =
      shown.value !== undefined &&
      isFinalStatus(shown.value.status) &&
      admin !== null &&
      !isFinalStatus(admin.status)
    if (admin && !ended) return admin
    if (shown.value && (shown.value.lastSearch || !searchModel.value))
      return fromHistory(shown.value, known())
    return searchModel.value
  })

  /**
   * What the status shown rests on, as History keeps it: the last search (search found the
   * request) and the last error (101: search has not found it). It tells a request search found
   * without a status (History's `Unknown`: its status is not known yet) apart from one search has
   * not found, whether History holds the request or not.
   */
  const statusRecord = computed<StatusRecord | null>(() => {
    if (notFound.value !== null) {
      return { lastSearch: null, lastError: { code: '101', message: notFound.value, at: 0 } }
    }
    const shownModel = model.value
    if (shownModel !== null && shownModel === searchModel.value) return searchRecord.value
    const copy = shown.value
    return copy ? { lastSearch: copy.lastSearch, lastError: copy.lastError } : null
  })
  /** Search found the request but answered no status: not known yet, which is no "not found". */
  const foundWithoutStatus = computed(() => {
    const shownModel = model.value
    const record = statusRecord.value
    return (
      shownModel?.status === 'UNKNOWN' &&
      !shownModel.reportedStatus &&
      !!record?.lastSearch &&
      record.lastError?.code !== '101'
    )
  })

  /**
   * Whether the next load may add the request to history as a look-up: only the first load of a
   * page opened on a request history does not know. Later loads only update an entry still there,
   * so a page left open never brings back an entry deleted meanwhile (here or in another tab).
   */
  let mayAdd = true

  async function refreshFromSearch(
    env: EnvironmentId,
    id: string,
    add: boolean,
    background: boolean,
  ): Promise<void> {
    const sentAt = Date.now()
    const result = background
      ? await searchRequests(env, [id], { background: true })
      : await searchRequests(env, [id])
    if (result.kind === 'found' && result.requests[0]) {
      const found = result.requests[0]
      notFound.value = null
      readAt.value = Date.now()
      const base = shown.value
      if (base && !entry.value) {
        // Deleted meanwhile: only the page's copy learns what the search said.
        const now = Date.now()
        const patch = observedPatch(base, patchFromSearch(env, found, now), sentAt)
        delete patch.createdAt
        kept.value = applyPatch(base, patch, now)
      }
      // What history (or the copy) knows wins over an answer older than it (see observedPatch).
      if (!base || !answerIsOlder(base, readSearchStatus(found.status) ?? 'UNKNOWN', sentAt)) {
        searchModel.value = fromSearch(env, found, entry.value, known())
        const { lastSearch } = patchFromSearch(env, found, Date.now())
        searchRecord.value = { lastSearch: lastSearch ?? null, lastError: null }
      }
      await requests
        .applySearchResult(env, result, { existingOnly: !add, observedAt: sentAt })
        .catch(() => undefined)
    } else if (result.kind === 'not_found') {
      notFound.value = result.error_text
    } else if (result.kind === 'found') {
      notFound.value = 'No response found'
    } else {
      searchFailure.value = {
        status: result.status,
        errorText: result.error_text,
        ...(result.retryAfter !== undefined ? { retryAfter: result.retryAfter } : {}),
      }
    }
  }

  /**
   * History takes what only the sandbox's view tells (brand, PSD2 payee and amount) where it has
   * none: a request looked up or added from the Handset is then found and exported by its brand.
   */
  async function fillFromAdmin(admin: AdminRequest): Promise<void> {
    const patch = historyPatchFromAdmin(requests.byId(admin.request_id), admin)
    if (patch) await requests.updateIfStored(patch).catch(() => undefined)
  }

  /** Whether a search answer (sent at `sentAt`) is older than what `base` knows. */
  function answerIsOlder(base: HistoryEntry, status: HistoryStatus, sentAt: number): boolean {
    return sentAt < base.lastActivityAt || (isFinalStatus(base.status) && !isFinalStatus(status))
  }

  let loading: Promise<void> | null = null
  /** When the load in flight was started (epoch ms). */
  let loadingSince = 0
  /** Whether the load in flight has sent its reads (its answers tell of the time they were read). */
  let readsSent = false
  /** Whether the load in flight is a quiet re-read (see `refresh`). */
  let loadingQuiet = false
  /** A load queued to run once the one in flight is done. */
  let again: Promise<void> | null = null
  /**
   * What the event stream said of this request (its changes, a reset) and of the clock, counted:
   * a read sent before the stream said something is older than what it said, and never shown over
   * it (the stream's answer and the read's travel apart, either may arrive first).
   */
  let requestEvents = 0
  let clockEvents = 0

  /**
   * Fetches the request now; concurrent calls share one. A call made after an action on the
   * request (a check, a cancel) never shares a load sent before it, which knows nothing of the
   * action: a new one follows the load in flight. `background`: not asked for by the user (the
   * reload after a sandbox reset): its search never takes a fault injected into the sandbox.
   * `fresh`: only reads sent from now on will do (the event stream just opened, or said the
   * sandbox was reset: a read already sent may have been answered before that). `quiet`: a re-read
   * while live updates are away: no spinner, and a failure shown stays shown until a read works
   * (it neither blinks nor is said again at each read).
   */
  function refresh(
    options: { background?: boolean; fresh?: boolean; quiet?: boolean } = {},
  ): Promise<void> {
    const background = options.background === true
    const quiet = options.quiet === true
    if (loading) {
      const lastAction = Math.max(
        shown.value?.lastActivityAt ?? 0,
        requests.actionFor(toValue(requestId))?.at ?? 0,
      )
      // A re-read while live updates are away is sent by itself at any time: a read asked for (a
      // Refresh, the one after an action) never shares it, and shows its spinner.
      const tooOld = (options.fresh === true && readsSent) || (loadingQuiet && !quiet)
      if (!tooOld && loadingSince >= lastAction) return loading
      again ??= loading.then(() => {
        again = null
        return refresh(options)
      })
      return again
    }
    loadingSince = Date.now()
    loadingQuiet = quiet
    readsSent = false
    if (!quiet) {
      isLoading.value = true
      error.value = null
      searchFailure.value = null
    }
    loading = (async () => {
      // History says which environment a known request lives in: read it first.
      await requests.ready.catch(() => undefined)
      const id = toValue(requestId)
      const env = environment.value
      const add = mayAdd && !entry.value
      mayAdd = false
      readsSent = true
      const requestEventsBefore = requestEvents
      const clockEventsBefore = clockEvents
      try {
        if (env === 'sandbox') {
          const [admin, clock] = await Promise.all([
            getAdminRequest(id),
            getClock().catch(() => null),
          ])
          if (clock && clockEvents === clockEventsBefore) clockOffset.value = clock.offset_ms
          if (requestEvents !== requestEventsBefore) {
            // The event stream told of the request (or of a reset) since these reads went out:
            // what it said is newer and stays shown. History still takes the look-up.
            if (add) await refreshFromSearch(env, id, add, background).catch(() => undefined)
            if (admin) await fillFromAdmin(admin)
            return
          }
          if (admin) {
            // An answer read before the event stream said the request ended is older: kept out.
            const shownStatus = adminModel.value?.status
            const older =
              shownStatus !== undefined &&
              isFinalStatus(shownStatus) &&
              !isFinalStatus(admin.status)
            if (!older) adminModel.value = fromAdmin(admin)
            adminAccount.value = admin.account_id
            adminPin.value = admin.pin
            adminSentWith.value = sentWithOf(admin)
            notFound.value = null
            gone.value = null
            error.value = null
            searchFailure.value = null
            readAt.value = Date.now()
            const stored = entry.value
            if (stored && stored.status !== admin.status) {
              await requests
                .updateIfStored(
                  { request_id: id, status: admin.status },
                  { observedAt: loadingSince },
                )
                .catch(() => undefined)
            }
            // Into history as a look-up (best effort: the sandbox's view is already shown).
            if (add) await refreshFromSearch(env, id, add, background).catch(() => undefined)
            await fillFromAdmin(admin)
            return
          }
          adminModel.value = null
          // The sandbox knows every request it holds: one history keeps as a sandbox one is gone.
          if (shown.value?.environment === 'sandbox') gone.value ??= 'missing'
        }
        if (quiet) searchFailure.value = null
        await refreshFromSearch(env, id, add, background)
        if (quiet) error.value = null
      } catch (e) {
        error.value = isApiError(e) ? e : new ApiError('network', String(e))
        failedAt = Date.now()
      } finally {
        isLoading.value = false
        loading = null
      }
    })()
    return loading
  }

  let stream: SandboxEventsHandle | null = null
  /**
   * Where the sandbox's event stream stands: `closed` outside the sandbox, `connecting` until it
   * first opens, `lost` once it failed or dropped (it is tried again by itself), `refused` while
   * the server refuses the access token (tried again once the token is entered): what is shown is
   * not pushed meanwhile. `open` again once it is back.
   */
  const streamState = ref<'closed' | 'connecting' | 'open' | StreamTrouble>('closed')
  /** Counts the streams opened: a stream closed since says nothing of the one open now. */
  let streams = 0
  function listen(): void {
    stream?.close()
    stream = null
    const opened = ++streams
    if (environment.value !== 'sandbox') {
      streamState.value = 'closed'
      return
    }
    streamState.value = 'connecting'
    stream = openSandboxEvents(
      (event) => {
        if (event.type === 'request' && event.data.request_id === toValue(requestId)) {
          requestEvents++
          adminModel.value = fromAdmin(event.data)
          adminAccount.value = event.data.account_id
          adminPin.value = event.data.pin
          adminSentWith.value = sentWithOf(event.data)
          gone.value = null
          recovered()
        } else if (event.type === 'clock') {
          clockEvents++
          clockOffset.value = event.data.offset_ms
        } else if (event.type === 'reset') {
          requestEvents++
          // Said at once: the request is gone with everything else (the reload only confirms it).
          gone.value = 'reset'
          adminModel.value = null
          void refresh({ background: true, fresh: true })
        }
      },
      (trouble) => {
        if (opened === streams) streamState.value = trouble
      },
      () => {
        if (opened === streams) streamState.value = 'open'
        // Open, or back after a break (the server restarted, the network came back): what changed
        // before (the clock moved, the request ended or is gone) was not pushed, so it is read
        // again, by reads sent from now on: a load whose reads went out before may have been
        // answered before that change (the page's first load shares this one only while it has
        // not sent its reads, as when the stream was already open).
        void refresh({ background: true, fresh: true })
      },
    )
  }

  /**
   * Live updates are away (the sandbox's event stream is lost, or not open yet): nothing is pushed,
   * so the request and the sandbox clock are read again at the sandbox's polling interval (Settings)
   * until the stream is open, and at once when it is lost (whether the server answers tells a lost
   * stream apart from a server that cannot be reached).
   */
  const settings = useSettingsStore()
  const paused = computed(
    () =>
      environment.value === 'sandbox' &&
      (streamState.value === 'lost' || streamState.value === 'connecting'),
  )
  const pollSeconds = computed(() => Math.max(1, settings.pollSandboxSeconds))
  let pollTimer: ReturnType<typeof setInterval> | null = null
  watch(
    [paused, pollSeconds],
    ([on, seconds]) => {
      if (pollTimer !== null) clearInterval(pollTimer)
      pollTimer = null
      if (!on) return
      pollTimer = setInterval(() => {
        // Not for a request that has ended (it no longer changes) nor while the tab is hidden.
        if (loading || (model.value !== null && isFinalStatus(model.value.status))) return
        if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return
        void refresh({ background: true, quiet: true })
      }, seconds * 1000)
    },
    { immediate: true },
  )
  watch(streamState, (state, before) => {
    if (state === 'lost' && before !== 'lost' && !loading) {
      void refresh({ background: true, quiet: true })
    }
  })

  // The browser is back online: a failed read is tried again (a finished request is not polled).
  const onOnline = () => {
    if (error.value) void refresh({ background: true })
  }
  if (typeof window !== 'undefined') window.addEventListener('online', onOnline)

  watch(
    [() => toValue(requestId), environment, () => toValue(options.environment)],
    ([id, , override], previous) => {
      adminModel.value = null
      adminAccount.value = null
      adminPin.value = null
      adminSentWith.value = null
      searchModel.value = null
      searchRecord.value = null
      notFound.value = null
      gone.value = null
      // Another request, or the user chose where to look: a first load again.
      if (!previous || id !== previous[0] || override !== previous[2]) mayAdd = true
      listen()
      void refresh()
    },
    { immediate: true },
  )
  /**
   * The time on the request's own clock (the sandbox's may run ahead, the API's may differ from
   * this browser's), ticking every second.
   */
  const now = useNow({ offset: apiOffset })
  /**
   * The request's own end passed while it is still shown in progress: its end was not pushed (the
   * event stream is away, the server restarted) or not read yet, so it is read again, once per
   * end. Whether that read works or not, a stale copy is never shown as current.
   */
  let readAgainAt: number | null = null
  watch(
    () => {
      const shownModel = model.value
      if (
        !shownModel ||
        gone.value ||
        shownModel.status !== 'IN PROGRESS' ||
        shownModel.expiresAt === null
      )
        return null
      return now.value > shownModel.expiresAt ? shownModel.expiresAt : null
    },
    (end) => {
      if (end === null || end === readAgainAt) return
      readAgainAt = end
      void refresh({ background: true })
    },
  )

  onScopeDispose(() => {
    if (pollTimer !== null) clearInterval(pollTimer)
    pollTimer = null
    stream?.close()
    streams++
    streamState.value = 'closed'
    stopCalls()
    if (typeof window !== 'undefined') window.removeEventListener('online', onOnline)
  })

  return {
    entry,
    environment,
    model,
    adminAccount,
    adminPin,
    adminSentWith,
    clockOffset,
    apiOffset,
    now,
    isLoading,
    error,
    notFound,
    searchFailure,
    gone,
    readAt,
    streamState,
    pollSeconds,
    statusRecord,
    foundWithoutStatus,
    refresh,
  }
}

/** What `useRequestDetails` gives the request page. */
export type RequestDetails = ReturnType<typeof useRequestDetails>
