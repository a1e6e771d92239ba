/**
 * Clear all, behind an inline confirmation (a labelled group in the page, not a dialog), with the
 * keyboard focus always somewhere sensible: on Cancel when it opens, back on "Clear all…" when it
 * closes, on what was deleted once it is.
 */
import { nextTick, ref, toValue } from 'vue'
import { useRequestsStore } from '@/stores/requests'
import { useEscapeWhile } from './useEscapeWhile'
import type { FocusTarget } from './useFocusRescue'

export interface ClearHistoryTargets {
  /** The confirmation's Cancel, the safe choice. */
  keep: FocusTarget
  /** "Clear all…", which opens the confirmation. */
  opener: FocusTarget
  /** The line that says what clear all did. */
  done: FocusTarget
}

/** `onStart` runs as the confirmation opens (what the toolbar said before is about another action). */
export function useClearHistory(targets: ClearHistoryTargets, onStart: () => void) {
  const history = useRequestsStore()
  const confirming = ref(false)
  const clearing = ref(false)
  /** Says what clear all did; it takes the focus (the buttons it came from are gone or disabled). */
  const cleared = ref<string | null>(null)

  /** Escape anywhere on the page closes the confirmation and gives the focus back to "Clear all…". */
  useEscapeWhile(confirming, () => {
    if (!clearing.value) void cancelClear()
  })

  /**
   * Opening it focuses Cancel, the safe choice: Enter held on "Clear all…" repeats on what has the
   * focus, and must never delete the history the user has not confirmed deleting.
   */
  async function askClear(): Promise<void> {
    onStart()
    confirming.value = true
    await nextTick()
    toValue(targets.keep)?.focus()
  }

  async function cancelClear(): Promise<void> {
    confirming.value = false
    await nextTick()
    toValue(targets.opener)?.focus()
  }

  async function confirmClear(): Promise<void> {
    const count = history.entries.length
    clearing.value = true
    try {
      await history.clear()
      cleared.value = `Deleted all ${count.toLocaleString()} ${count === 1 ? 'entry' : 'entries'} from history.`
    } finally {
      clearing.value = false
      confirming.value = false
    }
    await nextTick()
    ;(toValue(targets.done) ?? toValue(targets.opener))?.focus()
  }

  return { confirming, clearing, cleared, askClear, cancelClear, confirmClear }
}
