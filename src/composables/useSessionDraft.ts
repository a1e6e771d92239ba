/**
 * A text the user is typing, kept in this tab's session storage so a reload or a visit to another
 * page does not lose it. Storage that is full or disabled leaves a plain ref.
 */
import { computed, reactive, ref, watch, watchEffect, type ComputedRef, type Ref } from 'vue'

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

type DraftFields = Record<string, string | boolean>

/**
 * A form's fields (strings and booleans), kept in this tab's session storage as one draft while
 * they differ from what `saved()` gives (the settings as saved, a form's starting values): a
 * reload or a visit to another page does not lose an edit not yet saved, and once the form is
 * saved (or set back) the draft goes. A stored field of another type, or a draft that cannot be
 * read, is ignored.
 */
export function useSessionDraftFields<T extends DraftFields>(
  key: string,
  saved: () => T,
): { fields: T; unsaved: ComputedRef<boolean> } {
  const stored = useSessionDraft(key)
  const start = saved()
  const restored: DraftFields = {}
  try {
    const parsed: unknown = stored.value ? JSON.parse(stored.value) : null
    if (typeof parsed === 'object' && parsed !== null) {
      for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
        if (name in start && typeof value === typeof start[name]) {
          restored[name] = value as string | boolean
        }
      }
    }
  } catch {
    // An unreadable draft is dropped: the form starts from what is saved.
  }
  const fields = reactive({ ...start, ...restored }) as T
  const unsaved = computed(() => {
    const now = saved()
    return Object.keys(now).some((name) => fields[name] !== now[name])
  })
  // What is saved changed under the form (another tab saved): a field not edited here shows the new
  // value, rather than the old one as an edit "not saved yet"; a field edited here keeps the edit.
  watch(saved, (now, before) => {
    for (const name of Object.keys(now) as (keyof T)[]) {
      if (fields[name] === before[name] && now[name] !== before[name]) fields[name] = now[name]
    }
  })
  // Only the fields edited here are kept: on a return to the form, the others show what is saved
  // then (another tab may have saved meanwhile), never an older value as an edit.
  watchEffect(() => {
    const now = saved()
    const edited = Object.fromEntries(
      Object.keys(now)
        .filter((name) => fields[name] !== now[name])
        .map((name) => [name, fields[name]]),
    )
    stored.value = Object.keys(edited).length > 0 ? JSON.stringify(edited) : ''
  })
  return { fields, unsaved }
}
