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

  it('imports everything when history is kept forever', async () => {
    const tab = await openTab()
    const file = JSON.stringify([entry(1, { status: 'SUCCESS', updatedAt: NOW - 400 * DAY })])
    const report = await tab.importJson(file, { retentionDays: 0, now: NOW })
    expect(report).toMatchObject({ added: 1, tooOld: 0 })
  })
})
