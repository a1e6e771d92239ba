/**
 * The export buttons name how many entries the whole history holds ("Export all 205 as JSON"):
 * while the rest of a large history is still being read, all those stored (not only the first
 * screen already shown, and none deleted since); once it is read, those held now (an entry deleted
 * since the page opened is not counted).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import HistoryToolbar from '@/components/history/HistoryToolbar.vue'
import { useRequestsStore } from '@/stores/requests'
import {
  closeTabs,
  entry,
  freshHistoryEnvironment,
  requestId,
} from '../../unit/stores/history-support'
import { openHistory, storeEntries } from './support'

let wrapper: VueWrapper | null = null

const labels = () => wrapper!.findAll('button').map((b) => b.text())

beforeEach(() => {
  freshHistoryEnvironment()
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
  await closeTabs()
})

describe('HistoryToolbar: the total its export buttons name', () => {
  it('while the rest of history is still being read: every stored entry, not the first screen', async () => {
    const { pinia, history } = await openHistory()
    // As the store holds it once the first screen (200 newest) is shown and the rest is read.
    history.storedCount = 205
    history.entries = Array.from({ length: 200 }, (_, i) => entry(i + 1))
    history.loadingRest = true
    wrapper = mount(HistoryToolbar, { global: { plugins: [pinia] } })
    expect(labels()).toContain('Export all 205 as JSON')
    expect(labels()).toContain('Export all 205 as CSV')
    expect(labels()).not.toContain('Export all 200 as JSON')

    // The rest is read.
    history.entries = Array.from({ length: 205 }, (_, i) => entry(i + 1))
    history.loadingRest = false
    await flushPromises()
    expect(labels()).toContain('Export all 205 as JSON')
  })

  it('once history is read: the entries held now, an entry deleted since the page opened left out', async () => {
    await storeEntries([1, 2, 3])
    // The page opens on the 3 stored entries, then one is deleted.
    const { pinia, history } = await openHistory()
    expect(history.loadingRest).toBe(false)
    wrapper = mount(HistoryToolbar, { global: { plugins: [pinia] } })
    expect(labels()).toContain('Export all 3 as JSON')

    await history.remove(requestId(2))
    await flushPromises()
    expect(labels()).toContain('Export all 2 as JSON')
    expect(labels()).toContain('Export all 2 as CSV')
  })

  it('an entry deleted while the rest is still being read is no longer counted', async () => {
    await storeEntries([1, 2, 3])
    const { pinia, history } = await openHistory()
    // As while a large history is read: the total is the count taken at open.
    history.loadingRest = true
    wrapper = mount(HistoryToolbar, { global: { plugins: [pinia] } })
    expect(labels()).toContain('Export all 3 as JSON')

    await history.remove(requestId(2))
    await flushPromises()
    expect(labels()).toContain('Export all 2 as JSON')
    await history.clear()
    await flushPromises()
    expect(labels()).toContain('Export JSON')
  })
})
