import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDB } from 'idb'
import { searchRequests, type SearchResult } from '@/api/verify'
import { createPinia } from 'pinia'
import { watch } from 'vue'
import { historyStoreOptions, HistoryImportError, useRequestsStore } from '@/stores/requests'
import { useStorageProblemsStore } from '@/stores/storage-problems'
import { parseCsv } from '../utils/csv-support'
import type { VerificationRequest } from '@contract/types'
import {
  closeTabs,
  entry,
  freshHistoryEnvironment,
  openTab,
  requestId,
  storedCall,
} from './history-support'
import { eventually } from '../../support/eventually'

vi.mock('@/api/verify', () => ({
  searchRequests: vi.fn((env: string, ids: string[]) =>
    Promise.reject(new Error(`unexpected searchRequests(${env}, ${ids.length} ids)`)),
  ),
}))
const search = vi.mocked(searchRequests)

function searchAnswer(n: number, patch: Partial<VerificationRequest> = {}): VerificationRequest {
  return {
    request_id: requestId(n),
    account_id: 'abcdef01',
    number: '447700900001',
    sender_id: 'verify',
    date_submitted: '2026-01-02 03:04:05',
    date_finalized: '2026-01-02 03:05:00',
    checks: [
      { date_received: '2026-01-02 03:05:00', code: '1234', status: 'VALID', ip_address: '' },
    ],
    first_event_date: '2026-01-02 03:04:05',
    last_event_date: '2026-01-02 03:04:05',
    price: '0.10000000',
    currency: 'EUR',
    status: 'SUCCESS',
    estimated_price_messages_sent: '0.03330000',
    events: [{ type: 'sms', id: 'e1' }],
    ...patch,
  }
}

beforeEach(() => {
  freshHistoryEnvironment()
  search.mockClear()
})
afterEach(async () => {
  await closeTabs()
  vi.useRealTimers()
})

describe('history store: persistence', () => {
  it('keeps entries across a reload (new pinia, same database)', async () => {
    const tab = await openTab()
    await tab.upsert({
      request_id: requestId(1),
      number: '447700900001',
      brand: 'Acme',
      source: 'started',
      status: 'IN PROGRESS',
    })
    await tab.upsert(entry(2, { environment: 'live', kind: 'psd2', payee: 'Shop', amount: '9.99' }))
    await tab.dispose()

    const reloaded = await openTab()
    expect(reloaded.storage).toBe('indexeddb')
    expect(reloaded.entries).toHaveLength(2)
    expect(reloaded.byId(requestId(1))).toMatchObject({
      brand: 'Acme',
      status: 'IN PROGRESS',
      environment: 'sandbox',
    })
    expect(reloaded.byId(requestId(2))).toMatchObject({
      environment: 'live',
      kind: 'psd2',
      payee: 'Shop',
      amount: '9.99',
    })
  })

  it('stores only the params that were set, so the entry reads back after a reload', async () => {
    const tab = await openTab()
    const params = { number: '447700900001', brand: 'Acme', sender_id: undefined, lg: '' }
    await tab.upsert({
      request_id: requestId(1),
      params: params as unknown as Record<string, string>,
    })
    await tab.dispose()
    const reloaded = await openTab()
    expect(reloaded.damaged).toEqual([])
    expect(reloaded.byId(requestId(1))?.params).toEqual({
      number: '447700900001',
      brand: 'Acme',
      lg: '',
    })
  })

  it('changes only the fields given and moves updatedAt forward', async () => {
    const tab = await openTab()
    const first = await tab.upsert(entry(1))
    const second = await tab.upsert({ request_id: requestId(1), status: 'SUCCESS' })
    expect(second).toMatchObject({ brand: 'Brand 1', number: first.number, status: 'SUCCESS' })
    expect(second.updatedAt).toBeGreaterThan(first.updatedAt)
    expect(second.createdAt).toBe(first.createdAt)
  })

  // 7000 entries through IndexedDB: many seconds on a busy machine; the limit only catches a hang.
  it('loads thousands of entries in one go', { timeout: 120_000 }, async () => {
    const tab = await openTab()
    await tab.importJson(JSON.stringify(Array.from({ length: 7000 }, (_, i) => entry(i + 1))))
    await tab.dispose()

    // The newest screenful is shown first, then the rest arrives in chunks.
    const store = useRequestsStore(createPinia())
    const published: string[][] = []
    watch(
      () => store.entries,
      (list) => published.push(list.map((e) => e.request_id)),
      { flush: 'sync' },
    )
    await store.ready
    const first = published[0]!
    expect(first).toHaveLength(200)
    expect(first).toContain(requestId(7000))
    expect(first).toContain(requestId(6801))
    expect(first).not.toContain(requestId(6800))
    expect(published.at(-1)).toHaveLength(7000)
    await store.dispose()

    const reloaded = await openTab()
    expect(reloaded.entries).toHaveLength(7000)
    expect(reloaded.byId(requestId(4321))?.brand).toBe('Brand 4321')
  })

  it('deletes one entry and clears all, in storage too', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1))
    await tab.upsert(entry(2))
    await tab.upsert(entry(3))
    await tab.remove(requestId(2))
    expect(tab.entries.map((e) => e.request_id).sort()).toEqual([requestId(1), requestId(3)])
    await tab.dispose()
    const reloaded = await openTab()
    expect(reloaded.byId(requestId(2))).toBeUndefined()
    await reloaded.clear()
    await reloaded.dispose()
    expect((await openTab()).entries).toHaveLength(0)
  })

  it('drops finished entries older than the retention and keeps requests in progress', async () => {
    const tab = await openTab()
    const now = Date.UTC(2026, 5, 1)
    await tab.importJson(
      JSON.stringify([
        entry(1, { status: 'SUCCESS', updatedAt: now - 40 * 86_400_000 }),
        entry(2, { status: 'IN PROGRESS', updatedAt: now - 40 * 86_400_000 }),
        entry(3, { status: 'EXPIRED', updatedAt: now - 2 * 86_400_000 }),
      ]),
    )
    expect(await tab.applyRetention(0, now)).toBe(0)
    expect(await tab.applyRetention(30, now)).toBe(1)
    expect(tab.entries.map((e) => e.request_id).sort()).toEqual([requestId(2), requestId(3)])
  })
})

