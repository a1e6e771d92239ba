import { describe, expect, it, vi } from 'vitest'
import { chooseFile, importReport, mountHistoryToolbar } from '../history/support'
import { eventually } from '../support/eventually'

async function setup() {
  const { wrapper, history } = await mountHistoryToolbar()
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
    await eventually(() => expect(click).toHaveBeenCalledTimes(1))
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
    await eventually(() =>
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
    vi.spyOn(history, 'importJson').mockResolvedValue(importReport({ added: 2, tooOld: 5 }))
    await chooseFile(wrapper, '[]', 'old.json')
    await eventually(() =>
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
