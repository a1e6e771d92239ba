import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { closeTabs, entry, freshHistoryEnvironment, openTab } from './history-support'

beforeEach(() => freshHistoryEnvironment())
afterEach(async () => {
  vi.restoreAllMocks()
  await closeTabs()
})

/** Every way the stored calls are read fails, as a broken database does. */
function breakReads() {
  const fail = () => {
    throw new DOMException('The database is broken', 'UnknownError')
  }
  return [
    vi.spyOn(IDBObjectStore.prototype, 'getAll').mockImplementation(fail),
    vi.spyOn(IDBIndex.prototype, 'getAll').mockImplementation(fail),
    vi.spyOn(IDBObjectStore.prototype, 'openCursor').mockImplementation(fail),
  ]
}

describe('the warning of an export that could not read the stored calls', () => {
  it('is said for that export and gone once a later export reads them', async () => {
    const history = await openTab()
    await history.upsert(entry(1))
    const spies = breakReads()
    await history.exportJson()
    expect(history.exportWarning).toMatch(/recorded calls stored in this browser could not be read/)
    expect(history.error).toMatch(/recorded calls stored in this browser could not be read/)

    for (const spy of spies) spy.mockRestore()
    await history.exportJson()
    expect(history.exportWarning).toBeNull()
    expect(history.error).toBeNull()
  })
})
