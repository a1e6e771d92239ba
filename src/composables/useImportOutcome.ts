/**
 * What History's toolbar says about the last import of a file: what it added, or that it was
 * cancelled, or why it was not imported (with the first problems the file has, and how many more).
 */
import { ref } from 'vue'
import { HistoryImportError, type ImportReport } from '@/stores/requests'

/** The problems an import refusal lists; the rest are counted. */
const LISTED_PROBLEMS = 50

export function useImportOutcome() {
  const report = ref<ImportReport | null>(null)
  /** Says that an import was cancelled. */
  const importCancelled = ref<string | null>(null)
  const importError = ref<string | null>(null)
  /** The problems listed (the first `LISTED_PROBLEMS`), and how many more the file has. */
  const importProblems = ref<string[]>([])
  const moreProblems = ref(0)

  function forget(): void {
    report.value = null
    importProblems.value = []
    moreProblems.value = 0
    importError.value = null
    importCancelled.value = null
  }

  function cancelled(name: string): void {
    importCancelled.value = `The import of ${name} was cancelled; history is unchanged.`
  }

  function failed(name: string, error: unknown): void {
    if (error instanceof HistoryImportError) {
      importError.value = `${name} was not imported; history is unchanged.`
      importProblems.value = error.problems.slice(0, LISTED_PROBLEMS)
      moreProblems.value = error.problems.length - importProblems.value.length
    } else {
      // Entries and call records are written in one transaction: a failure wrote nothing.
      importError.value = `${name} could not be imported; history is unchanged: ${error instanceof Error ? error.message : error}`
    }
  }

  return {
    report,
    importCancelled,
    importError,
    importProblems,
    moreProblems,
    forget,
    cancelled,
    failed,
  }
}
