/**
 * What the History toolbar says an import did: every count written as the page writes counts
 * (5,000), the recorded calls and the entries left out as too old only when there are some, each
 * in the singular for one.
 */
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import HistoryToolbarImportReport from '@/components/history/HistoryToolbarImportReport.vue'
import { importReport } from './support'

const n = (count: number) => count.toLocaleString()

describe('HistoryToolbarImportReport', () => {
  it('writes every count as every count of the page is written (5,000)', () => {
    const wrapper = mount(HistoryToolbarImportReport, {
      props: {
        report: importReport({
          added: 5000,
          updated: 1200,
          unchanged: 1003,
          calls: 2500,
          tooOld: 1500,
          retentionDays: 3650,
        }),
      },
    })
    expect(wrapper.text()).toContain(
      `Imported: ${n(5000)} added, ${n(1200)} updated, ${n(1003)} already up to date, with ${n(2500)} recorded calls.`,
    )
    expect(wrapper.get('[data-test="import-too-old"]').text()).toContain(
      `${n(1500)} finished entries were not imported: older than your ${n(3650)}-day history retention, which would remove them at once. To keep them, change the retention in Settings`,
    )
  })

  it('says one recorded call and one entry left out in the singular', () => {
    const wrapper = mount(HistoryToolbarImportReport, {
      props: { report: importReport({ added: 1, calls: 1, tooOld: 1 }) },
    })
    expect(wrapper.text()).toContain(
      'Imported: 1 added, 0 updated, 0 already up to date, with 1 recorded call.',
    )
    expect(wrapper.get('[data-test="import-too-old"]').text()).toContain(
      '1 finished entry was not imported: older than your 30-day history retention, which would remove it at once. To keep it, change the retention in Settings',
    )
  })

  it('names no calls and no entries left out when there are none', () => {
    const wrapper = mount(HistoryToolbarImportReport, {
      props: { report: importReport({ added: 2, updated: 1 }) },
    })
    expect(wrapper.text()).toBe('Imported: 2 added, 1 updated, 0 already up to date.')
    expect(wrapper.find('[data-test="import-too-old"]').exists()).toBe(false)
  })
})
