/**
 * What this browser could not store: history entries and calls (IndexedDB), starts without an
 * answer and settings (local storage). Each store reports its own problem here under a key and
 * withdraws it once everything is stored again; the app shell shows them all on every page, so a
 * failed save is never silent.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'

export type StorageArea = 'history' | 'unanswered-starts' | 'settings'

export interface StorageProblem {
  /** One problem per key: a newer report replaces the older one. */
  key: string
  area: StorageArea
  /** What was not saved and what to do, in words. */
  message: string
  /** The requests whose entry is not stored (for the request page's own notice). */
  requestIds: readonly string[]
  /** Epoch ms of the first report. */
  since: number
}

/** The reason a storage call failed, in words (`QuotaExceededError: …` says the storage is full). */
export function storageReason(cause: unknown): string {
  if (
    cause instanceof Error ||
    (typeof DOMException !== 'undefined' && cause instanceof DOMException)
  ) {
    const { name, message } = cause as Error
    if (name === 'QuotaExceededError') return `the browser's storage is full (${message || name})`
    if (!message) return name
    return name === 'Error' ? message : `${name}: ${message}`
  }
  return String(cause)
}

export const useStorageProblemsStore = defineStore('storage-problems', () => {
  const byKey = ref<Record<string, StorageProblem>>({})

  /** Every open problem, oldest first. */
  const problems = computed(() => Object.values(byKey.value).sort((a, b) => a.since - b.since))

  function report(
    problem: Omit<StorageProblem, 'since' | 'requestIds'> & { requestIds?: readonly string[] },
  ): void {
    const since = byKey.value[problem.key]?.since ?? Date.now()
    byKey.value = {
      ...byKey.value,
      [problem.key]: { ...problem, requestIds: problem.requestIds ?? [], since },
    }
  }

  function resolve(key: string): void {
    if (!(key in byKey.value)) return
    const next = { ...byKey.value }
    delete next[key]
    byKey.value = next
  }

  /** The problem that names this request, if any. */
  function forRequest(id: string): StorageProblem | undefined {
    return problems.value.find((p) => p.requestIds.includes(id))
  }

  return { byKey, problems, report, resolve, forRequest }
})

if (import.meta.hot) {
  import.meta.hot.accept(acceptHMRUpdate(useStorageProblemsStore, import.meta.hot))
}