describe('history store: search results', () => {
  it('records status, events, checks and price of found requests', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1, { brand: 'Acme' }))
    await tab.applySearchResult('sandbox', {
      kind: 'found',
      requests: [searchAnswer(1)],
      missing: [],
    })
    const stored = tab.byId(requestId(1))
    expect(stored).toMatchObject({ status: 'SUCCESS', brand: 'Acme', lastError: null })
    expect(stored?.lastSearch).toMatchObject({
      price: '0.10000000',
      currency: 'EUR',
      events: [{ type: 'sms', id: 'e1' }],
      dateFinalized: '2026-01-02 03:05:00',
    })
    expect(stored?.lastSearch?.checks[0]?.status).toBe('VALID')
  })

  it('adds looked-up requests with their submission time and keeps 101 ids unchanged', async () => {
    const tab = await openTab()
    await tab.upsert(entry(2))
    await tab.applySearchResult('live', {
      kind: 'found',
      requests: [searchAnswer(1)],
      missing: [requestId(2)],
    })
    expect(tab.byId(requestId(1))).toMatchObject({
      environment: 'live',
      source: 'looked-up',
      createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    })
    expect(tab.byId(requestId(2))).toMatchObject({
      status: 'IN PROGRESS',
      lastError: { code: '101' },
    })

    await tab.applySearchResult('sandbox', {
      kind: 'not_found',
      ids: [requestId(2), requestId(9)],
      error_text: 'No response found',
    })
    expect(tab.byId(requestId(9))).toBeUndefined()
  })

  it('tells listeners about status changes', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1))
    const seen: string[] = []
    tab.onStatusChange(({ entry: e, previous }) => seen.push(`${previous}->${e.status}`))
    await tab.applySearchResult('sandbox', {
      kind: 'found',
      requests: [searchAnswer(1, { status: 'IN PROGRESS', date_finalized: '' })],
      missing: [],
    })
    await tab.applySearchResult('sandbox', {
      kind: 'found',
      requests: [searchAnswer(1, { status: 'EXPIRED' })],
      missing: [],
    })
    expect(seen).toEqual(['IN PROGRESS->EXPIRED'])
  })
})

