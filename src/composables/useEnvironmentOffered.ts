/**
 * Whether the server still offers the environment a request page calls, and why not. The list of
 * environments is read when the app starts; a server restarted since may no longer offer live (its
 * credentials taken away), or offer it again. The list is read again when a read of the request is
 * refused as `environment_unavailable`, each time live status fails there, and, while the list says
 * the environment is off, when a read of the request works again.
 */
import { computed, toValue, watch, type MaybeRefOrGetter } from 'vue'
import type { ApiError } from '@/api/client'
import type { EnvironmentId } from '@/api/verify'
import { useEnvironmentsStore } from '@/stores/environments'
import { useWatchStore } from '@/stores/watch'

export interface EnvironmentOfferedSources {
  /** The environment the page's actions call. */
  environment: MaybeRefOrGetter<EnvironmentId>
  /** Why the page's last read of the request failed (null: it did not). */
  error: MaybeRefOrGetter<ApiError | null>
  /** When what the page shows was last read (epoch ms). */
  readAt: MaybeRefOrGetter<number>
}

export function useEnvironmentOffered(sources: EnvironmentOfferedSources) {
  const environments = useEnvironmentsStore()
  const live = useWatchStore()
  const known = computed(() => {
    if (!environments.loaded) return null
    const id = toValue(sources.environment)
    return environments.environments.find((e) => e.id === id) ?? null
  })
  /** Why the server does not offer the page's environment now; null while it does (or unknown). */
  const offReason = computed(() =>
    known.value && !known.value.available ? environments.unavailableReason(known.value) : null,
  )
  /** The environment's name, for the reason each action gives while it is off. */
  const label = computed(() => known.value?.label ?? '')

  // The sandbox is part of the server: it is never taken away, so its failures ask nothing.
  const reload = () => {
    if (toValue(sources.environment) !== 'sandbox') void environments.load()
  }
  watch(
    () => toValue(sources.error)?.code === 'environment_unavailable',
    (refused) => {
      if (refused && offReason.value === null) reload()
    },
  )
  // Each failure in a row: the server may have gone (nothing to ask), then come back without it.
  watch(
    () => live.failures.find((f) => f.environment === toValue(sources.environment))?.at,
    (at) => {
      if (at !== undefined && offReason.value === null) reload()
    },
  )
  watch(
    () => toValue(sources.readAt),
    (at, before) => {
      if (offReason.value !== null && at > before) reload()
    },
  )
  return { offReason, label }
}
