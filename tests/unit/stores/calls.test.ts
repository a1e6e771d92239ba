import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDB } from 'idb'
import { createPinia, setActivePinia } from 'pinia'
import { configureClient, setAccessToken } from '@/api/client'
import { cancelRequest, checkCode, searchRequests, startVerification } from '@/api/verify'
import { historyStoreOptions, useRequestsStore } from '@/stores/requests'
import { useCallsStore } from '@/stores/calls'
import { useStartVerification } from '@/composables/useStartVerification'
import { MAX_ACTIONS_PER_REQUEST, MAX_READS_PER_REQUEST } from '@/utils/call-log'
import { closeTabs, entry, freshHistoryEnvironment, openTab, requestId } from './history-support'

const ID = requestId(7)
const TOKEN = 'server-token-that-must-never-be-stored'

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })

/** The API answers each call with `answer(path)`; every request made is kept. */
function serve(answer: (path: string, request: Request) => unknown) {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init)
      return json(answer(new URL(request.url).pathname.replace(/^\/api\//, ''), request))
    }) as typeof fetch,
  })
}

const pages: { stop(): void; dispose(): Promise<void> }[] = []

/** A page: history and the call log in one Pinia, as the app has them. */
async function openPage() {
  const pinia = createPinia()
  const calls = useCallsStore(pinia)
  const tab = useRequestsStore(pinia)
  pages.push({ stop: calls.dispose, dispose: tab.dispose })
  setActivePinia(pinia)
  await tab.ready
  return { tab, calls }
}

/** A page as after a reload: a new Pinia on the same database, the call log of `id` loaded. */
async function reloadedCalls(id: string) {
  const page = await openPage()
  await page.calls.load(id)
  return { ...page, list: page.calls.forRequest(id) }
}

/** Every record stored in the calls store of the test database, as text. */
async function rawCallRecords(): Promise<string> {
  const db = await openDB(historyStoreOptions.name!)
  const all = await db.getAll('calls')
  db.close()
  return JSON.stringify(all)
}

beforeEach(() => {
  freshHistoryEnvironment()
  setAccessToken(null)
})
afterEach(async () => {
  setAccessToken(null)
  for (const page of pages.splice(0)) {
    page.stop()
    await page.dispose()
  }
  await closeTabs()
  vi.useRealTimers()
})

