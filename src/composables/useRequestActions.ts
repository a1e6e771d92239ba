/**
 * Check, cancel and trigger-next-event for one request. Each action sends once (an in-flight guard
 * per request, kept by the tab's calls store so that a page left and re-created while an action is
 * out still waits for it; a PIN is never sent twice), records the outcome in history and refreshes
 * the request.
 */
import { computed, ref, toValue, watch, type MaybeRefOrGetter } from 'vue'
import { ApiError, isApiError } from '@/api/client'
import { cancelRequest, checkCode, triggerNextEvent, type EnvironmentId } from '@/api/verify'
import { useRequestsStore } from '@/stores/requests'
import { useCallsStore } from '@/stores/calls'
import { usePinDraftsStore } from '@/stores/pin-drafts'
import { statusChangeMessage, useWatchStore } from '@/stores/watch'
import { statusInfo } from '@contract/status'
import type { CheckResponse, ControlCommand } from '@contract/types'
import { answerNextStep, answeredWithHttp, describeFailure } from '@/utils/call-failure'
import { LIVE_CODE_PLACEHOLDER, type ActionRecord } from '@/utils/history-entry'
import { CODE_USED_STATUSES, type ActionName, type ActionOutcome } from '@/utils/request-actions'
import type { RequestModel } from '@/utils/request-model'
import { WORKFLOWS, isWorkflowId } from '@contract/workflows'

/** The answer to a trigger next event that went through, when what it sends is not known. */
export const NEXT_EVENT_SENT = 'The next message or call is on its way.'

/**
 * What a trigger next event that goes through sends, from the request as shown when it is sent:
 * the channel of the workflow's next step where known, and whether it is the request's last
 * message or call (none is left after it: the countdown then says "no events left").
 */
export function nextEventSentMessage(
  model: Pick<RequestModel, 'events' | 'eventsLeft' | 'workflowId'> | null,
): string {
  if (!model || model.eventsLeft !== 1) return NEXT_EVENT_SENT
  const workflow =
    model.workflowId !== null && isWorkflowId(model.workflowId) ? WORKFLOWS[model.workflowId] : null
  const channel = workflow?.steps[model.events.length]?.channel
  const what =
    channel === 'sms'
      ? 'an SMS'
      : channel === 'tts'
        ? 'a voice call (TTS)'
        : 'the next message or call'
  return `The last message or call is on its way: ${what}, the request's last (no messages or calls are left after it).`
}

/**
 * A wrong code's next step, with the attempts the PIN had before the check: after the second wrong
 * code one more ends the request (the API's own text counts from the PIN's first attempt).
 */
function wrongCodeNextStep(nextStep: string, attemptsBefore: number | null): string {
  if (attemptsBefore !== 2) return nextStep
  return 'Enter the code again; one more wrong code ends the request (FAILED).'
}

/** Texts joined as sentences (a full stop added where one is missing); empty ones left out. */
function sentences(...texts: string[]): string {
  return texts
    .filter(Boolean)
    .map((text, i, all) => (i < all.length - 1 && !/[.!?]$/.test(text) ? `${text}.` : text))
    .join(' ')
}

/** The outcome of an action that got no API answer (`error`), as the request page shows it. */
export function failureOutcome(action: ActionName, error: ApiError, at: number): ActionOutcome {
  const failure = describeFailure(action, error)
  return {
    action,
    ok: false,
    status: '',
    failure: failure.delivery,
    title: failure.title,
    message: error.message,
    nextStep: failure.nextStep,
    statusChange: '',
    // A code that may have been checked is not sent again blindly: the page is read first.
    codeUsed: action === 'check' && failure.delivery === 'maybe',
    at,
  }
}

/** The control command each control action sends. */
const CONTROL_COMMANDS: Readonly<Record<Exclude<ActionName, 'check'>, ControlCommand>> = {
  cancel: 'cancel',
  next: 'trigger_next_event',
}

/** A field of an answer when it is a non-empty text (an optional field may be absent or null). */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * What an accepted check (status 0) says beyond its status: the price, the currency, the cost of the
 * messages sent and the event whose PIN it used, each only when present. The answer stands without
 * them: the Node SDK declares `event_id`, `price` and `currency` optional, and the cost "may not be
 * present, depending on your pricing model".
 */
function acceptedDetails(
  answer: object,
): Omit<NonNullable<ActionRecord['check']>, 'code' | 'status'> {
  const fields = answer as Partial<Record<keyof CheckResponse, unknown>>
  const price = text(fields.price)
  const currency = text(fields.currency)
  const estimatedPrice = text(fields.estimated_price_messages_sent)
  const eventId = text(fields.event_id)
  return {
    ...(price ? { price } : {}),
    ...(currency ? { currency } : {}),
    ...(estimatedPrice ? { estimatedPrice } : {}),
    ...(eventId ? { eventId } : {}),
  }
}

