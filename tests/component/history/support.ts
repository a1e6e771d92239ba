/** The History toolbar as its tests mount and drive it. */
import { mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import HistoryToolbar from '@/components/history/HistoryToolbar.vue'
import { useRequestsStore } from '@/stores/requests'
import type { ImportCounts } from '@/utils/history-io'
import { closeTabs, entry, openTab } from '../../unit/stores/history-support'

/** A fresh Pinia, made active, whose history store has read what is stored (as a page opens). */
export async function openHistory(): Promise<{
  pinia: Pinia
  history: ReturnType<typeof useRequestsStore>
}> {
  const pinia = createPinia()
  setActivePinia(pinia)
  const history = useRequestsStore()
  await history.ready
  return { pinia, history }
}

/** Stores `entry(n)` for each of `ns` from another tab, closed before the page opens. */
export async function storeEntries(ns: number[]): Promise<void> {
  const writer = await openTab()
  for (const n of ns) await writer.upsert(entry(n))
  await closeTabs()
}

/** The toolbar with a real Pinia, once history has loaded and holds one entry. */
export async function mountHistoryToolbar(): Promise<{
  wrapper: VueWrapper
  history: ReturnType<typeof useRequestsStore>
}> {
  // Once the store has read the (empty) stored history, which would replace the entry.
  const { pinia, history } = await openHistory()
  history.entries = [entry(1)]
  const wrapper = mount(HistoryToolbar, { global: { plugins: [pinia] } })
  return { wrapper, history }
}

/** Chooses a JSON file named `name` holding `text` in the toolbar's import field. */
export async function chooseFile(wrapper: VueWrapper, text = '[]', name = 'bad.json') {
  const input = wrapper.get('[data-testid="history-import"]')
  const file = new File([text], name, { type: 'application/json' })
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
}

/** What an import did: nothing unless `counts` says, under a 30-day retention. */
export function importReport(counts: Partial<ImportCounts>): ImportCounts {
  return { added: 0, updated: 0, unchanged: 0, calls: 0, tooOld: 0, retentionDays: 30, ...counts }
}