describe('call log: kept with history across a reload', () => {
  it('shows the calls of a request after a reload, as sent and received', async () => {
    serve((path) =>
      path.endsWith('verify/json')
        ? { request_id: ID, status: '0' }
        : { request_id: ID, status: '16', error_text: 'The code provided does not match' },
    )
    const { calls: first, tab } = await openPage()
    // The start is answered before its entry is written: the call waits for the entry.
    await startVerification('sandbox', { number: '447700900001', brand: 'Acme' })
    await tab.upsert(entry(7, { number: '447700900001', brand: 'Acme' }))
    await checkCode('sandbox', ID, '1234')
    await tab.flushCalls()
    expect(first.forRequest(ID)).toHaveLength(2)
    first.dispose()
    await tab.dispose()

    const { list } = await reloadedCalls(ID)
    expect(list.map((c) => c.path)).toEqual(['sandbox/verify/check/json', 'sandbox/verify/json'])
    const [check, start] = list
    expect(start!.body).toEqual({ number: '447700900001', brand: 'Acme' })
    expect(start!.response).toEqual({ request_id: ID, status: '0' })
    expect(start!.httpStatus).toBe(200)
    // A sandbox PIN of a finished request is harmless: kept as sent.
    expect(check!.body).toEqual({ request_id: ID, code: '1234' })
    expect(check!.masked).toBeUndefined()
  })

  it('stores a live PIN as $CODE (this tab still shows what it sent)', async () => {
    serve((path) =>
      path.endsWith('search/json')
        ? {
            request_id: ID,
            status: 'SUCCESS',
            checks: [{ date_received: '2026-01-01 00:00:00', code: '9876', status: 'VALID' }],
          }
        : { request_id: ID, status: '0', event_id: 'x' },
    )
    const { calls: here, tab } = await openPage()
    await tab.upsert(entry(7, { environment: 'live' }))
    await checkCode('live', ID, '9876')
    await searchRequests('live', [ID])
    await tab.flushCalls()
    expect(here.forRequest(ID).find((c) => c.path.includes('check'))?.body?.code).toBe('9876')
    here.dispose()
    await tab.dispose()

    const { list } = await reloadedCalls(ID)
    const check = list.find((c) => c.path === 'live/verify/check/json')!
    expect(check.body).toEqual({ request_id: ID, code: '$CODE' })
    expect(check.masked).toEqual(['code'])
    const search = list.find((c) => c.path === 'live/verify/search/json')!
    expect(search.response).toMatchObject({ checks: [{ code: '$CODE', status: 'VALID' }] })
    expect(await rawCallRecords()).not.toContain('9876')
  })

  it('never stores the access token or a credential', async () => {
    serve(() => ({ request_id: ID, status: '0', api_secret: 'leaked-secret', token: 'abc' }))
    setAccessToken(TOKEN)
    const tab = await openTab()
    await tab.upsert(entry(7))
    await cancelRequest('sandbox', ID)
    await tab.flushCalls()
    const raw = await rawCallRecords()
    expect(raw).toContain('control/json')
    expect(raw).not.toContain(TOKEN)
    expect(raw).not.toContain('leaked-secret')
    expect(raw).toContain('$VONAGE_API_SECRET')
  })

  it('keeps every action but only the newest reads, within the caps', async () => {
    serve((path) => ({
      request_id: ID,
      status: path.endsWith('search/json') ? 'IN PROGRESS' : '0',
    }))
    const tab = await openTab()
    await tab.upsert(entry(7))
    vi.useFakeTimers({ toFake: ['Date'] })
    let t = Date.UTC(2026, 0, 1)
    for (let i = 0; i < MAX_ACTIONS_PER_REQUEST + 5; i++) {
      vi.setSystemTime((t += 1000))
      await cancelRequest('sandbox', ID)
    }
    for (let i = 0; i < MAX_READS_PER_REQUEST + 5; i++) {
      vi.setSystemTime((t += 1000))
      await searchRequests('sandbox', [ID])
    }
    await tab.flushCalls()
    vi.useRealTimers()
    await tab.dispose()

    const { list } = await reloadedCalls(ID)
    const actions = list.filter((c) => c.method === 'POST')
    const reads = list.filter((c) => c.method === 'GET')
    expect(actions).toHaveLength(MAX_ACTIONS_PER_REQUEST)
    expect(reads).toHaveLength(MAX_READS_PER_REQUEST)
    // The oldest went first.
    expect(reads.at(-1)!.startedAt).toBe(t - (MAX_READS_PER_REQUEST - 1) * 1000)
  })

  it('deletes the calls with their entry, and with clear all', async () => {
    serve(() => ({ request_id: 'x', status: '0' }))
    const tab = await openTab()
    await tab.upsert(entry(1))
    await tab.upsert(entry(2))
    await cancelRequest('sandbox', requestId(1))
    await cancelRequest('sandbox', requestId(2))
    await tab.flushCalls()
    expect(await tab.loadCalls(requestId(1))).toHaveLength(1)
    await tab.remove(requestId(1))
    expect(await tab.loadCalls(requestId(1))).toHaveLength(0)
    expect(await tab.loadCalls(requestId(2))).toHaveLength(1)
    await tab.clear()
    expect(await rawCallRecords()).toBe('[]')
  })

  it('does not store calls about ids that never enter history', async () => {
    serve(() => ({ status: '101', error_text: 'No response found' }))
    const tab = await openTab()
    vi.useFakeTimers({ toFake: ['Date'] })
    await searchRequests('sandbox', [requestId(3)])
    await tab.flushCalls()
    vi.setSystemTime(Date.now() + 61_000)
    await tab.upsert(entry(4))
    await tab.flushCalls()
    await tab.upsert(entry(3))
    await tab.flushCalls()
    expect(await tab.loadCalls(requestId(3))).toEqual([])
  })

  it('shows a call stored by another tab at once', async () => {
    serve(() => ({ request_id: ID, status: '0' }))
    const tabA = await openTab()
    await tabA.upsert(entry(7))
    const { calls: inB } = await reloadedCalls(ID)
    expect(inB.forRequest(ID)).toEqual([])
    inB.stop()
    // Tab B's own client listener is off: what it shows now came through storage and the channel.
    await cancelRequest('sandbox', ID)
    await tabA.flushCalls()
    await vi.waitFor(() => expect(inB.forRequest(ID)).toHaveLength(1))
    expect(inB.forRequest(ID)[0]!.body).toEqual({ request_id: ID, cmd: 'cancel' })
  })
})

