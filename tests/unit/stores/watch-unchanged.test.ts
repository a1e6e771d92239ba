/**
 * Live status writes a search answer into history only when it tells something new: a status
 * search reports that this dashboard does not know, replaced by another one, and a price that
 * changed, are new, though nothing else changed.
 */
import { describe, expect, it, vi } from 'vitest'
import { found, ID, nextRound, searchedAs, watching, watchInOneTab } from './watch-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

watchInOneTab()

describe('live status: what a search answer tells that is new', () => {
  it('another status this dashboard does not know replaces the one reported before', async () => {
    const { history } = await watching([
      found(searchedAs(ID, 'BLOCKED')),
      found(searchedAs(ID, 'HELD')),
    ])
    expect(history.byId(ID)?.lastSearch?.reportedStatus).toBe('BLOCKED')
    await nextRound()
    expect(history.byId(ID)).toMatchObject({
      status: 'UNKNOWN',
      lastSearch: { reportedStatus: 'HELD' },
    })
  })

  it('a price that changed, all else the same, is written', async () => {
    const priced = { ...searchedAs(ID, 'IN PROGRESS'), price: '0.05' }
    const { history } = await watching([found(searchedAs(ID, 'IN PROGRESS')), found(priced)])
    expect(history.byId(ID)?.lastSearch?.price).toBe('0')
    await nextRound()
    expect(history.byId(ID)?.lastSearch?.price).toBe('0.05')
  })
})