describe('history store: import and export', () => {
  it('round-trips JSON: export, clear, import gives the same entries', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1))
    await tab.upsert(entry(2, { brand: 'Quote " and, comma' }))
    await tab.applySearchResult('sandbox', {
      kind: 'found',
      requests: [searchAnswer(2)],
      missing: [],
    })
    const before = [...tab.entries].sort((a, b) => a.request_id.localeCompare(b.request_id))
    const file = await tab.exportJson()
    await tab.clear()
    expect(tab.entries).toHaveLength(0)
    expect(await tab.importJson(file)).toEqual({
      added: 2,
      updated: 0,
      unchanged: 0,
      calls: 0,
      tooOld: 0,
      retentionDays: 0,
    })
    const after = [...tab.entries].sort((a, b) => a.request_id.localeCompare(b.request_id))
    expect(after).toEqual(before)
    expect(await tab.importJson(file)).toEqual({
      added: 0,
      updated: 0,
      unchanged: 2,
      calls: 0,
      tooOld: 0,
      retentionDays: 0,
    })
  })

  it('exports CSV with escaped fields, one row per entry', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1, { brand: 'Quote " and, comma\nsecond line', number: '447700900001' }))
    await tab.upsert(entry(2, { brand: '=HYPERLINK("x")' }))
    const rows = parseCsv(await tab.exportCsv())
    expect(rows[0]).toContain('request_id')
    expect(rows).toHaveLength(3)
    const byId = new Map(rows.slice(1).map((r) => [r[0], r]))
    const brandColumn = rows[0]!.indexOf('brand')
    expect(byId.get(requestId(1))?.[brandColumn]).toBe('Quote " and, comma\nsecond line')
    expect(byId.get(requestId(2))?.[brandColumn]).toBe(`'=HYPERLINK("x")`)
    expect(byId.get(requestId(1))?.[rows[0]!.indexOf('number')]).toBe('447700900001')
  })

  it('merges an import without duplicates: the newer copy of an id wins, nothing is lost', async () => {
    const tab = await openTab()
    await tab.importJson(
      JSON.stringify([
        entry(1, { status: 'IN PROGRESS', updatedAt: 1_700_000_500_000 }),
        entry(2, { brand: 'Mine', updatedAt: 1_700_000_900_000 }),
      ]),
    )
    const report = await tab.importJson(
      JSON.stringify({
        entries: [
          entry(1, { status: 'SUCCESS', updatedAt: 1_700_000_600_000 }),
          entry(2, { brand: 'Theirs', updatedAt: 1_700_000_800_000 }),
          entry(3),
          entry(3, { brand: 'Duplicate in file, newer', updatedAt: 1_800_000_000_000 }),
        ],
      }),
    )
    expect(report).toEqual({
      added: 1,
      updated: 1,
      unchanged: 1,
      calls: 0,
      tooOld: 0,
      retentionDays: 0,
    })
    expect(tab.entries).toHaveLength(3)
    expect(tab.byId(requestId(1))?.status).toBe('SUCCESS')
    expect(tab.byId(requestId(2))?.brand).toBe('Mine')
    expect(tab.byId(requestId(3))?.brand).toBe('Duplicate in file, newer')
  })

  it('rejects a bad file with every problem listed and writes nothing', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1))
    const bad = JSON.stringify({
      entries: [
        entry(2),
        { ...entry(3), status: 'DONE' },
        { ...entry(4), request_id: 'nope', createdAt: 'yesterday' },
      ],
    })
    const error = await tab.importJson(bad).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HistoryImportError)
    const problems = (error as HistoryImportError).problems
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/^entry 2 \(0+3\): status must be one of IN PROGRESS/)
    expect(problems[1]).toMatch(
      /^entry 3 \(nope\): request_id must be 32 hexadecimal characters, createdAt must be a time/,
    )
    expect(tab.entries.map((e) => e.request_id)).toEqual([requestId(1)])
    await expect(tab.importJson('{"entries": [')).rejects.toThrow(/not JSON/)
    await expect(tab.importJson('{"something": 1}')).rejects.toThrow(
      /expected a Verify Desk history export/,
    )
  })
})

