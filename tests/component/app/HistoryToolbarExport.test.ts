import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import HistoryToolbar from '@/components/history/HistoryToolbar.vue'
import { useRequestsStore } from '@/stores/requests'
import { entry } from '../../unit/stores/history-support'

async function setup() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const history = useRequestsStore()
  // Once the store has read the (empty) stored history, which would replace the entry.
  await history.ready
  history.entries = [entry(1)]
  const wrapper = mount(HistoryToolbar, { global: { plugins: [pinia] } })
  const button = (name: RegExp) => wrapper.findAll('button').find((b) => name.test(b.text()))!
  return { wrapper, history, button }
}

describe('HistoryToolbar export', () => {
  it('shows Preparing while the whole history is read, then downloads', async () => {
    const { wrapper, history, button } = await setup()
    let finish!: (csv: string) => void
    vi.spyOn(history, 'exportCsv').mockReturnValue(new Promise((resolve) => (finish = resolve)))
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    await button(/Export 1 as CSV/).trigger('click')
    expect(button(/CSV/).text()).toBe('Preparing CSV…')
    expect(created).not.toHaveBeenCalled()
    finish('request_id\r\n')
    await vi.waitFor(() => expect(click).toHaveBeenCalledTimes(1))
    await wrapper.vm.$nextTick()
    expect(button(/CSV/).text()).toBe('Export 1 as CSV')
    vi.restoreAllMocks()
  })

  it('names the export button in the clear all warning, even while an export is prepared', async () => {
    const { wrapper, history, button } = await setup()
    vi.spyOn(history, 'exportJson').mockReturnValue(new Promise(() => {}))
    await button(/Export 1 as JSON/).trigger('click')
    expect(button(/JSON/).text()).toBe('Preparing JSON…')
    await button(/Clear all/).trigger('click')
    expect(wrapper.get('#clear-text').text()).toContain('Export 1 as JSON first to keep a copy.')
    vi.restoreAllMocks()
  })

  it('says the export failed instead of failing silently', async () => {
    const { wrapper, history, button } = await setup()
    vi.spyOn(history, 'exportCsv').mockRejectedValue(new RangeError('Invalid time value'))
    await button(/Export 1 as CSV/).trigger('click')
    await vi.waitFor(() =>
      expect(wrapper.get('[role="alert"]').text()).toBe(
        'Export CSV failed, no file was made: Invalid time value',
      ),
    )
    vi.restoreAllMocks()
  })
})

describe('HistoryToolbar import and retention', () => {
  it('says how many entries were not imported because retention would remove them', async () => {
    const { wrapper, history } = await setup()
    vi.spyOn(history, 'importJson').mockResolvedValue({
      added: 2,
      updated: 0,
      unchanged: 0,
      calls: 0,
      tooOld: 5,
      retentionDays: 30,
    })
    const input = wrapper.get('[data-testid="history-import"]')
    const file = new File(['[]'], 'old.json', { type: 'application/json' })
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await vi.waitFor(() =>
      expect(wrapper.get('[data-test="import-too-old"]').text()).toBe(
        '5 finished entries were not imported: older than your 30-day history retention, which ' +
          'would remove them at once. To keep them, change the retention in Settings, then ' +
          'import the file again.',
      ),
    )
    expect(wrapper.text()).toContain('Imported: 2 added')
    vi.restoreAllMocks()
  })
})
