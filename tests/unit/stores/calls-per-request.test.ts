import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDB } from 'idb'
import { createPinia, setActivePinia } from 'pinia'
import { configureClient, setAccessToken } from '@/api/client'
import { searchRequests } from '@/api/verify'
import { historyStoreOptions, useRequestsStore } from '@/stores/requests'
import { useCallsStore } from '@/stores/calls'
import { storableCall, type StoredCall } from '@/utils/call-log'
import {
  closeTabs,
  entry,
  freshHistoryEnvironment,
  requestId,
  scannableText,
  searchAnswer,
} from './history-support'

const [A, B, C] = [requestId(1), requestId(2), requestId(3)]

/** Request `n` as search answers it, with a check whose code is `n` four times. */
function answerOf(n: number) {
  return {
    ...searchAnswer(n, 'SUCCESS'),
    checks: [{ date_received: '2026-11-26 09:00:00', code: String(n).repeat(4), status: 'VALID' }],
  }
}

/**
 * What must not appear in anything kept for request 1: the other requests' ids, numbers, codes
 * (scanned for in `scannableText`, where a code such as '2222' cannot turn up in a time by chance).
 */
const OTHERS = new RegExp([B, C, '447700900002', '447700900003', '2222', '3333'].join('|'))

/** The API answers every search with requests 1 to 3. */
function serveBatch() {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async () =>
      new Response(
        JSON.stringify({ verification_requests: [answerOf(1), answerOf(2), answerOf(3)] }),
        { headers: { 'content-type': 'application/json' } },
      )) as typeof fetch,
  })
}

const pages: { dispose(): void }[] = []

/** A page: history and the call log in one Pinia, as the app has them. */
async function openPage() {
  const pinia = createPinia()
  const calls = useCallsStore(pinia)
  const tab = useRequestsStore(pinia)
  pages.push({ dispose: calls.dispose })
  setActivePinia(pinia)
  await tab.ready
  return { tab, calls }
}

/** The records of the calls store of the test database. */
async function rawCallRecords(): Promise<StoredCall[]> {
  const db = await openDB(historyStoreOptions.name!)
  const all = (await db.getAll('calls')) as StoredCall[]
  db.close()
  return all
}

beforeEach(() => {
  freshHistoryEnvironment()
  setAccessToken(null)
})
afterEach(async () => {
  for (const page of pages.splice(0)) page.dispose()
  await closeTabs()
})

describe("call log: a search of several ids keeps only each request's own part", () => {
  it('stores, shows and exports for one request nothing of the others', async () => {
    serveBatch()
    const { tab, calls } = await openPage()
    await tab.upsertMany([entry(1), entry(2), entry(3)])
    await searchRequests('sandbox', [A, B, C], { background: true })
    await tab.flushCalls()

    const stored = await rawCallRecords()
    expect(stored.map((r) => r.request_id).sort()).toEqual([A, B, C])
    const own = stored.find((r) => r.request_id === A)!
    expect(own.call.query).toMatchObject({ request_ids: [A] })
    expect(own.call.response).toEqual({ verification_requests: [answerOf(1)] })
    expect(scannableText(own)).not.toMatch(OTHERS)

    // The request page of this tab shows the same part.
    const shown = calls.forRequest(A)
    expect(shown).toHaveLength(1)
    expect(shown[0]!.httpStatus).toBe(200)
    expect(scannableText(shown)).not.toMatch(OTHERS)

    const exported = await tab.exportJson([tab.byId(A)!])
    expect(JSON.parse(exported).calls).toHaveLength(1)
    expect(scannableText(exported)).not.toMatch(OTHERS)
  })

  it('reads and exports a search stored whole before with only its own part', async () => {
    const { tab } = await openPage()
    await tab.upsertMany([entry(1), entry(2), entry(3)])
    const whole = storableCall({
      id: 3,
      key: 'old-3',
      method: 'GET',
      path: 'sandbox/verify/search/json',
      query: { request_ids: [A, B, C] },
      body: null,
      startedAt: 1_700_000_000_000,
      durationMs: 20,
      httpStatus: 200,
      response: { verification_requests: [answerOf(1), answerOf(2), answerOf(3)] },
      error: null,
    })
    const db = await openDB(historyStoreOptions.name!)
    for (const id of [A, B, C]) {
      await db.put('calls', { key: `old-3|${id}`, request_id: id, kind: 'read', call: whole })
    }
    db.close()

    const loaded = await tab.loadCalls(A)
    expect(loaded).toHaveLength(1)
    expect(loaded[0]!.response).toEqual({ verification_requests: [answerOf(1)] })
    expect(scannableText(loaded)).not.toMatch(OTHERS)
    const exported = await tab.exportJson([tab.byId(A)!])
    expect(JSON.parse(exported).calls).toHaveLength(1)
    expect(scannableText(exported)).not.toMatch(OTHERS)
  })
})
