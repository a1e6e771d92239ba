/**
 * A cancel or trigger-next-event whose answer was lost (or answered status 5: it may have gone
 * through), once the request as read after it says what became of it: a cancel is shown processed
 * once a read shows the request cancelled, and not processed once a read sent after its answer
 * came shows it still in progress; a trigger once a read lists a message or call sent since it was
 * sent, or, sent after its answer came, none. As a lost check is settled (useShownOutcome), the
 * answer then says what the read showed instead of "refresh the request".
 */
import { getActivePinia } from 'pinia'
import { shallowRef, toValue, watch, type MaybeRefOrGetter, type ShallowRef } from 'vue'
import { useCallsStore } from '@/stores/calls'
import { isFinalStatus } from '@/utils/history-entry'
import type { ActionOutcome } from '@/utils/request-actions'
import type { RequestModel } from '@/utils/request-model'
import { requestFoundBy, type LoggedCall, type RequestStatus } from '@/utils/request-state'

export type LostControlFate = 'processed' | 'not_processed'

/** The request as the page showed it when an action was sent. */
export interface RequestAtSend {
  status: RequestStatus
  /** How many messages or calls it listed. */
  events: number
}

export interface LostControlSources {
  outcome: MaybeRefOrGetter<ActionOutcome | null>
  model: MaybeRefOrGetter<RequestModel | null>
  /** The time now, on the request's clock (epoch ms). */
  now: MaybeRefOrGetter<number>
  /** The calls made about the request (newest first, as the call log lists them). */
  reads: MaybeRefOrGetter<readonly LoggedCall[]>
}

/** Whether `answer` is a cancel or trigger that may have gone through without saying so. */
export function controlInDoubt(answer: ActionOutcome | null): answer is ActionOutcome {
  return (
    (answer?.action === 'cancel' || answer?.action === 'next') &&
    (answer.failure === 'maybe' || answer.status === '5')
  )
}

/** What the answer to a lost cancel or trigger says once a read settled it. */
export const LOST_CONTROL_SETTLED = {
  cancel: {
    processed: {
      title: 'The lost cancel was processed',
      message: 'The request as read after it is cancelled (CANCELLED).',
      nextStep: '',
    },
    not_processed: {
      title: 'The lost cancel was not processed',
      message:
        'The request as read after its answer came is still in progress: it was not cancelled.',
      nextStep: 'Cancel again if the request should still end.',
    },
  },
  next: {
    processed: {
      title: 'The next message or call went out',
      message:
        'The request as read after the lost trigger lists a message or call sent since the trigger was sent.',
      nextStep: 'Enter the code from the newest message or call.',
    },
    not_processed: {
      title: 'The lost trigger was not processed',
      message:
        'The request as read after its answer came lists no message or call sent since the trigger was sent.',
      nextStep: 'Trigger the next event again if a new message or call is still needed.',
    },
  },
} as const

/** The calls made about the request this page shows, from the tab's call log (none without one). */
export function useRequestReads(
  model: MaybeRefOrGetter<RequestModel | null>,
): () => readonly LoggedCall[] {
  const calls = getActivePinia() ? useCallsStore() : null
  return () => {
    const id = toValue(model)?.requestId
    return calls && id ? calls.forRequest(id) : []
  }
}

/** The request `requestId` as a read that found it lists it: its status and how many events. */
function requestRead(call: LoggedCall, requestId: string): RequestAtSend | null {
  const found = requestFoundBy(call, requestId) as { status?: unknown; events?: unknown } | null
  if (!found || typeof found.status !== 'string') return null
  return {
    status: found.status as RequestStatus,
    events: Array.isArray(found.events) ? found.events.length : 0,
  }
}

/**
 * The request as shown when the action whose answer is shown was sent: taken as the page's action
 * goes out (`acting`), or, for one sent before this page was made, as its answer came.
 */
export function useRequestAtSend(sources: {
  outcome: MaybeRefOrGetter<ActionOutcome | null>
  model: MaybeRefOrGetter<RequestModel | null>
  acting?: MaybeRefOrGetter<boolean>
}): () => RequestAtSend | null {
  const snapshot = (): RequestAtSend | null => {
    const m = toValue(sources.model)
    return m ? { status: m.status, events: m.events.length } : null
  }
  let sending: RequestAtSend | null = null
  let answered: RequestAtSend | null = null
  watch(
    () => toValue(sources.acting) === true,
    (acting) => {
      if (acting) sending = snapshot()
    },
    { flush: 'sync', immediate: true },
  )
  watch(
    () => toValue(sources.outcome),
    () => {
      answered = sending ?? snapshot()
      sending = null
    },
    { flush: 'sync', immediate: true },
  )
  return () => answered
}

/**
 * What became of the shown answer's cancel or trigger when it may have gone through (null: no such
 * answer, or nothing read settles it yet). `atSend` is the request as shown when it was sent.
 */
export function useSettledLostControl(
  sources: LostControlSources,
  atSend: () => RequestAtSend | null,
): Readonly<ShallowRef<{ outcome: ActionOutcome; fate: LostControlFate } | null>> {
  const settled = shallowRef<{ outcome: ActionOutcome; fate: LostControlFate } | null>(null)
  /** When the shown answer came (epoch ms): a read sent since knows what the action did. */
  let answeredAt = 0
  watch(
    () => toValue(sources.outcome),
    () => {
      answeredAt = Date.now()
    },
    { flush: 'sync', immediate: true },
  )

  /** Whether the request as read lists a message or call sent since the trigger went out. */
  function newEventSince(answer: ActionOutcome, m: RequestModel): boolean {
    const before = atSend()
    if (before) return m.events.length > before.events
    // Sent before this page was made: by its time, on the request's clock (the API's dates are
    // whole seconds).
    const sentAt = answer.at + (toValue(sources.now) - Date.now()) - 2000
    return m.events.some((event) => event.at !== null && event.at >= sentAt)
  }

  function fateNow(answer: ActionOutcome): LostControlFate | null {
    const m = toValue(sources.model)
    if (!m) return null
    if (answer.action === 'cancel' && m.status === 'CANCELLED') return 'processed'
    if (answer.action === 'next' && newEventSince(answer, m)) return 'processed'
    const before = atSend()
    const reads = toValue(sources.reads)
    const shown = reads.some((call) => {
      if (call.startedAt < answeredAt) return false
      const read = requestRead(call, m.requestId)
      if (!read || isFinalStatus(read.status)) return false
      return answer.action === 'cancel' || (before !== null && read.events <= before.events)
    })
    return shown && !isFinalStatus(m.status) ? 'not_processed' : null
  }

  watch(
    [
      () => toValue(sources.outcome),
      () => toValue(sources.model),
      () => toValue(sources.reads),
    ] as const,
    ([answer]) => {
      if (!controlInDoubt(answer)) {
        settled.value = null
        return
      }
      const kept = settled.value?.outcome === answer ? settled.value.fate : null
      // Processed is for good; not processed may still give way to a later read that shows it
      // (one processed late), never to the read that showed it dropping out of the call log.
      if (kept === 'processed') return
      const fate = fateNow(answer)
      if (fate && fate !== kept) settled.value = { outcome: answer, fate }
      else if (!fate && !kept) settled.value = null
    },
    { immediate: true },
  )
  return settled
}
