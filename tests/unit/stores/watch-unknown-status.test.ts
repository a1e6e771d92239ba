import { describe, expect, it, vi } from 'vitest'
import type { SearchResult } from '@/api/verify'
import { entry, requestId } from './history-support'
import {
  found,
  ID,
  nextRound,
  NOW,
  search,
  searchedAs,
  settle,
  watching,
  watchInOneTab,
} from './watch-support'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
vi.mock('@/api/sandbox', () => ({ openSandboxEvents: vi.fn(() => ({ close: vi.fn() })) }))

const notFound = (id: string): SearchResult => ({
  kind: 'not_found',
  ids: [id],
  error_text: 'No response found',
})

watchInOneTab()

describe('live status: a request found with a status this dashboard does not know', () => {
  it('keeps the status as written with what search said, announces it, and keeps searching', async () => {
    const { history, watch } = await watching([found(searchedAs(ID, 'BLOCKED'))])
    expect(history.byId(ID)).toMatchObject({
      status: 'UNKNOWN',
      brand: 'Brand 1',
      lastError: null,
      lastSearch: {
        reportedStatus: 'BLOCKED',
        events: [{ type: 'sms', id: 'event-1' }],
        checks: [{ code: '1111', status: 'INVALID' }],
        estimatedPrice: '0.03',
      },
    })
    expect(watch.announcements.at(-1)?.message).toBe(
      `Request …000001 to +447700900001 is now BLOCKED, a status this dashboard does not know.`,
    )

    await nextRound()
    await nextRound()
    expect(search).toHaveBeenCalledTimes(3)
    expect(search.mock.calls.every(([, ids]) => ids.length === 1 && ids[0] === ID)).toBe(true)
  })

  it('announces a request found without a status as unknown, as its badge says, and a gone one as not found', async () => {
    const { history, watch } = await watching([found(searchedAs(ID, ''))])
    expect(history.byId(ID)).toMatchObject({ status: 'UNKNOWN', lastError: null })
    expect(watch.announcements.at(-1)?.message).toBe(
      `Request …000001 to +447700900001 is now unknown (UNKNOWN).`,
    )

    await history.importJson(
      JSON.stringify([
        entry(2, {
          createdAt: NOW - 600_000,
          updatedAt: NOW - 600_000,
          lastActivityAt: NOW - 600_000,
        }),
      ]),
    )
    search.mockImplementation(async (_env, ids) =>
      ids.includes(requestId(2)) ? notFound(requestId(2)) : found(searchedAs(ID, '')),
    )
    watch.refreshNow('sandbox')
    await nextRound()
    expect(history.byId(requestId(2))).toMatchObject({
      status: 'UNKNOWN',
      lastError: { code: '101' },
    })
    expect(watch.announcements.at(-1)?.message).toMatch(
      /^Request …000002 .*is now not found \(UNKNOWN\)\.$/,
    )
  })

  it('does not write the same unknown status again on every round', async () => {
    const { history } = await watching([found(searchedAs(ID, 'BLOCKED'))])
    const written = history.byId(ID)?.updatedAt
    await nextRound()
    expect(search).toHaveBeenCalledTimes(2)
    expect(history.byId(ID)?.updatedAt).toBe(written)
  })

  it('settles once search answers a status it knows, and then stops searching it', async () => {
    const { history, watch } = await watching([
      found(searchedAs(ID, 'BLOCKED')),
      found(searchedAs(ID, 'EXPIRED')),
    ])
    await nextRound()
    expect(history.byId(ID)?.status).toBe('EXPIRED')
    expect(history.byId(ID)?.lastSearch?.reportedStatus).toBeUndefined()
    expect(watch.announcements.at(-1)?.message).toMatch(/is now expired \(EXPIRED\)\.$/)
    const calls = search.mock.calls.length
    await nextRound()
    await nextRound()
    expect(search).toHaveBeenCalledTimes(calls)
  })

  it('gives the usual 90 s of grace from when search last found it, then marks it gone', async () => {
    const { history } = await watching([found(searchedAs(ID, 'BLOCKED'))])
    search.mockImplementation(async () => notFound(ID))
    // Found 2 s ago: a 101 now is "not in search yet", not "gone".
    await nextRound()
    expect(history.byId(ID)).toMatchObject({ status: 'UNKNOWN', lastError: null })
    expect(history.byId(ID)?.lastSearch?.reportedStatus).toBe('BLOCKED')

    await vi.advanceTimersByTimeAsync(90_000)
    await settle()
    expect(history.byId(ID)).toMatchObject({
      status: 'UNKNOWN',
      lastError: { code: '101', message: 'Search no longer finds this request (status 101).' },
    })
    // The status it reported is no longer the request's; the rest of what search said is kept.
    expect(history.byId(ID)?.lastSearch?.reportedStatus).toBeUndefined()
    expect(history.byId(ID)?.lastSearch?.events).toHaveLength(1)
    const calls = search.mock.calls.length
    await nextRound()
    await nextRound()
    expect(search).toHaveBeenCalledTimes(calls)
  })

  it('counts being found with it as activity: a request looked up long ago is not gone at the first 101', async () => {
    const { history } = await watching([found(searchedAs(ID, 'BLOCKED')), notFound(ID)], 600_000)
    await nextRound()
    expect(history.byId(ID)).toMatchObject({ status: 'UNKNOWN', lastError: null })
    expect(history.byId(ID)?.lastSearch?.reportedStatus).toBe('BLOCKED')
    await nextRound()
    expect(search).toHaveBeenCalledTimes(3)
  })
})
