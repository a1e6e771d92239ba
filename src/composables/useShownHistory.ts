/**
 * The entries History lists: sorted, then filtered. Sorting depends on the sort key alone, so a
 * keystroke in the search box never re-sorts. When history only grew or changed in place (an
 * import's chunks, a refresh), the sorted list is updated from the changes: a chunk costs in
 * proportion to the chunk, not to the whole history.
 */
import { computed, onBeforeUnmount, watch, type Ref } from 'vue'
import { useRequestsStore, type HistoryEntry } from '@/stores/requests'
import {
  EMPTY_FILTERS,
  createHistoryFilter,
  sameFilters,
  searchKey,
  sortHistory,
  type HistoryFilters,
  type HistorySort,
} from '@/utils/history-filter'
import { applySortedChanges } from '@/utils/history-sorted'

export function useShownHistory(filters: Readonly<Ref<HistoryFilters>>) {
  const history = useRequestsStore()

  const sortKey = computed(() => filters.value.sort)
  let lastSorted: {
    source: readonly HistoryEntry[]
    sort: HistorySort
    list: HistoryEntry[]
  } | null = null
  const sorted = computed(() => {
    const source = history.entries
    const sort = sortKey.value
    let list: HistoryEntry[] | null = null
    if (lastSorted && lastSorted.sort === sort) {
      const steps = history.changesSince(lastSorted.source)
      list = steps && lastSorted.list
      for (const changes of steps ?? []) {
        if (!list) break
        list = applySortedChanges(list, changes, sort)
      }
    }
    list ??= sortHistory(source, sort)
    lastSorted = { source, sort, list }
    return list
  })
  const filterEntries = createHistoryFilter()
  const shown = computed(() => filterEntries(sorted.value, filters.value))
  /** Whether a filter is active (a sort alone shows every entry). */
  const filtered = computed(
    () => !sameFilters({ ...filters.value, sort: 'date-desc' }, EMPTY_FILTERS),
  )

  // Compute the search keys while the page is idle, so even the first keystroke stays fast.
  let warmTimer: ReturnType<typeof setTimeout> | null = null
  function warm(list: readonly HistoryEntry[], from: number): void {
    const end = Math.min(from + 5000, list.length)
    for (let i = from; i < end; i++) searchKey(list[i]!)
    if (end < list.length) warmTimer = setTimeout(() => warm(list, end), 0)
  }
  watch(
    () => [history.entries, history.loadingRest] as const,
    ([list, loadingRest]) => {
      if (warmTimer) clearTimeout(warmTimer)
      if (!loadingRest) warmTimer = setTimeout(() => warm(list, 0), 50)
    },
    { immediate: true },
  )
  onBeforeUnmount(() => {
    if (warmTimer) clearTimeout(warmTimer)
  })

  return { shown, filtered }
}
