/**
 * Which environments exist (sandbox, live) and which one the dashboard talks to. The choice is
 * made on the New verification page, shown in the app chrome, and kept across reloads.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { getEnvironments, type Environment, type EnvironmentId } from '@/api/verify'
import { ApiError } from '@/api/client'
import { environmentName } from '@/utils/environment-name'

const STORAGE_KEY = 'verify-desk:environment'

/** Before the server answers, the sandbox is assumed (it is always there). */
const FALLBACK: Environment[] = [
  { id: 'sandbox', label: environmentName('sandbox'), available: true },
  { id: 'live', label: environmentName('live'), available: false },
]

function readStored(): EnvironmentId | null {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY)
    return value === 'sandbox' || value === 'live' ? value : null
  } catch {
    return null
  }
}

function writeStored(id: EnvironmentId): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, id)
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
}

export const useEnvironmentsStore = defineStore('environments', () => {
  /** The environments the server offers. */
  const environments = ref<Environment[]>(FALLBACK)
  /** The server's default environment. */
  const defaultId = ref<EnvironmentId>('sandbox')
  /** The chosen environment. */
  const currentId = ref<EnvironmentId>(readStored() ?? 'sandbox')
  const isLoading = ref(false)
  const loaded = ref(false)
  const error = ref<ApiError | null>(null)

  const current = computed<Environment>(
    () =>
      environments.value.find((e) => e.id === currentId.value) ?? {
        id: currentId.value,
        label: environmentName(currentId.value),
        available: false,
      },
  )
  /** The server wants its access token before it says anything (the token prompt asks for it). */
  const needsToken = computed(() => error.value?.code === 'unauthorized')
  /**
   * Why the last load failed, in one sentence, or `null`: the token case names only the token;
   * any other names the reason (without doubling its final full stop).
   */
  const failureMessage = computed<string | null>(() => {
    if (!error.value) return null
    if (needsToken.value) {
      return "Enter this server's access token first: the environments it offers are shown once it is accepted."
    }
    const reason = error.value.message.trim().replace(/[\s.!?:;,]+$/, '')
    return reason
      ? `Could not ask the server which environments it offers: ${reason}.`
      : 'Could not ask the server which environments it offers.'
  })
  /** Why the server's list is not known: its first load failed (most often: the token is needed). */
  const loadFailure = computed<string | null>(() => (loaded.value ? null : failureMessage.value))

  /**
   * Why nothing can be started in the chosen environment, or `null`. A Live choice kept from an
   * earlier visit stays chosen when the server no longer offers live: no silent switch to Sandbox.
   */
  const currentUnavailableReason = computed<string | null>(() => {
    if (current.value.available) return null
    if (loadFailure.value) return loadFailure.value
    if (!loaded.value) return 'checking which environments this server offers…'
    if (current.value.id === 'live') {
      return 'Live is not available on this server: choose Sandbox, or ask whoever runs it to set VONAGE_API_KEY and VONAGE_API_SECRET.'
    }
    return `${current.value.label} is not available on this server: choose another environment.`
  })
  const isSandbox = computed(() => currentId.value === 'sandbox')

  /**
   * The environment of the request on screen, which its buttons call, or `null` on any other page:
   * the app chrome shows it rather than the chosen one, which only new verifications use.
   */
  const viewedId = ref<EnvironmentId | null>(null)
  /** Who set `viewedId` last: only they clear it (a page left may finish after the next opened). */
  let viewer: object | null = null
  /** The environment the page on screen calls: the viewed request's, or the chosen one. */
  const shownId = computed<EnvironmentId>(() => viewedId.value ?? currentId.value)
  const shown = computed<Environment>(() =>
    viewedId.value === null
      ? current.value
      : (environments.value.find((e) => e.id === viewedId.value) ?? {
          id: viewedId.value,
          label: environmentName(viewedId.value),
          available: false,
        }),
  )

  /** `owner` (a request page) shows a request of `id`; `null` when it no longer does. */
  function showViewed(owner: object, id: EnvironmentId | null): void {
    if (id !== null) {
      viewer = owner
      viewedId.value = id
    } else if (viewer === owner) {
      viewer = null
      viewedId.value = null
    }
  }

  /** Why an environment cannot be chosen, or `null` when it can. */
  function unavailableReason(env: Environment): string | null {
    if (env.available) return null
    if (loadFailure.value) return loadFailure.value
    if (!loaded.value) return 'checking which environments this server offers…'
    if (env.reason) return env.reason
    if (env.id === 'live') {
      return 'Live is not configured: set VONAGE_API_KEY and VONAGE_API_SECRET on the server and restart it.'
    }
    return `${env.label} is not available on this server.`
  }

  let loading: Promise<void> | null = null

  /** Loads the list from the server (concurrent calls share one request). */
  function load(): Promise<void> {
    if (loading) return loading
    isLoading.value = true
    error.value = null
    loading = getEnvironments()
      .then((answer) => {
        environments.value = answer.environments
        defaultId.value = answer.default
        loaded.value = true
        const chosen = answer.environments.find((e) => e.id === currentId.value)
        // A choice the user made stays, even when it is not available now (it is shown as such);
        // only the assumed sandbox follows the server's default.
        if (!chosen?.available && readStored() !== currentId.value) currentId.value = answer.default
      })
      .catch((e: unknown) => {
        error.value =
          e instanceof ApiError
            ? e
            : new ApiError('network', e instanceof Error ? e.message : String(e))
      })
      .finally(() => {
        isLoading.value = false
        loading = null
      })
    return loading
  }

  /** Chooses an environment; returns false (and changes nothing) when it is not available. */
  function select(id: EnvironmentId): boolean {
    const env = environments.value.find((e) => e.id === id)
    if (!env || !env.available) return false
    currentId.value = id
    writeStored(id)
    return true
  }

  return {
    environments,
    defaultId,
    currentId,
    isLoading,
    loaded,
    error,
    needsToken,
    failureMessage,
    loadFailure,
    current,
    currentUnavailableReason,
    isSandbox,
    viewedId,
    shownId,
    shown,
    unavailableReason,
    showViewed,
    load,
    select,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useEnvironmentsStore, import.meta.hot))
