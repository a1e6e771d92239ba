import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeTabs, entry, freshHistoryEnvironment, openTab, requestId } from './history-support'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 26)

beforeEach(() => freshHistoryEnvironment())
afterEach(() => closeTabs())

describe('history import and the retention period', () => {
  it('does not import finished entries retention would remove at once, and says so', async () => {
    const tab = await openTab()
    const old = (n: number) =>
      entry(n, { status: 'SUCCESS', createdAt: NOW - 90 * DAY, updatedAt: NOW - 60 * DAY })
    const file = JSON.stringify([
      ...[1, 2, 3, 4, 5].map(old),
      // Old but still in progress: retention keeps it, so it is imported.
      entry(6, { createdAt: NOW - 90 * DAY, updatedAt: NOW - 60 * DAY }),
      entry(7, { status: 'FAILED', createdAt: NOW - DAY, updatedAt: NOW - DAY }),
    ])
    const report = await tab.importJson(file, { retentionDays: 30, now: NOW })
    expect(report).toEqual({
      added: 2,
      updated: 0,
      unchanged: 0,
      calls: 0,
      tooOld: 5,
      retentionDays: 30,
    })
    expect(tab.entries.map((e) => e.request_id).sort()).toEqual([requestId(6), requestId(7)])
    // What was reported as added is still there after retention runs (as on the next load).
    expect(await tab.applyRetention(30, NOW)).toBe(0)
    expect((await openTab()).entries).toHaveLength(2)
  })

  it('removes entries search no longer finds for good (a sandbox reset), keeps those in progress', async () => {
    const tab = await openTab()
    const old = { createdAt: NOW - 90 * DAY, updatedAt: NOW - 60 * DAY }
    const gone = {
      code: '101',
      message: 'Search no longer finds this request (status 101).',
      at: NOW - 60 * DAY,
    }
    await tab.importJson(
      JSON.stringify([
        entry(1, { ...old, status: 'UNKNOWN', lastError: gone }),
        // Not known to be gone: the last search failed for another reason, or was never answered.
        entry(2, { ...old, status: 'UNKNOWN', lastError: { ...gone, code: 'network' } }),
        entry(3, { ...old, status: 'UNKNOWN' }),
        entry(4, { ...old, status: 'IN PROGRESS', lastError: gone }),
        // Gone, but recently: within the retention period.
        entry(5, {
          status: 'UNKNOWN',
          lastError: gone,
          createdAt: NOW - DAY,
          updatedAt: NOW - DAY,
        }),
      ]),
      { retentionDays: 0 },
    )
    expect(await tab.applyRetention(30, NOW)).toBe(1)
    expect(tab.byId(requestId(1))).toBeUndefined()
    expect(tab.entries.map((e) => e.request_id).sort()).toEqual(
      [2, 3, 4, 5].map((n) => requestId(n)),
    )
    expect((await openTab()).byId(requestId(1))).toBeUndefined()
  })

  it('does not import an old entry known to be gone, and counts it as too old', async () => {
    const tab = await openTab()
    const gone = { code: '101', message: 'No response found', at: NOW - 60 * DAY }
    const file = JSON.stringify([
      entry(1, {
        status: 'UNKNOWN',
        lastError: gone,
        createdAt: NOW - 90 * DAY,
        updatedAt: NOW - 60 * DAY,
      }),
    ])
    expect(await tab.importJson(file, { retentionDays: 30, now: NOW })).toMatchObject({
      added: 0,
      tooOld: 1,
    })
  })

  it('imports everything when history is kept forever', async () => {
    const tab = await openTab()
    const file = JSON.stringify([entry(1, { status: 'SUCCESS', updatedAt: NOW - 400 * DAY })])
    const report = await tab.importJson(file, { retentionDays: 0, now: NOW })
    expect(report).toMatchObject({ added: 1, tooOld: 0 })
  })
})
