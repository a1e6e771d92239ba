/**
 * The answer to the last action as the request page says it: the answer as it came, with what the
 * page learnt since. A wrong code answered while the PIN had expired says what can help instead;
 * a check whose answer was lost says what a read sent after it found (and, if the field took its
 * code back, to press Check code), and so does a cancel or trigger whose answer was lost; a wrong
 * code's answer says a new PIN has been sent since, once a read lists a new message or call with
 * the attempts back. Once the request ended after the answer came (expired, verified or cancelled elsewhere), a
 * next step that asked to act on it gives way to one fitting its state.
 */
import {
  computed,
  ref,
  shallowRef,
  toValue,
  watch,
  type ComputedRef,
  type MaybeRefOrGetter,
  type Ref,
  type ShallowRef,
} from 'vue'
import type { ActionOutcome } from '@/utils/request-actions'
import type { RequestModel } from '@/utils/request-model'
import { expiredPinAdvice, isCheckCall } from '@/utils/request-state'
import { isFinalStatus } from '@/utils/history-entry'
import type { LostCheckFate } from './useLostCheckCode'
import {
  LOST_CONTROL_SETTLED,
  useRequestAtSend,
  useRequestReads,
  useSettledLostControl,
} from './useSettledLostControl'
import type { LoggedCall } from '@/utils/request-state'

export interface ShownOutcomeSources {
  /** The answer to the last action sent from this page. */
  outcome: MaybeRefOrGetter<ActionOutcome | null>
  /** The request as the page last read it (null: not read yet). */
  model: MaybeRefOrGetter<RequestModel | null>
  /** The time now, on the request's clock (epoch ms). */
  now: MaybeRefOrGetter<number>
  /** Why the request is gone (the sandbox no longer knows it); null while it is not. */
  gone: MaybeRefOrGetter<string | null>
  /** What reads of the request say of its lost check. */
  lostCheckFate: MaybeRefOrGetter<LostCheckFate>
  /** Whether the PIN field took back the code of the lost check (useLostCheckCode). */
  codeRestored: MaybeRefOrGetter<boolean>
  /**
   * Whether an action from this page is on its way: a request that ends meanwhile most likely ends
   * by it (a third wrong code), and its own answer is about to say so. @default false
   */
  acting?: MaybeRefOrGetter<boolean>
  /**
   * The calls made about the request, newest first: the reads that settle a lost cancel or trigger.
   * @default the tab's call log of the request
   */
  reads?: MaybeRefOrGetter<readonly LoggedCall[]>
}

/** What the answer to a lost check says once a read settled it. */
const LOST_CHECK_SETTLED = {
  not_processed: {
    title: 'The lost check was not processed',
    message: 'The request as read after it lists no such check: it used no attempt.',
    nextStep: 'Enter the code again.',
  },
  processed: {
    title: 'The lost check was processed',
    message: 'The request as read after it lists it: the attempts left count it.',
    nextStep: '',
  },
} as const

/**
 * A check answered status 5 (Internal Error: it may have been counted), once a read sent after it
 * settled it: its message and next step say what the read found; its title stays the API's.
 */
const STATUS_5_SETTLED = {
  not_processed: {
    message: 'The request as read after it lists no such check: it used no attempt.',
    nextStep: 'Enter the code again.',
  },
  processed: {
    message: 'The request as read after it lists it: the attempts left count it.',
    nextStep: '',
  },
} as const

/** Whether `answer` is a check that may have used an attempt without saying so (lost, or 5). */
function checkInDoubt(answer: ActionOutcome | null): answer is ActionOutcome {
  return answer?.action === 'check' && (answer.failure === 'maybe' || answer.status === '5')
}

/**
 * The next step once the request ended after the answer came: nothing can be acted on any more.
 * `number` without its `+` (empty: not known).
 */
export function endedSinceNextStep(status: string, number: string): string {
  if (status === 'SUCCESS') {
    return 'The request has since been verified (SUCCESS): nothing more needs doing.'
  }
  const to = number ? ` to +${number}` : ''
  return `The request has since ended (${status}): it can no longer be checked, cancelled or moved on. Start a new verification${to} if one is still needed.`
}

/**
 * The next step once the request is gone (the sandbox no longer holds it): a request history knew
 * had ended says so; any other can no longer be acted on at all.
 */
function goneNextStep(model: RequestModel | null): string {
  const to = model?.number ? ` to +${model.number}` : ''
  if (model?.status === 'SUCCESS') return endedSinceNextStep('SUCCESS', model.number)
  return `The request no longer exists (the sandbox no longer holds it): it cannot be checked, cancelled or moved on. Start a new verification${to} if one is still needed.`
}

/**
 * A wrong code (16) answered while the PIN had expired: entering a code again cannot help until a
 * new PIN comes, so the answer's next step says what can. Decided as the answer comes (the text
 * then stays as it was said, whatever the clock does next).
 */
