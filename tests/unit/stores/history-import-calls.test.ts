import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { historyToJson } from '@/utils/history-io'
import {
  closeTabs,
  entry,
  freshHistoryEnvironment,
  openTab,
  requestId,
  storedCall as call,
} from './history-support'

beforeEach(() => freshHistoryEnvironment())
afterEach(() => closeTabs())

describe('history import: the recorded calls it reports', () => {
  it('counts only the calls it added: none when an export is imported again', async () => {
    const tab = await openTab()
    const [a, b] = [requestId(1), requestId(2)]
    const calls = [call(a, 1), call(a, 2), call(b, 3)]
    const file = historyToJson([entry(1), entry(2)], calls)
    expect(await tab.importJson(file, { retentionDays: 0 })).toMatchObject({ added: 2, calls: 3 })

    expect(await tab.importJson(file, { retentionDays: 0 })).toMatchObject({
      added: 0,
      unchanged: 2,
      calls: 0,
    })
    // One new call of a known request, one of a new request; the old ones are not counted again.
    const more = historyToJson(
      [entry(1), entry(2), entry(3)],
      [...calls, call(a, 4), call(requestId(3), 5)],
    )
    expect(await tab.importJson(more, { retentionDays: 0 })).toMatchObject({ added: 1, calls: 2 })
    expect((await tab.loadCalls(a)).map((c) => c.id).sort()).toEqual([1, 2, 4])
  })
})
