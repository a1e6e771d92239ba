/**
 * The History toolbar's progress line while a file is imported: what the import is doing, its
 * counts written as the page writes counts (40,000), and Cancel only while it can still cancel.
 */
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import HistoryToolbarImportProgress from '@/components/history/HistoryToolbarImportProgress.vue'
import type { ImportProgress } from '@/workers/history-import-client'

const n = (count: number) => count.toLocaleString()

function line(progress: ImportProgress | null, canCancel = false) {
  return mount(HistoryToolbarImportProgress, { props: { progress, canCancel } })
}

describe('HistoryToolbarImportProgress', () => {
  it.each([
    [null, 'Importing…'],
    [{ phase: 'reading', done: 0, total: 0 }, 'Importing… reading the file'],
    [
      { phase: 'checking', done: 40_000, total: 100_000 },
      `Importing… checking ${n(40_000)} of ${n(100_000)} entries`,
    ],
    [
      { phase: 'saving', done: 5000, total: 100_000 },
      `Importing… saving ${n(5000)} of ${n(100_000)} entries`,
    ],
    [
      { phase: 'showing', done: 5200, total: 100_000 },
      `Importing… adding ${n(5200)} of ${n(100_000)} entries to the list`,
    ],
  ] as [ImportProgress | null, string][])('says %j as "%s"', (progress, said) => {
    expect(line(progress).text()).toBe(said)
  })

  it('offers Cancel import while the import can be cancelled, and says when it is pressed', async () => {
    const wrapper = line({ phase: 'checking', done: 0, total: 2 }, true)
    const cancel = wrapper.get('button')
    expect(cancel.text()).toBe('Cancel import')
    await cancel.trigger('click')
    expect(wrapper.emitted('cancel')).toEqual([[]])
  })

  it('offers no Cancel once saving has begun', () => {
    expect(line({ phase: 'saving', done: 0, total: 2 }).find('button').exists()).toBe(false)
  })
})
