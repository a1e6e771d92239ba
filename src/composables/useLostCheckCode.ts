/**
 * The code of a check whose answer was lost, for one request page. The code each check sent is
 * noted with the PIN it was sent for (the events that brought a PIN, or may have, and the attempts
 * left, then); once its answer is lost it is kept (stores/pin-drafts: sandbox codes also across a
 * reload). It is handed back to the PIN field once a read shows the check was not processed, for
 * that same PIN only (a message or call sent since may bring a new PIN: more such events, or more
 * attempts); forgotten once the check is shown processed, or another is sent. Never sent by itself:
 * the agent presses Check code. (Why this is not how a wrong code's answer sees a new PIN: see
 * useShownOutcome.)
 */
import {
  ref,
  shallowRef,
  toValue,
  watch,
  type MaybeRefOrGetter,
  type Ref,
  type ShallowRef,
} from 'vue'
import type { EnvironmentId } from '@/api/verify'
import { usePinDraftsStore, type LostCheckCode } from '@/stores/pin-drafts'
import type { ActionOutcome } from '@/utils/request-actions'
import type { RequestModel } from '@/utils/request-model'

/**
 * What reads of the request say of its newest check whose answer was lost (stores/calls,
 * `lostCheckFate`): `doubt` until one settles it; null when the newest check is no such check.
 */
export type LostCheckFate = 'doubt' | 'processed' | 'not_processed' | null

export interface LostCheckCodeSources {
  /** The request as the page last read it (null: not read yet). */
  model: MaybeRefOrGetter<RequestModel | null>
  /** Why the request is gone (the sandbox no longer knows it); null while it is not. */
  gone: MaybeRefOrGetter<string | null>
  /** Whether a read of the request is on its way. */
  isLoading: MaybeRefOrGetter<boolean>
  /** Where the request lives: a sandbox code is also kept across a reload of the tab. */
  environment: MaybeRefOrGetter<EnvironmentId>
  /** The answer to the last action sent from this page. */
  outcome: MaybeRefOrGetter<ActionOutcome | null>
  /** What reads of the request say of its lost check. */
  lostCheckFate: MaybeRefOrGetter<LostCheckFate>
}

/** What the page's PIN field gets of a lost check's code, and what the page tells of it. */
export interface LostCheckCodeField {
  /** The lost check's code handed back to the field (once it was shown not processed). */
  restoredCode: Readonly<ShallowRef<{ code: string } | null>>
  /** Whether the field took it back (it was empty). */
  codeRestored: Readonly<Ref<boolean>>
  /** A check of `code` is sent from this page: the newest, so an older lost one's is not put back. */
  sent(code: string): void
  /** The field took the code handed back. */
  restored(): void
}

export function useLostCheckCode(
  requestId: MaybeRefOrGetter<string>,
  sources: LostCheckCodeSources,
): LostCheckCodeField {
  const { model, gone, isLoading, environment, outcome, lostCheckFate } = sources
  const pinDrafts = usePinDraftsStore()
  /** The events that brought a new PIN, or may have (not known): one more means a new PIN. */
  const pinEvents = () => toValue(model)?.events.filter((e) => e.newPin !== false).length ?? null
  const attemptsLeft = () => toValue(model)?.attemptsLeft ?? null

  /** The code of the check on its way from this page, with the PIN it was sent for. */
  let checkSent: LostCheckCode | null = null
  watch(
    () => toValue(outcome),
    (answer) => {
      if (answer?.action !== 'check' || !checkSent) return
      if (answer.failure === 'maybe') {
        pinDrafts.keepLost(toValue(requestId), checkSent, toValue(environment) === 'sandbox')
      }
      checkSent = null
    },
  )

  const restoredCode = shallowRef<{ code: string } | null>(null)
  const codeRestored = ref(false)
  watch(
    [() => toValue(lostCheckFate), pinEvents, attemptsLeft, () => toValue(isLoading)],
    ([fate, events, left, loading]) => {
      // The read that settled it is logged before the page shows what it read: decided after.
      if ((fate !== 'processed' && fate !== 'not_processed') || loading) return
      // A later read lists the check handed back (the upstream recorded it after a read had shown
      // it not processed): it used an attempt, so the code is withdrawn.
      if (fate === 'processed' && restoredCode.value) {
        restoredCode.value = null
        codeRestored.value = false
      }
      const id = toValue(requestId)
      const kept = pinDrafts.lost(id)
      if (!kept) return
      if (fate === 'not_processed') {
        if (!toValue(model) || toValue(gone)) return
        const newPin =
          (kept.pinEvents !== null && events !== null && events > kept.pinEvents) ||
          (kept.attemptsLeft !== null && left !== null && left > kept.attemptsLeft)
        if (!newPin) restoredCode.value = { code: kept.code }
      }
      pinDrafts.forgetLost(id)
    },
    { immediate: true },
  )

  return {
    restoredCode,
    codeRestored,
    sent(code) {
      pinDrafts.forgetLost(toValue(requestId))
      // A code put back before was this check's or an older one's: what the field holds now is
      // not a lost code handed back, until one is again.
      codeRestored.value = false
      checkSent = { code, pinEvents: pinEvents(), attemptsLeft: attemptsLeft() }
    },
    restored() {
      codeRestored.value = true
    },
  }
}
