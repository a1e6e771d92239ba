/**
 * `changesSince`: what the history store changed between two published lists, which the History
 * page and live status use to update their lists instead of going through every entry again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeTabs, entry, freshHistoryEnvironment, openTab } from './history-support'

beforeEach(freshHistoryEnvironment)
afterEach(closeTabs)

describe('history store: changes since a published list', () => {
  it('lists each chunk taken in, with the copy it replaced', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1))
    const before = tab.entries
    const stored = tab.byId(entry(1).request_id)
    tab.absorbWritten([entry(2), entry(3)])
    const renamed = { ...stored!, brand: 'Renamed', updatedAt: stored!.updatedAt + 5 }
    tab.absorbWritten([renamed, entry(4)])
    expect(tab.changesSince(before)).toEqual([
      [
        { previous: undefined, next: entry(2) },
        { previous: undefined, next: entry(3) },
      ],
      [
        { previous: stored, next: renamed },
        { previous: undefined, next: entry(4) },
      ],
    ])
    expect(tab.changesSince(tab.entries)).toEqual([])
  })

  it('answers null after a removal, and for lists it no longer remembers', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1))
    const before = tab.entries
    await tab.remove(entry(1).request_id)
    expect(tab.changesSince(before)).toBeNull()

    const old = tab.entries
    for (let n = 10; n < 40; n++) tab.absorbWritten([entry(n)])
    expect(tab.changesSince(old)).toBeNull()
    expect(tab.changesSince([])).toBeNull()
  })
})
