/**
 * What the request page says in its live region when the status changes (after the first load),
 * once: a request in history is announced by the app on every page, and a change an action made is
 * said with its answer. Only a request history does not hold (deleted meanwhile) is announced here.
 */
import { ref, toValue, watch, type MaybeRefOrGetter } from 'vue'
import type { ActionName, ActionOutcome } from '@/utils/request-actions'
import type { RequestDetails } from './useRequestDetails'
import { statusChangeMessage } from '@/stores/watch'

export interface RequestAnnouncementSources {
  /** The action on its way from the page, if any. */
  busy: MaybeRefOrGetter<ActionName | null>
  /** The answer to the last action sent from the page. */
  outcome: MaybeRefOrGetter<ActionOutcome | null>
}

export function useRequestAnnouncement(
  requestId: MaybeRefOrGetter<string>,
  details: RequestDetails,
  sources: RequestAnnouncementSources,
) {
  const { model } = details
  const announcement = ref('')
  watch(
    () => model.value?.status,
    (status, previous) => {
      if (!status || !previous || status === previous || details.entry.value) return
      if (toValue(sources.busy) || toValue(sources.outcome)?.statusChange.endsWith(`(${status}).`))
        return
      // Said as History's badge says it: a request search found without a status is `unknown`
      // (its status is not known yet), only one search has not found is `not found`.
      announcement.value = statusChangeMessage(
        {
          request_id: toValue(requestId),
          number: model.value?.number ?? '',
          status,
          ...(details.statusRecord.value ?? {}),
        },
        model.value?.reportedStatus || null,
      )
    },
  )
  return announcement
}
