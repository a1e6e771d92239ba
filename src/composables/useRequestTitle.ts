/**
 * What the app around the request page shows of the request: the environment badge shows its
 * environment (the one its buttons call), and the tab names it with its status.
 */
import { onBeforeUnmount, toValue, watch, type MaybeRefOrGetter } from 'vue'
import type { EnvironmentId } from '@/api/verify'
import type { RequestModel } from '@/utils/request-model'
import { useEnvironmentsStore } from '@/stores/environments'
import { shortId } from '@/utils/short-id'
import { NOT_FOUND_TITLE } from '@/utils/history-status'

export interface RequestTitleSources {
  model: MaybeRefOrGetter<RequestModel | null>
  environment: MaybeRefOrGetter<EnvironmentId>
  /** Why the request is gone (the sandbox no longer knows it); null while it is not. */
  gone: MaybeRefOrGetter<string | null>
}

export function useRequestTitle(requestId: MaybeRefOrGetter<string>, sources: RequestTitleSources) {
  const environments = useEnvironmentsStore()
  // The app's environment badge shows this request's environment (the one its buttons call), not
  // the one chosen for new verifications: nothing on screen says Sandbox while the actions go live.
  const viewer = {}
  watch(
    () => toValue(sources.environment),
    (id) => environments.showViewed(viewer, id),
    { immediate: true },
  )
  onBeforeUnmount(() => environments.showViewed(viewer, null))

  /**
   * The tab names the request and its status: `Request …62a2d3 IN PROGRESS · Verify Desk`, with
   * `Live · ` before it for a live request (its buttons make real, charged calls).
   */
  watch(
    [
      () => toValue(requestId),
      () => {
        const model = toValue(sources.model)
        return model?.reportedStatus || model?.status
      },
      () => toValue(sources.gone),
      () => toValue(sources.environment),
    ],
    ([id, status, gone, env]) => {
      if (typeof document === 'undefined') return
      // A status this dashboard does not know is named as search wrote it (BLOCKED, not UNKNOWN).
      // One the sandbox no longer holds is named as History's badge names it.
      const state = gone ? NOT_FOUND_TITLE : status
      const where = env === 'live' ? 'Live · ' : ''
      document.title = `${where}Request ${shortId(id)}${state ? ` ${state}` : ''} · Verify Desk`
    },
    { immediate: true },
  )
}