/**
 * Check answers refused before the code was looked at: throttled (1), a missing (2) or invalid (3)
 * parameter, bad credentials (4). The check did not count: the same code can be sent again.
 */
const NOT_PROCESSED_STATUSES: ReadonlySet<string> = new Set(['1', '2', '3', '4'])

/**
 * Whether the answer to a check says its code was not used and could not have been: never sent
 * (the browser was offline, the server refused or queued nothing), or refused before the API
 * processed it (throttled…). The typed code is then kept as a draft again, across a reload in
 * the sandbox, as before it was sent. A check that was used or may have gone through (no answer,
 * a lost connection) is not kept: sending it again blindly could use up a second attempt.
 */
export function checkLeftCodeUnused(outcome: ActionOutcome): boolean {
  if (outcome.action !== 'check' || outcome.codeUsed) return false
  if (outcome.failure !== null) return outcome.failure !== 'maybe'
  return NOT_PROCESSED_STATUSES.has(outcome.status)
}

/**
 * A check that got no answer while the page already knew the connection to the server was lost (the
 * event stream dropped, a read failed the same way): the server could not be reached, so the check
 * most likely never left this browser, but that is not certain. The next step says not to send it
 * again before the request was read once the connection is back.
 */
export function unreachedCheckOutcome(failed: ActionOutcome): ActionOutcome {
  return {
    ...failed,
    title: 'The server could not be reached: the connection to it is lost',
    nextStep:
      'The check most likely did not reach the server, but that is not certain. Do not enter the code again yet: once the connection is back, this page reads the request again; look at its attempts left before entering the code again.',
  }
}

