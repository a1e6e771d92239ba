/**
 * A text the user is typing, kept in this tab's session storage so a reload or a visit to another
 * page does not lose it. Storage that is full or disabled leaves a plain ref.
 */
import { ref, watch, type Ref } from 'vue'

export function useSessionDraft(key: string, initial = ''): Ref<string> {
  let stored: string | null = null
  try {
    stored = globalThis.sessionStorage?.getItem(key) ?? null
  } catch {
    stored = null
  }
  const text = ref(stored ?? initial)
  watch(text, (value) => {
    try {
      if (value === initial) globalThis.sessionStorage?.removeItem(key)
      else globalThis.sessionStorage?.setItem(key, value)
    } catch {
      // The draft then lasts as long as the page.
    }
  })
  return text
}