describe('history store: migration and recovery', () => {
  it('migrates the first stored shape (database version 1) to the current one', async () => {
    const name = historyStoreOptions.name!
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('requests', { keyPath: 'id' })
      },
    })
    await v1.put('requests', {
      id: requestId(1),
      env: 'live',
      phone: '447700900001',
      brand: 'Old brand',
      status: 'SUCCESS',
      created: '2025-03-01T10:00:00.000Z',
      updated: '2025-03-01T10:01:00.000Z',
      result: searchAnswer(1),
    })
    await v1.put('requests', {
      id: requestId(2),
      env: 'sandbox',
      phone: '447700900002',
      status: 'IN PROGRESS',
      created: '2025-03-02T10:00:00.000Z',
      psd2: { payee: 'Shop', amount: '12.50' },
    })
    await v1.put('requests', { id: requestId(3), env: 'moon', created: 'never' })
    v1.close()

    const tab = await openTab()
    expect(tab.migrated).toBe(2)
    expect(tab.byId(requestId(1))).toMatchObject({
      environment: 'live',
      number: '447700900001',
      brand: 'Old brand',
      status: 'SUCCESS',
      createdAt: Date.parse('2025-03-01T10:00:00.000Z'),
      updatedAt: Date.parse('2025-03-01T10:01:00.000Z'),
      schemaVersion: 2,
    })
    expect(tab.byId(requestId(1))?.lastSearch?.price).toBe('0.10000000')
    expect(tab.byId(requestId(2))).toMatchObject({
      kind: 'psd2',
      payee: 'Shop',
      amount: '12.50',
      status: 'IN PROGRESS',
    })
    expect(tab.damaged).toEqual([
      { key: requestId(3), problems: [expect.stringMatching(/older history entry/)] },
    ])

    await tab.dispose()
    const raw = await openDB(name)
    expect([...raw.objectStoreNames]).not.toContain('requests')
    raw.close()
  })

  it('skips damaged records, reports them and keeps the rest', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1))
    await tab.upsert(entry(2))
    await tab.dispose()

    const raw = await openDB(historyStoreOptions.name!)
    await raw.put('entries', { request_id: requestId(3), status: 42 })
    await raw.put('entries', { ...entry(4), lastSearch: 'garbage' })
    raw.close()

    const reloaded = await openTab()
    expect(reloaded.entries.map((e) => e.request_id).sort()).toEqual([requestId(1), requestId(2)])
    expect(reloaded.damaged.map((d) => d.key).sort()).toEqual([requestId(3), requestId(4)])
    expect(reloaded.damaged.find((d) => d.key === requestId(4))?.problems).toEqual([
      'lastSearch must be an object or null',
    ])
    // A damaged record is replaced when the request is written again.
    await reloaded.upsert(entry(4))
    expect(reloaded.byId(requestId(4))?.lastSearch).toBeNull()
  })

  it('falls back to memory with a warning when the database cannot open', async () => {
    const newer = await openDB(historyStoreOptions.name!, 99)
    newer.close()
    const pinia = createPinia()
    const tab = useRequestsStore(pinia)
    await tab.ready
    expect(tab.storage).toBe('memory')
    expect(useStorageProblemsStore(pinia).problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^History cannot be saved in this browser/),
    ])
    await tab.upsert(entry(1))
    expect(tab.byId(requestId(1))?.brand).toBe('Brand 1')
    await tab.dispose()
  })

  it('falls back to memory when there is no IndexedDB at all', async () => {
    vi.stubGlobal('indexedDB', undefined)
    try {
      const pinia = createPinia()
      const tab = useRequestsStore(pinia)
      await tab.ready
      expect(tab.storage).toBe('memory')
      expect(useStorageProblemsStore(pinia).problems[0]?.message).toMatch(/not available/)
      await tab.dispose()
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('history store: two tabs', () => {
  /** Tabs A and B, both showing entries 1 and 2 (written in A). */
  async function twoTabsWithEntries1And2() {
    const a = await openTab()
    const b = await openTab()
    await a.upsert(entry(1))
    await a.upsert(entry(2))
    await eventually(() => expect(b.entries).toHaveLength(2))
    return { a, b }
  }

  it('merges concurrent writes to the same entry instead of overwriting', async () => {
    const a = await openTab()
    const b = await openTab()
    await a.upsert(entry(1, { brand: '' }))
    await eventually(() => expect(b.byId(requestId(1))).toBeDefined())
    // B has not seen A's next write yet when it writes its own field.
    await Promise.all([
      a.upsert({ request_id: requestId(1), brand: 'Set in A' }),
      b.upsert({ request_id: requestId(1), status: 'SUCCESS' }),
    ])
    const c = await openTab()
    expect(c.byId(requestId(1))).toMatchObject({ brand: 'Set in A', status: 'SUCCESS' })
    await eventually(() => {
      expect(a.byId(requestId(1))).toMatchObject({ brand: 'Set in A', status: 'SUCCESS' })
      expect(b.byId(requestId(1))).toMatchObject({ brand: 'Set in A', status: 'SUCCESS' })
    })
  })

  it('shows entries added, deleted and cleared in another tab', async () => {
    const { a, b } = await twoTabsWithEntries1And2()
    await b.remove(requestId(1))
    await eventually(() => expect(a.entries.map((e) => e.request_id)).toEqual([requestId(2)]))
    await a.importJson(JSON.stringify([entry(5), entry(6)]))
    await eventually(() => expect(b.entries).toHaveLength(3))
    await b.clear()
    await eventually(() => expect(a.entries).toHaveLength(0))
  })

  it('never brings back an entry deleted while a background refresh of it was on its way', async () => {
    const { a, b } = await twoTabsWithEntries1And2()
    // B deletes; A's search answer for it arrives before A has heard of the delete.
    await b.remove(requestId(1))
    const written = await a.applySearchResult(
      'sandbox',
      { kind: 'found', requests: [searchAnswer(1), searchAnswer(2)], missing: [] },
      { existingOnly: true },
    )
    expect(written.map((e) => e.request_id)).toEqual([requestId(2)])
    // The same in the deleting tab itself, and for a late 101.
    expect(
      await b.applySearchResult(
        'sandbox',
        { kind: 'found', requests: [searchAnswer(1)], missing: [] },
        { existingOnly: true },
      ),
    ).toEqual([])
    await eventually(() => expect(a.entries.map((e) => e.request_id)).toEqual([requestId(2)]))
    expect(b.entries.map((e) => e.request_id)).toEqual([requestId(2)])
    expect((await openTab()).entries.map((e) => e.request_id)).toEqual([requestId(2)])
    expect(a.byId(requestId(2))?.status).toBe('SUCCESS')
  })

  it('still adds a request a user looks up, even one deleted before', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1))
    await tab.remove(requestId(1))
    await tab.applySearchResult('sandbox', {
      kind: 'found',
      requests: [searchAnswer(1)],
      missing: [],
    })
    expect(tab.byId(requestId(1))).toMatchObject({ status: 'SUCCESS', source: 'looked-up' })
  })

  it('never loses an entry written only by the other tab when importing', async () => {
    const a = await openTab()
    const b = await openTab()
    await b.upsert(entry(7, { brand: 'Only in B' }))
    await a.importJson(
      JSON.stringify([entry(7, { brand: '', updatedAt: 1_600_000_000_000 }), entry(8)]),
    )
    const c = await openTab()
    expect(c.byId(requestId(7))?.brand).toBe('Only in B')
    expect(c.entries).toHaveLength(2)
  })
})

