/**
 * The code in a request's PIN field over its life, apart from checking it: kept as a draft until it
 * is sent (usePinDraft), filled from a link or from a lost check's code (useRestoredPin) into an
 * empty field only, cleared once an answer used up the code sent (not what was typed since), and
 * said to be for an earlier PIN when a new PIN is sent while it is typed and not sent.
 */
import { ref, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue'
import { usePinDraft } from './usePinDraft'
import { useRestoredPin } from './useRestoredPin'

export interface PinFieldSources {
  /** A code to start with, and one handed over later (the Handset's `?pin=`). */
  initialCode: MaybeRefOrGetter<string>
  /** The request's current PIN (null: not known): a change means a new PIN was sent. */
  pinKey: MaybeRefOrGetter<string | null>
  /** A lost check's code, once a read showed it was not processed. */
  restoredCode: MaybeRefOrGetter<{ code: string } | null>
  /** Called each time the lost check's code is put back into the field. */
  onRestored: () => void
  /** Changes when an answer used up the code sent. */
  usedCount: MaybeRefOrGetter<number>
  /** Changes when an answer said the code sent was not used: its draft is kept again. */
  keptCount: MaybeRefOrGetter<number>
}

export interface PinField {
  /** What the field holds. */
  code: Ref<string>
  /** The code typed for an earlier PIN, while the field still holds it (null: none). */
  typedForEarlier: Readonly<Ref<string | null>>
  /** The lost check's code put back, while the field still holds it (null: none). */
  restored: Readonly<Ref<string | null>>
  /** `value` is sent: it alone is cleared by the answer that uses it up. */
  sent(value: string): void
}

export function usePinField(sources: PinFieldSources): PinField {
  const code = ref(toValue(sources.initialCode))
  /** What is typed outlives the page (History and Back; a reload in the sandbox) until it is sent. */
  const draft = usePinDraft(code)
  /** The code of the last check sent: only that one is cleared when an answer used it up. */
  let sentCode: string | null = null

  /**
   * The code left in the field (typed, not sent) when a new PIN was sent: it was typed for the
   * earlier PIN. Kept in the field (it is the user's), and said until the field changes or is sent.
   */
  const typedForEarlier = ref<string | null>(null)
  watch(
    () => toValue(sources.pinKey),
    (key, before) => {
      const typed = code.value.trim()
      if (key !== null && before !== null && before !== undefined && key !== before && typed) {
        typedForEarlier.value = typed
      }
    },
  )
  watch(code, (value) => {
    if (typedForEarlier.value !== null && value.trim() !== typedForEarlier.value) {
      typedForEarlier.value = null
    }
  })

  // A code handed over once the page knows it still fits (`?pin=` from the Handset): into an empty
  // field only, never over what was typed.
  watch(
    () => toValue(sources.initialCode),
    (handed) => {
      if (handed && code.value.trim() === '') code.value = handed
    },
  )

  const restored = useRestoredPin(code, sources.restoredCode, sources.onRestored)

  watch(
    () => toValue(sources.keptCount),
    () => draft.restore(),
  )
  watch(
    () => toValue(sources.usedCount),
    () => {
      // A code typed while the answer was on its way (the next attempt) is the user's: kept.
      if (code.value.trim() === sentCode) code.value = ''
      sentCode = null
    },
  )

  return {
    code,
    typedForEarlier,
    restored,
    sent(value) {
      // The code stays in the field until an answer says it was used: throttled or unsent, it can
      // be sent again. Its draft is forgotten meanwhile (the check may go through) and kept again
      // by an answer that says it was not used.
      sentCode = value
      typedForEarlier.value = null
      draft.sent()
    },
  }
}
