/**
 * Loads one request for the request page and keeps it current: in the sandbox from the admin API
 * (exact times, attempts left) and its live event stream; otherwise from search, through history
 * (which the watch store keeps fresh). A deep link to an unknown id is looked up and added.
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
import { ApiError, isApiError } from '@/api/client'
import { searchRequests, type EnvironmentId } from '@/api/verify'
import {
  getAdminRequest,
  getClock,
  openSandboxEvents,
  type SandboxEventsHandle,
} from '@/api/sandbox'
import { useRequestsStore } from '@/stores/requests'
import { useEnvironmentsStore } from '@/stores/environments'
import { fromAdmin, fromHistory, fromSearch, type RequestModel } from '@/utils/request-model'

export function useRequestDetails(
  requestId: MaybeRefOrGetter<string>,
  options: { environment?: MaybeRefOrGetter<EnvironmentId | undefined> } = {},
) {
  const requests = useRequestsStore()
  const environments = useEnvironmentsStore()
  const entry = computed(() => requests.byId(toValue(requestId)))
  /** The environment history gave for this id: kept if the entry is deleted while the page is open. */
  const known = shallowRef<{ id: string; environment: EnvironmentId } | null>(null)
  watch(
    () => entry.value?.environment,
    (fromHistory) => {
      if (fromHistory) known.value = { id: toValue(requestId), environment: fromHistory }
    },
    { immediate: true, flush: 'sync' },
  )
  const environment = computed<EnvironmentId>(() => {
    const id = toValue(requestId)
    return (
      toValue(options.environment) ??
      entry.value?.environment ??
      (known.value?.id === id ? known.value.environment : environments.currentId)
    )
  })
  /** The sandbox's view (exact); null outside the sandbox or before it loaded. */
  const adminModel = shallowRef<RequestModel | null>(null)
  /** A search answer for an id that is not in history (history takes over once it is). */
  const searchModel = shallowRef<RequestModel | null>(null)
  /** How far the sandbox clock runs ahead of this browser's, in ms. */
  const clockOffset = ref(0)
  const isLoading = ref(false)
  const error = ref<ApiError | null>(null)
  /** The API's answer when the id was not found (status 101), with its text. */
  const notFound = ref<string | null>(null)
  /** The search answered another status (1 Throttled, 5 Internal Error…): its code and text. */
  const searchFailure = ref<{ status: string; errorText: string } | null>(null)

  const model = computed<RequestModel | null>(() => {
    if (environment.value === 'sandbox' && adminModel.value) return adminModel.value
    if (entry.value && (entry.value.lastSearch || !searchModel.value))
      return fromHistory(entry.value)
    return searchModel.value
  })

  /**
   * Whether the next load may add the request to history as a look-up: only the first load of a
   * page opened on a request history does not know. Later loads only update an entry still there,
   * so a page left open never brings back an entry deleted meanwhile (here or in another tab).
   */
  let mayAdd = true

  async function refreshFromSearch(env: EnvironmentId, id: string, add: boolean): Promise<void> {
    const result = await searchRequests(env, [id])
    if (result.kind === 'found' && result.requests[0]) {
      searchModel.value = fromSearch(env, result.requests[0], entry.value)
      notFound.value = null
      await requests.applySearchResult(env, result, { existingOnly: !add }).catch(() => undefined)
    } else if (result.kind === 'not_found') {
      notFound.value = result.error_text
    } else if (result.kind === 'found') {
      notFound.value = 'No response found'
    } else {
      searchFailure.value = { status: result.status, errorText: result.error_text }
    }
  }

  let loading: Promise<void> | null = null

  /** Fetches the request now (concurrent calls share one). */
  function refresh(): Promise<void> {
    if (loading) return loading
    isLoading.value = true
    error.value = null
    searchFailure.value = null
    loading = (async () => {
      // History says which environment a known request lives in: read it first.
      await requests.ready.catch(() => undefined)
      const id = toValue(requestId)
      const env = environment.value
      const add = mayAdd && !entry.value
      mayAdd = false
      try {
        if (env === 'sandbox') {
          const [admin, clock] = await Promise.all([
            getAdminRequest(id),
            getClock().catch(() => null),
          ])
          if (clock) clockOffset.value = clock.offset_ms
          if (admin) {
            adminModel.value = fromAdmin(admin)
            notFound.value = null
            const stored = entry.value
            if (stored && stored.status !== admin.status) {
              await requests
                .updateIfStored({ request_id: id, status: admin.status })
                .catch(() => undefined)
            }
            // Into history as a look-up (best effort: the sandbox's view is already shown).
            if (add) await refreshFromSearch(env, id, add).catch(() => undefined)
            return
          }
          adminModel.value = null
        }
        await refreshFromSearch(env, id, add)
      } catch (e) {
        error.value = isApiError(e) ? e : new ApiError('network', String(e))
      } finally {
        isLoading.value = false
        loading = null
      }
    })()
    return loading
  }

  let stream: SandboxEventsHandle | null = null
  function listen(): void {
    stream?.close()
    stream = null
    if (environment.value !== 'sandbox') return
    stream = openSandboxEvents((event) => {
      if (event.type === 'request' && event.data.request_id === toValue(requestId)) {
        adminModel.value = fromAdmin(event.data)
      } else if (event.type === 'clock') {
        clockOffset.value = event.data.offset_ms
      } else if (event.type === 'reset') {
        void refresh()
      }
    })
  }

  watch(
    [() => toValue(requestId), environment, () => toValue(options.environment)],
    ([id, , override], previous) => {
      adminModel.value = null
      searchModel.value = null
      notFound.value = null
      // Another request, or the user chose where to look: a first load again.
      if (!previous || id !== previous[0] || override !== previous[2]) mayAdd = true
      listen()
      void refresh()
    },
    { immediate: true },
  )
  onScopeDispose(() => stream?.close())

  return {
    entry,
    environment,
    model,
    clockOffset,
    isLoading,
    error,
    notFound,
    searchFailure,
    refresh,
  }
}
