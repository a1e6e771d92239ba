/**
 * The code of a check whose answer was lost, put back into the PIN field once a read showed it was
 * not processed: into an empty field only (what was typed since is kept), and said there while the
 * field still holds it. Taken out again, if still untouched, once it is withdrawn (a later read shows
 * the check processed after all).
 */
import { ref, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue'

/**
 * Puts `restoredCode` into `code` when that is empty, calling `onRestored` each time it does;
 * returns the code put back while the field holds it (null once it is changed, or none).
 */
export function useRestoredPin(
  code: Ref<string>,
  restoredCode: MaybeRefOrGetter<{ code: string } | null>,
  onRestored: () => void,
): Ref<string | null> {
  const restored = ref<string | null>(null)
  watch(
    () => toValue(restoredCode),
    (lost) => {
      if (!lost) {
        // Withdrawn: a later read shows the check was processed after all. A code still as it was
        // put back goes (sending it again would use another attempt).
        if (restored.value !== null && code.value === restored.value) code.value = ''
        restored.value = null
        return
      }
      if (code.value.trim() !== '') return
      code.value = lost.code
      restored.value = lost.code
      onRestored()
    },
    { immediate: true },
  )
  watch(code, (value) => {
    if (value !== restored.value) restored.value = null
  })
  return restored
}
