import { afterEach, describe, expect, it, vi } from 'vitest'
import { HistoryImportError } from '@/stores/requests'
import { chooseFile, importReport, mountHistoryToolbar } from './support'
import { eventually } from '../support/eventually'

afterEach(() => vi.restoreAllMocks())

describe('HistoryToolbar: import problems', () => {
  it('lists the first 50 problems and says how many more the file has', async () => {
    const { wrapper, history } = await mountHistoryToolbar()
    const problems = Array.from({ length: 1234 }, (_, i) => `entry ${i + 1}: status must be …`)
    vi.spyOn(history, 'importJson').mockRejectedValue(new HistoryImportError(problems))
    await chooseFile(wrapper)
    await eventually(() => expect(wrapper.find('[role="alert"]').exists()).toBe(true))
    const alert = wrapper.get('[role="alert"]')
    expect(alert.findAll('li')).toHaveLength(50)
    expect(alert.findAll('li').at(-1)!.text()).toBe('entry 50: status must be …')
    expect(alert.get('[data-testid="import-more-problems"]').text()).toBe(
      `…and ${(1184).toLocaleString()} more problems not listed here (${(1234).toLocaleString()} in all): fix these and import the file again to see the rest.`,
    )
  })

  it('says nothing more when every problem is listed', async () => {
    const { wrapper, history } = await mountHistoryToolbar()
    vi.spyOn(history, 'importJson').mockRejectedValue(
      new HistoryImportError(Array.from({ length: 50 }, (_, i) => `entry ${i + 1}: bad`)),
    )
    await chooseFile(wrapper)
    await eventually(() => expect(wrapper.find('[role="alert"]').exists()).toBe(true))
    expect(wrapper.findAll('[role="alert"] li')).toHaveLength(50)
    expect(wrapper.find('[data-testid="import-more-problems"]').exists()).toBe(false)
  })
})

describe('HistoryToolbar: CSV export', () => {
  it('downloads UTF-8 with a byte order mark and says the charset, so Excel reads every script', async () => {
    const { wrapper, history } = await mountHistoryToolbar()
    const csv = 'request_id,brand\r\nabc,Café 🚀 日本\r\n'
    vi.spyOn(history, 'exportCsv').mockResolvedValue(csv)
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Export 1 as CSV')!
      .trigger('click')
    await eventually(() => expect(created).toHaveBeenCalledTimes(1))
    const blob = created.mock.calls[0]![0] as Blob
    expect(blob.type).toBe('text/csv;charset=utf-8')
    const bytes = new Uint8Array(await blob.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(`\uFEFF${csv}`)
  })
})

describe('HistoryToolbar: what it says is about the last action', () => {
  it('takes the import outcome away once clear all or an export starts', async () => {
    const { wrapper, history } = await mountHistoryToolbar()
    vi.spyOn(history, 'importJson').mockResolvedValue(importReport({ added: 16 }))
    vi.spyOn(history, 'clear').mockResolvedValue()
    const button = (name: string) => wrapper.findAll('button').find((b) => b.text() === name)!
    await chooseFile(wrapper)
    await eventually(() => expect(wrapper.text()).toContain('Imported: 16 added'))

    await button('Clear all…').trigger('click')
    expect(wrapper.text()).not.toContain('Imported:')
    await button('Delete all').trigger('click')
    await eventually(() =>
      expect(wrapper.get('[data-testid="history-cleared"]').text()).toBe(
        'Deleted all 1 entry from history.',
      ),
    )
    expect(wrapper.text()).not.toContain('Imported:')

    // A failed import's alert goes too when an export starts.
    vi.spyOn(history, 'importJson').mockRejectedValue(new HistoryImportError(['entry 1: bad']))
    await chooseFile(wrapper)
    await eventually(() => expect(wrapper.find('[role="alert"]').exists()).toBe(true))
    vi.spyOn(history, 'exportCsv').mockResolvedValue('request_id\r\n')
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x')
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    await button('Export 1 as CSV').trigger('click')
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
  })
})
