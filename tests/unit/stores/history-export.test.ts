import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import { parseCsv } from '../utils/csv-support'
import { closeTabs, entry, freshHistoryEnvironment, openTab } from './history-support'

beforeEach(() => freshHistoryEnvironment())
afterEach(() => closeTabs())

describe('history export while a large history is still loading', () => {
  it('CSV waits for the whole history, not only the first screen', async () => {
    const writer = await openTab()
    await writer.upsertMany(Array.from({ length: 600 }, (_, i) => entry(i + 1)))
    // A tab just opened: the export is asked for before the history is read.
    const tab = useRequestsStore(createPinia())
    const rows = parseCsv(await tab.exportCsv())
    expect(rows.slice(1)).toHaveLength(600)
    await tab.dispose()
  })
})