function useExpiredPinAnswer(
  sources: ShownOutcomeSources,
): Readonly<ShallowRef<{ outcome: ActionOutcome; nextStep: string } | null>> {
  const answered = shallowRef<{ outcome: ActionOutcome; nextStep: string } | null>(null)
  // As soon as the answer is in, not after the refresh that follows it.
  watch(
    () => toValue(sources.outcome),
    (answer) => {
      const m = toValue(sources.gone) ? null : toValue(sources.model)
      const expired =
        answer?.action === 'check' &&
        answer.status === '16' &&
        m &&
        expiredPinAdvice(m, toValue(sources.now))
      answered.value = expired
        ? {
            outcome: answer,
            nextStep:
              m.eventsLeft === 0
                ? 'The PIN had expired and no message or call is left to bring a new one: start a new verification once this one expires.'
                : 'The PIN had expired, so no code can match it: wait for the next message or call, which brings a new PIN, or trigger the next event now.',
          }
        : null
    },
  )
  return answered
}

/**
 * Whether the call log shows `answer`'s check as the request's newest (its own call the one check
 * sent since): what reads say of the newest check is then said of it.
 */
function newestCheckIs(answer: ActionOutcome, reads: readonly LoggedCall[]): boolean {
  return reads.filter((call) => isCheckCall(call) && call.startedAt >= answer.at).length === 1
}

/**
 * A check whose answer was lost, once a read sent after it says what became of it: its answer
 * ("may still have been processed… look the request up") then says that instead. Kept for that
 * answer: the read that settled it may later drop out of the call log. Not processed turns processed
 * when a later read lists the check after all, never the other way.
 */
function useSettledLostCheck(
  sources: ShownOutcomeSources,
  reads: MaybeRefOrGetter<readonly LoggedCall[]>,
): Readonly<ShallowRef<{ outcome: ActionOutcome; fate: 'processed' | 'not_processed' } | null>> {
  const settled = shallowRef<{
    outcome: ActionOutcome
    fate: 'processed' | 'not_processed'
  } | null>(null)
  watch(
    [() => toValue(sources.outcome), () => toValue(sources.lostCheckFate)],
    ([answer, fate]) => {
      if (!checkInDoubt(answer)) settled.value = null
      else if (settled.value?.outcome === answer) {
        // A later read may list it after all (the upstream recorded it after the read that
        // settled it): said then. Never the other way: that read may have dropped out of the log.
        if (
          fate === 'processed' &&
          settled.value.fate === 'not_processed' &&
          newestCheckIs(answer, toValue(reads))
        ) {
          settled.value = { outcome: answer, fate }
        }
      } else if (fate === 'processed' || fate === 'not_processed') {
        settled.value = { outcome: answer, fate }
      }
    },
    { immediate: true },
  )
  return settled
}

/**
 * A wrong code's answer ("… the third wrong code ends the request") no longer holds once a new PIN
 * was sent (workflow 1's later messages bring one, with its attempts again): seen as the attempts
 * left rising above the fewest seen since that answer (the attempt it used shows only in the read
 * that follows it).
 *
 * Not the test useLostCheckCode makes before it puts a lost check's code back (more events that
 * brought a PIN or may have, or more attempts, than when the check was sent): that one must hold
 * across a reload, so it compares what was kept with what is read, and it counts an event that only
 * may have brought a PIN, as holding a code back wrongly costs a retype. Here the page says a new
 * PIN "has been sent", so such an event does not count; and after a wrong code the attempts left
 * are below a new PIN's, so a new PIN shows as a rise.
 */
function useNewPinSinceAnswer(sources: ShownOutcomeSources): Readonly<Ref<boolean>> {
  const attemptsLeft = () => toValue(sources.model)?.attemptsLeft ?? null
  const events = () => toValue(sources.model)?.events.length ?? null
  const attemptsRose = ref(false)
  let fewestAttempts: number | null = null
  /** The messages and calls listed when the answer came: a new PIN comes with one more. */
  const eventsAtAnswer = ref<number | null>(null)
  watch(
    () => toValue(sources.outcome),
    () => {
      attemptsRose.value = false
      fewestAttempts = attemptsLeft()
      eventsAtAnswer.value = events()
    },
    { flush: 'sync' },
  )
  watch(attemptsLeft, (left) => {
    // A request gone (the sandbox was reset) has no PIN: what history knew of it is no new one.
    if (left === null || toValue(sources.gone)) return
    if (fewestAttempts !== null && left > fewestAttempts) attemptsRose.value = true
    fewestAttempts = fewestAttempts === null ? left : Math.min(fewestAttempts, left)
  })
  // The messages and calls of a request not read yet at the answer: the first count read.
  watch(
    events,
    (now) => {
      if (eventsAtAnswer.value === null && now !== null) eventsAtAnswer.value = now
    },
    { immediate: true, flush: 'sync' },
  )
  // Attempts rising alone are no new PIN: a read that does not list the wrong code (yet) shows as
  // many as before it. A new PIN comes with a new message or call.
  return computed(() => {
    const now = events()
    return attemptsRose.value && now !== null && now > (eventsAtAnswer.value ?? now)
  })
}

