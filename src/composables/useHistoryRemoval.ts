/**
 * Deleting an entry from History, and undoing the last deletion. The last deletion can be undone
 * until the next one, or until the page is left: the offer never runs out on a timer (someone
 * tabbing or reading with a screen reader may take longer to reach it than a mouse user), and
 * Ctrl+Z (⌘Z on a Mac) undoes it from wherever the focus is, so the focus can stay in the list for
 * the next row.
 */
import { onBeforeUnmount, ref, shallowRef, type Ref } from 'vue'
import { useRequestsStore, type HistoryEntry } from '@/stores/requests'
import { storedCallOf, type StoredCall } from '@/utils/call-log'
import { historyToJson } from '@/utils/history-io'

/** The entry deleted last, with its stored calls, while it can be put back. */
export interface DeletedEntry {
  entry: HistoryEntry
  calls: StoredCall[]
  label: string
}

function labelOf(entry: HistoryEntry): string {
  return entry.number ? `+${entry.number}` : `request ${entry.request_id.slice(0, 8)}…`
}

/**
 * For the entries the list shows (`shown`); `focusAfterChange` moves the focus to an entry's row
 * (the neighbour of one deleted, one put back), or else somewhere sensible.
 */
export function useHistoryRemoval(
  shown: Readonly<Ref<readonly HistoryEntry[]>>,
  focusAfterChange: (id: string | undefined) => Promise<void>,
) {
  const history = useRequestsStore()
  const deleted = shallowRef<DeletedEntry | null>(null)
  /** Why the last delete or undo failed. */
  const removeError = ref<string | null>(null)

  function onUndoKey(event: KeyboardEvent): void {
    if (!deleted.value || event.defaultPrevented || event.altKey || event.shiftKey) return
    if (event.key.toLowerCase() !== 'z' || !(event.ctrlKey || event.metaKey)) return
    // In a text field Ctrl+Z undoes the typing, as everywhere else.
    const target = event.target
    if (
      target instanceof HTMLElement &&
      (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
    ) {
      return
    }
    event.preventDefault()
    void undo()
  }
  document.addEventListener('keydown', onUndoKey)
  onBeforeUnmount(() => document.removeEventListener('keydown', onUndoKey))

  async function remove(id: string): Promise<void> {
    removeError.value = null
    const index = shown.value.findIndex((e) => e.request_id === id)
    // The focus goes to the next entry's row (its link, not its delete button), else the previous.
    const neighbour = shown.value[index + 1] ?? shown.value[index - 1]
    const entry = history.byId(id)
    try {
      await history.flushCalls()
      const calls = entry ? await history.loadCalls(id) : []
      await history.remove(id)
      if (entry) {
        deleted.value = {
          entry,
          // As stored: one record per call of this request.
          calls: calls.map((call) => storedCallOf(call, id)),
          label: labelOf(entry),
        }
      }
    } catch (error) {
      removeError.value = `Could not delete ${id}: ${error instanceof Error ? error.message : error}`
    }
    await focusAfterChange(neighbour?.request_id)
  }

  /** Puts the entry deleted last back, with its calls, and focuses its row. */
  let undoing = false
  async function undo(): Promise<void> {
    const last = deleted.value
    // A second press (or Ctrl+Z) while the first is being written does nothing more.
    if (!last || undoing) return
    undoing = true
    removeError.value = null
    try {
      // Put back as it was, even when history retention would not import it from a file.
      await history.importJson(historyToJson([last.entry], last.calls), { retentionDays: 0 })
      if (deleted.value === last) deleted.value = null
    } catch (error) {
      removeError.value = `Could not restore ${last.entry.request_id}: ${error instanceof Error ? error.message : error}`
      return
    } finally {
      undoing = false
    }
    await focusAfterChange(last.entry.request_id)
  }

  return { deleted, removeError, remove, undo }
}
