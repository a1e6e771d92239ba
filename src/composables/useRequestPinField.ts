/**
 * What a request page hands its PIN field besides the request's state: when an answer used up the
 * code sent (the field is cleared) or said it was not used (its draft is kept again), the code of
 * a lost check to put back (useLostCheckCode), and which PIN is current (a code typed before a new
 * one is said to be for the earlier PIN).
 */
import {
  computed,
  ref,
  toValue,
  watch,
  type ComputedRef,
  type MaybeRefOrGetter,
  type Ref,
} from 'vue'
import { checkLeftCodeUnused } from './useRequestActions'
import {
  useLostCheckCode,
  type LostCheckCodeField,
  type LostCheckCodeSources,
} from './useLostCheckCode'

export interface RequestPinFieldSources extends LostCheckCodeSources {
  /** The request's current PIN as the sandbox's view says it (null: not read). */
  adminPin: MaybeRefOrGetter<string | null>
}

export interface RequestPinField {
  /** Counts answers that used up the code sent (the field is cleared on each). */
  usedCount: Readonly<Ref<number>>
  /** Counts answers that said the code sent was not used (its draft is kept again). */
  keptCount: Readonly<Ref<number>>
  /** A lost check's code: handed back to the field once a read shows it was not processed. */
  lostCode: LostCheckCodeField
  /**
   * Which PIN is current, as the sandbox's view says (null outside the sandbox, or not read): a
   * code typed before it changes is said to be for the earlier PIN.
   */
  pinKey: ComputedRef<string | null>
}

export function useRequestPinField(
  requestId: MaybeRefOrGetter<string>,
  sources: RequestPinFieldSources,
): RequestPinField {
  const usedCount = ref(0)
  const keptCount = ref(0)
  // As soon as the answer is in, not after the refresh that follows it.
  watch(
    () => toValue(sources.outcome),
    (answer) => {
      if (answer?.codeUsed) usedCount.value++
      if (answer && checkLeftCodeUnused(answer)) keptCount.value++
    },
  )
  const lostCode = useLostCheckCode(requestId, sources)
  const pinKey = computed(() =>
    toValue(sources.environment) === 'sandbox' && !toValue(sources.gone)
      ? toValue(sources.adminPin)
      : null,
  )
  return { usedCount, keptCount, lostCode, pinKey }
}