/** Two answers that say the same in every field. */
function sameOutcome(a: ActionOutcome, b: ActionOutcome): boolean {
  const keys = Object.keys(a) as (keyof ActionOutcome)[]
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

/**
 * The answer to the last action as the page says it (null: no action answered on this page).
 * Every read of the request (the poll, the stream) makes it anew: the same answer said the same way
 * stays the same object, so it is neither counted as said again ("2 times in a row") nor read out
 * again.
 */
export function useShownOutcome(sources: ShownOutcomeSources): ComputedRef<ActionOutcome | null> {
  const reads = sources.reads ?? useRequestReads(sources.model)
  const expiredPinAnswer = useExpiredPinAnswer(sources)
  const lostCheckSettled = useSettledLostCheck(sources, reads)
  const newPinSince = useNewPinSinceAnswer(sources)
  const atSend = useRequestAtSend(sources)
  const lostControlSettled = useSettledLostControl(
    {
      outcome: sources.outcome,
      model: sources.model,
      now: sources.now,
      reads,
    },
    atSend,
  )

  /** The answer to the last action, with what the page learnt since. */
  function sayOutcome(): ActionOutcome | null {
    const outcome = toValue(sources.outcome)
    const answer = expiredPinAnswer.value
    if (answer && answer.outcome === outcome) {
      return { ...answer.outcome, nextStep: answer.nextStep }
    }
    const lost = lostCheckSettled.value
    if (lost && lost.outcome === outcome && lost.outcome.status === '5') {
      const said = { ...lost.outcome, ...STATUS_5_SETTLED[lost.fate] }
      return lost.fate === 'not_processed' && toValue(sources.codeRestored)
        ? { ...said, nextStep: 'Press Check code: the code it sent is back in the field.' }
        : said
    }
    if (lost && lost.outcome === outcome) {
      const said = { ...lost.outcome, ...LOST_CHECK_SETTLED[lost.fate] }
      return lost.fate === 'not_processed' && toValue(sources.codeRestored)
        ? { ...said, nextStep: 'Press Check code: the code it sent is back in the field.' }
        : said
    }
    const control = lostControlSettled.value
    if (control && control.outcome === outcome && outcome.action !== 'check') {
      const { title, ...texts } = LOST_CONTROL_SETTLED[outcome.action][control.fate]
      // A status 5 keeps the API's title, as a check's does.
      return { ...outcome, ...texts, ...(outcome.status === '5' ? {} : { title }) }
    }
    return outcome
  }
  /** The answer to the last action, with a new PIN since a wrong code said. */
  function withNewPin(): ActionOutcome | null {
    const said = sayOutcome()
    if (!said || !newPinSince.value || said.action !== 'check' || said.status !== '16') return said
    if (toValue(sources.gone)) return said
    const left = toValue(sources.model)?.attemptsLeft
    return {
      ...said,
      nextStep: `A new PIN has been sent since this answer${left ? `, with ${left} attempts` : ''}: enter the code from the newest message or call.`,
    }
  }

  /**
   * The answer to the last action as it holds now: one given while the request was going on, that
   * did not end it itself, no longer asks to act on it once a read shows it ended (unless an action
   * of this page is on its way, whose own answer comes next).
   */
  function outcomeNow(): ActionOutcome | null {
    const said = withNewPin()
    const m = toValue(sources.model)
    if (!said || !said.nextStep || said.statusChange) return said
    // Gone with the sandbox's state: nothing can be done with it any more, whatever it asked.
    if (toValue(sources.gone)) return { ...said, nextStep: goneNextStep(m) }
    if (!m) return said
    // Its answer will say why it ended: saying "has since ended" first would say it twice.
    if (toValue(sources.acting)) return said
    // Compared with the request as it was when the action was sent: a read that came before its
    // answer may already show what the action itself did (a lost cancel that went through).
    const before = atSend()?.status ?? null
    if (!isFinalStatus(m.status) || (before !== null && isFinalStatus(before))) return said
    return { ...said, nextStep: endedSinceNextStep(m.status, m.number) }
  }

  /** The answer last said, as it came from the action (not as said). */
  let saidFor: ActionOutcome | null = null
  return computed<ActionOutcome | null>((previous) => {
    const source = toValue(sources.outcome)
    const said = outcomeNow()
    if (previous && said && source === saidFor && sameOutcome(previous, said)) return previous
    saidFor = source
    return said
  })
}