export function useRequestActions(
  requestId: MaybeRefOrGetter<string>,
  environment: MaybeRefOrGetter<EnvironmentId>,
  onDone: () => Promise<void> | void = () => undefined,
  /** Whether the page knows the connection to the server is lost (its event stream dropped…). */
  connectionLost: MaybeRefOrGetter<boolean> = false,
) {
  const requests = useRequestsStore()
  const watcher = useWatchStore()
  const calls = useCallsStore()
  const drafts = usePinDraftsStore()
  /** The action on its way for this request (sent from this page or an earlier one in this tab). */
  const busy = computed<ActionName | null>(() => calls.runningAction(toValue(requestId)))
  /** When this page began to show the request: answers that came before are not its own. */
  const openedAt = ref(0)
  watch(
    () => toValue(requestId),
    () => {
      // An action still out (sent before the page was re-created) is the page's to show.
      openedAt.value = busy.value ? 0 : Date.now()
    },
    { immediate: true },
  )
  /** The answer to the last action on this request that came while this page was shown. */
  const outcome = computed<ActionOutcome | null>(() => {
    const kept = calls.outcomes.get(toValue(requestId))
    return kept && kept.answeredAt >= openedAt.value ? kept.outcome : null
  })
  /** A check sent elsewhere (another tab, before a reload) with no answer recorded, if any. */
  const unansweredCheck = computed(() => calls.unansweredCheck(toValue(requestId)))
  /** A cancel or next event sent elsewhere with no answer recorded, if any (with its command). */
  const unansweredControl = computed(() => calls.unansweredControl(toValue(requestId)))
  /**
   * Checks of the request whose answer was lost, so that each may have used an attempt the count
   * does not hold, until a read of the request sent after it says (see `checksInDoubt`).
   */
  const uncertainChecks = computed(() => calls.uncertainChecks(toValue(requestId)))

  /**
   * Sends one action. `record` says what its answer means for the request (status, check, price):
   * it is kept in the history entry while that is still stored (an entry deleted meanwhile, here or
   * in another tab, is never brought back) and shown on the pages of the request either way.
   */
  async function run<A extends { status: string; error_text?: string; httpStatus?: number }>(
    action: ActionName,
    call: () => Promise<A>,
    record: (answer: A, at: number) => Omit<ActionRecord, 'request_id' | 'at'>,
    okMessage: string,
    /** Told of the answer just before the pages of the request show it. */
    answered: (outcome: ActionOutcome) => void = () => undefined,
    /** The next step of an API status other than 0, as this request's state words it. */
    nextStepFor: (status: string, nextStep: string) => string = (_, nextStep) => nextStep,
  ): Promise<ActionOutcome | null> {
    const id = toValue(requestId)
    if (!calls.beginAction(id, action)) return null
    const at = Date.now()
    let result: ActionOutcome | null = null
    // The sandbox's event stream may report the change before the answer comes: said with it.
    const release = watcher.holdAnnouncements(id)
    const lostWhenSent = toValue(connectionLost)
    try {
      const answer = await call()
      // An empty or missing error_text says nothing: the status's meaning is said instead.
      const errorText = text(answer.error_text)
      // Read for the call that got it: a 5 on a check is not a 5 on a search, a 19 on a cancel
      // (too early, too late: its text says) not one on trigger_next_event.
      const info = statusInfo(answer.status, action === 'check' ? 'check' : 'control', {
        ...(action === 'check' ? {} : { cmd: CONTROL_COMMANDS[action] }),
        ...(errorText ? { errorText } : {}),
      })
      // Searches sent before the answer came know nothing of the action.
      const answeredAt = Date.now()
      const recorded = record(answer, answeredAt)
      const stored = requests.byId(id)
      const statusChange = recorded.status
        ? statusChangeMessage({
            request_id: id,
            number: stored?.number ?? '',
            status: recorded.status,
          })
        : ''
      result = {
        action,
        ok: answer.status === '0',
        status: answer.status,
        failure: null,
        title: answer.status === '0' ? okMessage : info.title,
        message:
          answer.status === '0'
            ? ''
            : sentences(
                errorText ?? info.meaning,
                answeredWithHttp(answer.httpStatus, toValue(environment)),
              ),
        nextStep:
          answer.status === '0'
            ? ''
            : answerNextStep(answer, nextStepFor(answer.status, info.nextStep), action),
        statusChange,
        codeUsed: action === 'check' && CODE_USED_STATUSES.has(answer.status),
        at,
      }
      answered(result)
      calls.keepOutcome(id, result)
      await requests
        .recordAction({ ...recorded, request_id: id, at: answeredAt })
        .catch(() => undefined)
    } catch (e) {
      const error = isApiError(e) ? e : new ApiError('network', String(e))
      result = failureOutcome(action, error, at)
      if (action === 'check' && lostWhenSent && error.kind === 'network') {
        result = unreachedCheckOutcome(result)
      }
      answered(result)
      calls.keepOutcome(id, result)
    } finally {
      calls.endAction(id)
      release()
    }
    await onDone()
    return result
  }

  /** `attemptsBefore`: the attempts left for the PIN as shown when the code is sent (null: not known). */
  function check(code: string, attemptsBefore: number | null = null) {
    const id = toValue(requestId)
    const env = toValue(environment)
    // On live the code entered is not kept (it may be the PIN), as everywhere else.
    const stored = env === 'live' ? LIVE_CODE_PLACEHOLDER : code
    // The draft was forgotten when the code was sent (it may go through): a check that was not
    // sent, or refused unprocessed, keeps it again, unless another code was typed meanwhile. Here,
    // not in the field: the answer may come after the page was left (History, then Back). Before
    // the answer is shown, so that a page re-created meanwhile finds the draft when it shows it.
    const keepDraft = (outcome: ActionOutcome) => {
      if (checkLeftCodeUnused(outcome) && drafts.get(id) === undefined) {
        drafts.set(id, code, env === 'sandbox')
      }
    }
    return run(
      'check',
      () => checkCode(env, id, code),
      (answer) =>
        answer.status === '0'
          ? {
              status: 'SUCCESS',
              check: { code: stored, status: 'VALID', ...acceptedDetails(answer) },
            }
          : answer.status === '16'
            ? { check: { code: stored, status: 'INVALID' } }
            : answer.status === '17'
              ? { status: 'FAILED' }
              : {},
      'Code accepted: the request is verified.',
      keepDraft,
      (status, nextStep) =>
        status === '16' ? wrongCodeNextStep(nextStep, attemptsBefore) : nextStep,
    )
  }

  function cancel() {
    const id = toValue(requestId)
    return run(
      'cancel',
      () => cancelRequest(toValue(environment), id),
      (answer) => (answer.status === '0' ? { status: 'CANCELLED' } : {}),
      'Request cancelled.',
    )
  }

  /** `sent`: what the answer says went out (`nextEventSentMessage` of the request shown). */
  function next(sent: string = NEXT_EVENT_SENT) {
    return run(
      'next',
      () => triggerNextEvent(toValue(environment), toValue(requestId)),
      () => ({}),
      sent,
    )
  }

  return {
    busy,
    outcome,
    unansweredCheck,
    unansweredControl,
    uncertainChecks,
    check,
    cancel,
    next,
  }
}
