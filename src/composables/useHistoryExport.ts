/**
 * History's export buttons: the whole history as CSV or JSON (a backup must be complete), and while
 * a filter is active also only the entries it shows. Each button says what goes in its file, and
 * "Preparing JSON…" while that file is prepared (the whole history is read first).
 */
import { computed, ref, toValue, type MaybeRefOrGetter } from 'vue'
import { useRequestsStore, type HistoryEntry } from '@/stores/requests'
import { csvBlob } from '@/utils/csv'

export type ExportKind = 'csv' | 'json'
/** Whole history (a backup must be complete), or only the entries the filters show. */
export type ExportScope = 'all' | 'shown'

function download(name: string, file: Blob): void {
  const url = URL.createObjectURL(file)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')
}

/**
 * For `shown` (the entries the filters show, null when no filter is active); `onStart` runs as an
 * export starts, once its button says it is preparing.
 */
export function useHistoryExport(
  shown: MaybeRefOrGetter<readonly HistoryEntry[] | null>,
  onStart: () => void,
) {
  const history = useRequestsStore()
  /** The export being prepared (the whole history is read first), and why the last one failed. */
  const exporting = ref<`${ExportScope}-${ExportKind}` | null>(null)
  const exportError = ref<string | null>(null)

  /** Export and clear have nothing to work on (each says so through aria-describedby). */
  const empty = computed(() => history.entries.length === 0)
  /** How many entries history holds (all of them, while the rest is still being read). */
  const total = computed(() =>
    history.loadingRest
      ? Math.max(history.storedCount, history.entries.length)
      : history.entries.length,
  )

  /**
   * Each export button says what goes in the file: "Export all 40 as JSON" (the whole history, what
   * a backup needs), and while a filter is active also "Export 1 shown as JSON" (what is on screen).
   */
  function exportLabel(scope: ExportScope, kind: ExportKind): string {
    const name = kind.toUpperCase()
    if (scope === 'shown')
      return `Export ${(toValue(shown)?.length ?? 0).toLocaleString()} shown as ${name}`
    if (empty.value) return `Export ${name}`
    return total.value === 1
      ? `Export 1 as ${name}`
      : `Export all ${total.value.toLocaleString()} as ${name}`
  }

  /** Whether this export button's file is being prepared. */
  function preparing(scope: ExportScope, kind: ExportKind): boolean {
    return exporting.value === `${scope}-${kind}`
  }

  /** What an export button shows: its label, or "Preparing JSON…" while its file is prepared. */
  function exportButtonText(scope: ExportScope, kind: ExportKind): string {
    return preparing(scope, kind) ? `Preparing ${kind.toUpperCase()}…` : exportLabel(scope, kind)
  }

  async function runExport(kind: ExportKind, scope: ExportScope = 'all'): Promise<void> {
    if (exporting.value) return
    const some = scope === 'shown' ? (toValue(shown) ?? []) : null
    exporting.value = `${scope}-${kind}`
    onStart()
    const name = `verify-desk-history${some ? '-shown' : ''}-${stamp()}.${kind}`
    try {
      if (kind === 'csv') {
        download(name, csvBlob(await history.exportCsv(some ?? undefined)))
      } else {
        const text = await history.exportJson(some ?? undefined)
        download(name, new Blob([text], { type: 'application/json;charset=utf-8' }))
      }
    } catch (error) {
      exportError.value = `Export ${kind.toUpperCase()} failed, no file was made: ${error instanceof Error ? error.message : error}`
    } finally {
      exporting.value = null
    }
  }

  return { exporting, exportError, empty, exportLabel, preparing, exportButtonText, runExport }
}
