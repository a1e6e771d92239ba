/**
 * What History keeps in the browser's history: its filters in the address (shareable; the page's
 * copy reacts at once while the address follows), and where its list is scrolled in the page's
 * entry (as the router keeps the window's), so Back, Forward or a reload return to the same rows.
 */
import { computed, onBeforeUnmount, ref, shallowRef, watch } from 'vue'
import { onBeforeRouteLeave, useRoute, useRouter } from 'vue-router'
import {
  filtersFromQuery,
  filtersToQuery,
  sameFilters,
  type HistoryFilters,
} from '@/utils/history-filter'
import { isObject } from '@/utils/history-entry'

/**
 * The list follows each keystroke at once; the address is written once typing pauses
 * (history.replaceState is slow enough to be felt on every key).
 */
const URL_DELAY_MS = 250
/** Where the list's place is kept in the entry's state. */
const PLACE_KEY = 'verifyDeskHistoryList'
/** The place is written once scrolling pauses (replaceState is not free on every frame). */
const PLACE_DELAY_MS = 200

export function useHistoryAddress() {
  const route = useRoute()
  const router = useRouter()

  const filters = shallowRef<HistoryFilters>(filtersFromQuery(route.query))
  /**
   * A shared address shows every filter it applies: what the page ignores (an unknown status, an
   * impossible day such as `from=2026-02-30`) is dropped from it, never applied unseen.
   */
  function dropIgnored(query: typeof route.query): void {
    const kept = filtersToQuery(filtersFromQuery(query))
    const sameKeys = Object.keys(query).length === Object.keys(kept).length
    if (!sameKeys || Object.entries(kept).some(([key, value]) => query[key] !== value)) {
      void router.replace({ query: kept })
    }
  }
  dropIgnored(route.query)
  watch(
    () => route.query,
    (query) => {
      const next = filtersFromQuery(query)
      if (urlTimer) return // our own pending write wins over the older address
      if (!sameFilters(next, filters.value)) filters.value = next
      dropIgnored(query)
    },
  )
  let urlTimer: ReturnType<typeof setTimeout> | null = null
  function writeUrl(): void {
    urlTimer = null
    void router.replace({ query: filtersToQuery(filters.value) })
  }
  function setFilters(next: HistoryFilters): void {
    filters.value = next
    if (urlTimer) clearTimeout(urlTimer)
    urlTimer = setTimeout(writeUrl, URL_DELAY_MS)
  }

  /** The place is kept with the filters it was under; under others the list opens at the top. */
  const listKey = computed(() => JSON.stringify(filters.value))
  function savedOffset(): number {
    const state: unknown = window.history.state
    const place = isObject(state) ? state[PLACE_KEY] : undefined
    if (!isObject(place) || place.filters !== listKey.value) return 0
    return typeof place.offset === 'number' && place.offset > 0 ? place.offset : 0
  }
  /** Where the list opens: where it was left, until the filters change. */
  const restoreOffset = ref(savedOffset())
  let listOffset = restoreOffset.value
  watch(listKey, () => {
    restoreOffset.value = 0
    listOffset = 0
  })
  let placeTimer: ReturnType<typeof setTimeout> | null = null
  /** Writes the list's place into the browser's current entry, keeping what the router keeps. */
  function storePlace(): void {
    const state: unknown = window.history.state
    const place = { offset: listOffset, filters: listKey.value }
    window.history.replaceState({ ...(isObject(state) ? state : {}), [PLACE_KEY]: place }, '')
  }
  function onListScrolled(offset: number): void {
    listOffset = offset
    placeTimer ??= setTimeout(() => {
      placeTimer = null
      // Only into this page's entry: never one the browser has moved to meanwhile.
      if (router.options.history.location === route.fullPath) storePlace()
    }, PLACE_DELAY_MS)
  }

  // Leaving while the address is still to be written: writing it now through the router would
  // cancel the navigation under way, so this page's entry in the browser history takes it directly
  // (Back brings the filters back as they were typed). Not when the browser already stands on
  // another entry (Back or Forward): that entry is not this page's. The list's place is written
  // into it too.
  onBeforeRouteLeave((_to, from) => {
    const pendingUrl = urlTimer !== null
    if (urlTimer) clearTimeout(urlTimer)
    urlTimer = null
    if (placeTimer) clearTimeout(placeTimer)
    placeTimer = null
    if (router.options.history.location !== from.fullPath) return
    if (pendingUrl) {
      router.options.history.replace(
        router.resolve({ query: filtersToQuery(filters.value) }).fullPath,
      )
    }
    storePlace()
  })
  onBeforeUnmount(() => {
    if (urlTimer) {
      clearTimeout(urlTimer)
      urlTimer = null
    }
    if (placeTimer) clearTimeout(placeTimer)
  })

  return { filters, setFilters, listKey, restoreOffset, onListScrolled }
}
