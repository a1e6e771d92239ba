/**
 * What the New verification form held when "Send again" (or a restore) filled it with something
 * else: set aside, never lost, until restored or discarded. Shared by the page and its list of what
 * is set aside; kept in this tab's session storage, like the form's draft, so a reload keeps the
 * offer to restore it (a new store reads what the last one wrote).
 */
import { computed, ref } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'

/** One form set aside: its draft (the fields that differ from the defaults), as the form keeps it. */
export interface SetAsideDraft {
  id: string
  /** When it was set aside (epoch ms). */
  at: number
  draft: Record<string, string>
}

export const SET_ASIDE_KEY = 'verify-desk:new-verification-set-aside'

/** What this tab's storage holds; anything damaged or foreign in it is left out. */
function read(): SetAsideDraft[] {
  try {
    const parsed = JSON.parse(globalThis.sessionStorage?.getItem(SET_ASIDE_KEY) ?? '[]') as unknown
    if (!Array.isArray(parsed)) return []
    return parsed.flatMap((item: unknown): SetAsideDraft[] => {
      if (typeof item !== 'object' || item === null) return []
      const { id, at, draft } = item as Record<string, unknown>
      if (typeof id !== 'string' || typeof at !== 'number') return []
      if (typeof draft !== 'object' || draft === null) return []
      const fields: Record<string, string> = {}
      for (const [key, value] of Object.entries(draft)) {
        if (typeof value === 'string') fields[key] = value
      }
      return [{ id, at, draft: fields }]
    })
  } catch {
    return []
  }
}

/** The same fields with the same values. */
function same(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

export const useSetAsideDraftsStore = defineStore('set-aside-drafts', () => {
  const entries = ref<SetAsideDraft[]>(read())
  /** Newest first. */
  const list = computed(() => [...entries.value].sort((a, b) => b.at - a.at))

  function write(): void {
    try {
      if (entries.value.length === 0) globalThis.sessionStorage?.removeItem(SET_ASIDE_KEY)
      else globalThis.sessionStorage?.setItem(SET_ASIDE_KEY, JSON.stringify(entries.value))
    } catch {
      // Storage full or disabled: what is set aside then lasts as long as the page.
    }
  }

  /**
   * Sets `draft` (what the form held) aside before the form is filled with `next`: not when it was
   * empty or is what the form gets anyway. Returns whether it is set aside (also when it already
   * was, from an earlier fill).
   */
  function setAside(draft: Record<string, string>, next: Record<string, string>): boolean {
    if (Object.keys(draft).length === 0 || same(draft, next)) return false
    if (!entries.value.some((e) => same(e.draft, draft))) {
      const at = Math.max(Date.now(), ...entries.value.map((e) => e.at + 1))
      entries.value = [...entries.value, { id: `${at}-${entries.value.length}`, at, draft }]
      write()
    }
    return true
  }

  /** Takes one out (restored into the form, or discarded). */
  function take(id: string): SetAsideDraft | undefined {
    const found = entries.value.find((e) => e.id === id)
    entries.value = entries.value.filter((e) => e.id !== id)
    write()
    return found
  }

  return { entries, list, setAside, take }
})

if (import.meta.hot) {
  import.meta.hot.accept(acceptHMRUpdate(useSetAsideDraftsStore, import.meta.hot))
}