describe('history store: look up', () => {
  it('sends more than ten ids in batches of ten and records found and not found', async () => {
    const tab = await openTab()
    const ids = Array.from({ length: 25 }, (_, i) => requestId(i + 1))
    search.mockImplementation(async (_env, batch): Promise<SearchResult> => {
      if (batch.includes(requestId(21))) {
        return { kind: 'not_found', ids: [...batch], error_text: 'No response found' }
      }
      const found = batch.filter((id) => id !== requestId(3))
      return {
        kind: 'found',
        requests: found.map((id) => searchAnswer(Number.parseInt(id, 16))),
        missing: batch.filter((id) => id === requestId(3)),
      }
    })
    const report = await tab.lookUp('sandbox', [...ids, requestId(1)])
    expect(search.mock.calls.map(([env, batch]) => [env, batch.length])).toEqual([
      ['sandbox', 10],
      ['sandbox', 10],
      ['sandbox', 5],
    ])
    expect(report.calls).toBe(3)
    expect(report.found).toHaveLength(19)
    expect(report.notFound.sort()).toEqual([requestId(3), ...ids.slice(20)].sort())
    expect(report.failed).toEqual([])
    expect(tab.entries).toHaveLength(19)
    expect(tab.byId(requestId(5))).toMatchObject({ source: 'looked-up', status: 'SUCCESS' })
    expect(tab.byId(requestId(3))).toBeUndefined()
  })

  it('reports a failed batch without losing the others, and spaces live calls a second apart', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const tab = await openTab()
    const ids = Array.from({ length: 12 }, (_, i) => requestId(i + 1))
    search.mockImplementation(async (_env, batch): Promise<SearchResult> => {
      if (batch.length === 10) throw new Error('The server could not be reached.')
      return {
        kind: 'found',
        requests: batch.map((id) => searchAnswer(Number.parseInt(id, 16))),
        missing: [],
      }
    })
    const pending = tab.lookUp('live', ids)
    await vi.advanceTimersByTimeAsync(999)
    expect(search).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    const report = await pending
    expect(search).toHaveBeenCalledTimes(2)
    expect(report.failed).toEqual([
      {
        ids: ids.slice(0, 10),
        message: 'The server could not be reached.',
        nextStep:
          'Try again in a moment; if it keeps failing, ask whoever runs the server to check its connection to Vonage.',
      },
    ])
    expect(report.found.map((e) => e.request_id)).toEqual(ids.slice(10))
    expect(tab.byId(requestId(11))?.environment).toBe('live')
  })
})