describe('call log: export and import', () => {
  it('carries the calls in the JSON export to another browser', async () => {
    serve(() => ({ request_id: ID, status: '0' }))
    const tab = await openTab()
    await tab.upsert(entry(7))
    await cancelRequest('sandbox', ID)
    const file = await tab.exportJson()
    expect(JSON.parse(file).calls).toHaveLength(1)

    // Another browser: an empty database.
    freshHistoryEnvironment()
    const other = await openTab()
    expect(await other.importJson(file)).toEqual({ added: 1, updated: 0, unchanged: 0, calls: 1 })
    const [call] = await other.loadCalls(ID)
    expect(call).toMatchObject({ method: 'POST', body: { request_id: ID, cmd: 'cancel' } })
  })

  it('rejects a file whose calls are broken or belong to no entry, and writes nothing', async () => {
    const tab = await openTab()
    const file = JSON.stringify({
      entries: [entry(7)],
      calls: [{ key: 'x', request_id: requestId(8), kind: 'read', call: {} }, 'nonsense'],
    })
    await expect(tab.importJson(file)).rejects.toMatchObject({
      problems: ['call 1: not a call record', 'call 2: not a call record'],
    })
    const orphan = JSON.stringify({
      entries: [entry(7)],
      calls: [
        {
          key: 'k|8',
          request_id: requestId(8),
          kind: 'read',
          call: {
            key: 'k',
            method: 'GET',
            path: 'sandbox/verify/search/json',
            startedAt: 1,
            query: {},
          },
        },
      ],
    })
    await expect(tab.importJson(orphan)).rejects.toMatchObject({
      problems: [`call 1: its request_id ${requestId(8)} has no entry in the file`],
    })
    expect(tab.entries).toHaveLength(0)
  })
})

describe('live PINs in history', () => {
  it('keeps the codes a live search lists as $CODE, and sandbox codes as they are', async () => {
    const tab = await openTab()
    const answer = (n: number) => ({
      request_id: requestId(n),
      status: 'SUCCESS',
      checks: [{ date_received: '2026-01-01 00:00:00', code: '5555', status: 'VALID' }],
    })
    await tab.applySearchResult('live', {
      kind: 'found',
      requests: [answer(1) as never],
      missing: [],
    })
    await tab.applySearchResult('sandbox', {
      kind: 'found',
      requests: [answer(2) as never],
      missing: [],
    })
    expect(tab.byId(requestId(1))?.lastSearch?.checks[0]).toMatchObject({
      code: '$CODE',
      status: 'VALID',
    })
    expect(tab.byId(requestId(2))?.lastSearch?.checks[0]?.code).toBe('5555')
  })

  it('keeps a chosen live PIN (pin_code) out of the entry and its start call', async () => {
    serve(() => ({ request_id: ID, status: '0' }))
    const { tab } = await openPage()
    const outcome = await useStartVerification().start('live', 'request', {
      number: '447700900001',
      brand: 'Acme',
      pin_code: '8642',
    })
    expect(outcome).toEqual({ type: 'started', requestId: ID })
    await tab.flushCalls()
    expect(tab.byId(ID)?.params).toEqual({
      number: '447700900001',
      brand: 'Acme',
      pin_code: '$PIN_CODE',
    })
    const [start] = await tab.loadCalls(ID)
    expect(start?.body).toMatchObject({ pin_code: '$PIN_CODE' })
    expect(start?.masked).toEqual(['pin_code'])
    expect(await rawCallRecords()).not.toContain('8642')
  })
})

describe('call log: database migration', () => {
  it('opens a version 2 history (no call log yet) and keeps its entries', async () => {
    const db = await openDB(historyStoreOptions.name!, 2, {
      upgrade(database) {
        const entries = database.createObjectStore('entries', { keyPath: 'request_id' })
        entries.createIndex('updatedAt', 'updatedAt')
        entries.createIndex('createdAt', 'createdAt')
        database.createObjectStore('quarantine', { autoIncrement: true })
      },
    })
    await db.put('entries', entry(5, { brand: 'Kept' }))
    db.close()

    serve(() => ({ request_id: requestId(5), status: '0' }))
    const tab = await openTab()
    expect(tab.byId(requestId(5))?.brand).toBe('Kept')
    expect(tab.damaged).toEqual([])
    await cancelRequest('sandbox', requestId(5))
    await tab.flushCalls()
    expect(await tab.loadCalls(requestId(5))).toHaveLength(1)
  })
})
