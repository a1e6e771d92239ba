/**
 * What became of a start whose answer arrived after the user left New verification (or after
 * that page was shown afresh): the dashboard never moves the user away from the page they are on
 * now. Each answer is said once through the app's polite announcer and stays as a notice on every
 * page, with a link to the request started (or to New verification, where what was typed is
 * still in the form and a start that may have gone out is listed), until it is dismissed.
 * In memory, for this tab: History and "Starts without an answer" keep what outlives the tab.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { EnvironmentId } from '@contract/desk'
import { statusInfo } from '@contract/status'
import { describeFailure } from '@/utils/call-failure'
import { environmentName } from '@/utils/environment-name'
import { shortId } from '@/utils/short-id'
import type { StartOutcome } from '@/utils/start-outcome'

/** Notices kept at most (the oldest goes first); announcements kept for the announcer. */
const MAX_NOTICES = 10
const MAX_SAID = 20

export interface StartNotice {
  id: number
  /** Epoch ms the answer arrived. */
  at: number
  /** `started`: Vonage accepted it; `refused`: it answered a status; `failed`: no answer. */
  type: 'started' | 'refused' | 'failed'
  environment: EnvironmentId
  /** E.164 digits as sent. */
  number: string
  /** The request started (for `started`). */
  requestId?: string
  /** What is shown and said. */
  message: string
}

export interface StartAnnouncement {
  id: number
  at: number
  message: string
}

/** The notice for what a start to `number` (E.164 digits) on `environment` came to. */
export function startNoticeOf(
  outcome: StartOutcome,
  environment: EnvironmentId,
  number: string,
): Omit<StartNotice, 'id' | 'at'> {
  const base = { environment, number }
  const to = `+${number} on ${environmentName(environment)}`
  if (outcome.type === 'started') {
    return {
      ...base,
      type: 'started',
      requestId: outcome.requestId,
      message: `Request to ${to} started (${shortId(outcome.requestId)}), after you left New verification. It is in History.`,
    }
  }
  if (outcome.type === 'rejected') {
    const { status, error_text: text } = outcome.answer
    const refused = `The start to ${to} was refused with status ${status}: ${statusInfo(status, 'request', { answer: outcome.answer }).title} (${text}).`
    const blocker = status === '10' ? outcome.answer.request_id : undefined
    if (blocker && outcome.earlierUncertain) {
      return {
        ...base,
        type: 'refused',
        requestId: blocker,
        message:
          `${refused} It is probably your earlier start to this number (${shortId(blocker)}), which went through` +
          (outcome.earlierInHistory
            ? ': it is in History.'
            : ', but History could not take it: it is still listed under Starts without an answer on New verification, naming that request.'),
      }
    }
    return {
      ...base,
      type: 'refused',
      ...(blocker ? { requestId: blocker } : {}),
      message: `${refused} What you typed is still in the form on New verification.`,
    }
  }
  const heading = describeFailure('start', outcome.error).heading
  const code = outcome.error.code ?? outcome.error.kind
  return {
    ...base,
    type: 'failed',
    message:
      `The start to ${to} got no answer: ${heading} (${code}).` +
      (outcome.listed
        ? ' It is listed under Starts without an answer on New verification, to send again.'
        : ' What you typed is still in the form on New verification.'),
  }
}

export const useStartNoticesStore = defineStore('start-notices', () => {
  const notices = ref<StartNotice[]>([])
  /** Said by the app's announcer, newest last. */
  const announcements = shallowRef<StartAnnouncement[]>([])
  let nextId = 1

  /** Shows a notice and says it once. */
  function add(notice: Omit<StartNotice, 'id' | 'at'>): StartNotice {
    const item: StartNotice = { ...notice, id: nextId++, at: Date.now() }
    notices.value = [...notices.value.slice(-(MAX_NOTICES - 1)), item]
    announcements.value = [
      ...announcements.value.slice(-(MAX_SAID - 1)),
      { id: item.id, at: item.at, message: item.message },
    ]
    return item
  }

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id)
  }

  /** The request's page is shown: its notice has done its job. */
  function seenRequest(requestId: string): void {
    if (notices.value.some((n) => n.requestId === requestId)) {
      notices.value = notices.value.filter((n) => n.requestId !== requestId)
    }
  }

  /** A new start to this number was sent: what an earlier one to it came to is old news. */
  function supersede(environment: EnvironmentId, number: string): void {
    const kept = notices.value.filter(
      (n) => n.type === 'started' || n.environment !== environment || n.number !== number,
    )
    if (kept.length !== notices.value.length) notices.value = kept
  }

  return { notices, announcements, add, dismiss, seenRequest, supersede }
})

if (import.meta.hot) {
  import.meta.hot.accept(acceptHMRUpdate(useStartNoticesStore, import.meta.hot))
}