describe('history store: look up answered status 2', () => {
  it("a status 2 about the credentials says the server's credentials were not received", async () => {
    const tab = await openTab()
    search.mockResolvedValue({
      kind: 'error',
      ids: [requestId(1)],
      status: '2',
      error_text: 'Missing api_key',
    })
    const report = await tab.lookUp('live', [requestId(1)])
    expect(report.failed).toHaveLength(1)
    expect(report.failed[0]?.message).toBe('status 2: Missing api_key')
    expect(report.failed[0]?.nextStep).toContain('VONAGE_API_KEY and VONAGE_API_SECRET')
    expect(report.failed[0]?.nextStep).not.toMatch(/fill in/i)
  })
})

describe('history store: search answers older than an action', () => {
  it("another tab's search answer never turns a verified request back to IN PROGRESS", async () => {
    const a = await openTab()
    const b = await openTab()
    await a.upsert(entry(1))
    await eventually(() => expect(b.byId(requestId(1))).toBeDefined())
    // A checks the code while B's poll of the same request is on its way.
    await a.upsert({ request_id: requestId(1), status: 'SUCCESS', lastActivityAt: Date.now() })
    const inProgress = searchAnswer(1, { status: 'IN PROGRESS', checks: [], date_finalized: '' })
    await b.applySearchResult(
      'sandbox',
      { kind: 'found', requests: [inProgress], missing: [] },
      { existingOnly: true },
    )
    expect(b.byId(requestId(1))?.status).toBe('SUCCESS')
    await eventually(() => expect(a.byId(requestId(1))?.status).toBe('SUCCESS'))
    expect((await openTab()).byId(requestId(1))?.status).toBe('SUCCESS')
  })

  it('an answer to a search sent before the last action changes neither status nor checks', async () => {
    const tab = await openTab()
    await tab.upsert(entry(1))
    const wrongCode = { date_received: '2026-01-02 03:04:30', code: '1111', ip_address: '' }
    await tab.applySearchResult('sandbox', {
      kind: 'found',
      requests: [
        searchAnswer(1, {
          status: 'IN PROGRESS',
          checks: [{ ...wrongCode, status: 'INVALID' }],
          date_finalized: '',
        }),
      ],
      missing: [],
    })
    // A search is sent, then a check is answered, then the search answers (without the check).
    const sentAt = Date.now() - 2_000
    await tab.upsert({ request_id: requestId(1), lastActivityAt: Date.now() - 1_000 })
    await tab.applySearchResult(
      'sandbox',
      {
        kind: 'found',
        requests: [searchAnswer(1, { status: 'IN PROGRESS', checks: [], date_finalized: '' })],
        missing: [],
      },
      { observedAt: sentAt },
    )
    expect(tab.byId(requestId(1))?.lastSearch?.checks.map((c) => c.status)).toEqual(['INVALID'])
    // A search sent after the action is applied as usual.
    await tab.applySearchResult(
      'sandbox',
      { kind: 'found', requests: [searchAnswer(1)], missing: [] },
      { observedAt: Date.now() },
    )
    expect(tab.byId(requestId(1))).toMatchObject({ status: 'SUCCESS' })
    expect(tab.byId(requestId(1))?.lastSearch?.checks.map((c) => c.status)).toEqual(['VALID'])
  })
})

