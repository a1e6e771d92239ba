/** What every form here does when its submit is refused (see `useFormRefusal`). */
import { nextTick, ref } from 'vue'
import { useAnnouncement } from './useAnnouncement'
import { invalidSummary, type FieldError } from './useFieldErrors'

/** A field checked on submit: its input's id, its label and its error (empty when valid). */
interface CheckedField {
  id: string
  label: string
  error?: string
}

/**
 * A submit refused as on New verification: from the first submit on, the fields show their errors
 * (`submitted`); the first field to correct gets the focus (its error is its description), and what
 * to correct is said in the form's live region (`said`), each time, even when the focus was in
 * that field already.
 */
export function useFormRefusal() {
  const submitted = ref(false)
  const announcement = useAnnouncement()

  /** On submit: true when every field is valid (nothing left to say), false when refused. */
  function accepts(fields: readonly CheckedField[]): boolean {
    submitted.value = true
    const invalid = fields.filter((f): f is FieldError & CheckedField => !!f.error)
    if (invalid.length > 0) {
      void nextTick(() => document.getElementById(invalid[0]!.id)?.focus())
      void announcement.say(invalidSummary(invalid))
      return false
    }
    announcement.clear()
    return true
  }

  return { submitted, said: announcement.text, accepts }
}
