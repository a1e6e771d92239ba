import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import HistoryToolbar from '@/components/history/HistoryToolbar.vue'
import { useRequestsStore } from '@/stores/requests'
import { entry } from '../../unit/stores/history-support'

function setup() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const history = useRequestsStore()
  history.entries = [entry(1)]
  const wrapper = mount(HistoryToolbar, { global: { plugins: [pinia] } })
  const button = (name: RegExp) => wrapper.findAll('button').find((b) => name.test(b.text()))!
  return { wrapper, history, button }
}

describe('HistoryToolbar export', () => {
  it('shows Preparing while the whole history is read, then downloads', async () => {
    const { wrapper, history, button } = setup()
    let finish!: (csv: string) => void
    vi.spyOn(history, 'exportCsv').mockReturnValue(new Promise((resolve) => (finish = resolve)))
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    await button(/Export CSV/).trigger('click')
    expect(button(/CSV/).text()).toBe('Preparing CSV…')
    expect(created).not.toHaveBeenCalled()
    finish('request_id\r\n')
    await vi.waitFor(() => expect(click).toHaveBeenCalledTimes(1))
    await wrapper.vm.$nextTick()
    expect(button(/CSV/).text()).toBe('Export CSV')
    vi.restoreAllMocks()
  })

  it('says the export failed instead of failing silently', async () => {
    const { wrapper, history, button } = setup()
    vi.spyOn(history, 'exportCsv').mockRejectedValue(new RangeError('Invalid time value'))
    await button(/Export CSV/).trigger('click')
    await vi.waitFor(() =>
      expect(wrapper.get('[role="alert"]').text()).toBe(
        'Export CSV failed, no file was made: Invalid time value',
      ),
    )
    vi.restoreAllMocks()
  })
})