describe('history store: action answers', () => {
  it('never brings back an entry another tab deleted before the answer came', async () => {
    const a = await openTab()
    const b = await openTab()
    await a.upsert(entry(1, { environment: 'live' }))
    await eventually(() => expect(b.byId(requestId(1))).toBeDefined())
    await b.remove(requestId(1))
    // A has not heard of the delete yet when its check is answered.
    const written = await a.recordAction({
      request_id: requestId(1),
      at: Date.now(),
      status: 'SUCCESS',
      check: { code: '$CODE', status: 'VALID', price: '0.10000000', currency: 'EUR' },
    })
    expect(written).toBeUndefined()
    expect((await openTab()).entries).toEqual([])
    await eventually(() => expect(a.entries).toEqual([]))
    // The page still learns what the action answered.
    expect(a.actionFor(requestId(1))).toMatchObject({ status: 'SUCCESS' })
  })

  it('adds the check and its price to what the last search said', async () => {
    const tab = await openTab()
    await tab.applySearchResult('live', {
      kind: 'found',
      requests: [searchAnswer(1, { status: 'IN PROGRESS', checks: [], price: '0' })],
      missing: [],
    })
    const at = Date.now()
    const stored = await tab.recordAction({
      request_id: requestId(1),
      at,
      status: 'SUCCESS',
      check: {
        code: '$CODE',
        status: 'VALID',
        price: '0.10000000',
        currency: 'EUR',
        eventId: 'e1',
      },
    })
    expect(stored).toMatchObject({ status: 'SUCCESS', lastActivityAt: at })
    expect(stored?.lastSearch).toMatchObject({
      price: '0.10000000',
      currency: 'EUR',
      checkEventId: 'e1',
      events: [{ type: 'sms', id: 'e1' }],
      checks: [{ code: '$CODE', status: 'VALID' }],
    })
  })
})

describe('history store: entries the import worker wrote', () => {
  it('keeps a newer copy this tab stored while an import was being written', async () => {
    const tab = await openTab()
    const changes: string[] = []
    tab.onStatusChange((c) => changes.push(`${c.previous ?? '-'} -> ${c.entry.status}`))
    // A poll stored SUCCESS (now) after the worker had read the older IN PROGRESS copy.
    const newer = await tab.upsert(entry(1, { status: 'SUCCESS' }))
    expect(changes).toEqual(['- -> SUCCESS'])
    tab.absorbWritten([entry(1)])
    expect(tab.byId(entry(1).request_id)).toMatchObject({
      status: 'SUCCESS',
      updatedAt: newer.updatedAt,
    })
    // No status change is announced (no SUCCESS -> IN PROGRESS, no second SUCCESS).
    expect(changes).toEqual(['- -> SUCCESS'])
  })
})

describe('history store: import on the page', () => {
  it('brings a last activity later than now (a clock ahead) back to now', async () => {
    const now = Date.UTC(2026, 10, 20)
    const tab = await openTab()
    const ahead = entry(1, { updatedAt: now - 1000, lastActivityAt: now + 86_400_000 })
    await tab.importJson(JSON.stringify({ entries: [ahead] }), { retentionDays: 0, now })
    expect(tab.byId(ahead.request_id)).toEqual({ ...ahead, lastActivityAt: now })
    const db = await openDB(historyStoreOptions.name!)
    const stored = await db.get('entries', ahead.request_id)
    db.close()
    expect(stored).toMatchObject({ lastActivityAt: now })
  })

  it('writes no entry when saving their recorded calls fails (all or none)', async () => {
    const tab = await openTab()
    const id = requestId(1)
    const call = storedCall(id, 1)
    const put = IDBObjectStore.prototype.put
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['put']>
    ) {
      if (this.name === 'calls') {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      }
      return put.apply(this, args)
    })
    const file = JSON.stringify({ entries: [entry(1), entry(2)], calls: [call] })
    const error = await tab.importJson(file, { retentionDays: 0 }).catch((e: unknown) => e)
    vi.restoreAllMocks()
    // The storage's own failure, as it is (nothing was written to report on).
    expect(error).toBeInstanceOf(DOMException)
    expect(error).toMatchObject({
      name: 'QuotaExceededError',
      message: 'The quota has been exceeded.',
    })
    // Nothing is shown, nothing is stored.
    expect(tab.byId(id)).toBeUndefined()
    expect(tab.entries).toHaveLength(0)
    const db = await openDB(historyStoreOptions.name!)
    expect(await db.count('entries')).toBe(0)
    expect(await db.count('calls')).toBe(0)
    db.close()
  })
})
