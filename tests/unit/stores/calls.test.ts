import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDB } from 'idb'
import { createPinia, setActivePinia } from 'pinia'
import { configureClient, setAccessToken } from '@/api/client'
import { cancelRequest, checkCode, searchRequests, startVerification } from '@/api/verify'
import { historyStoreOptions, useRequestsStore } from '@/stores/requests'
import { useCallsStore } from '@/stores/calls'
import { useStartVerification } from '@/composables/useStartVerification'
import { callProgress, MAX_ACTIONS_PER_REQUEST, MAX_READS_PER_REQUEST } from '@/utils/call-log'
import { UNANSWERED_CALL_LIMIT_MS } from '@/utils/request-state'
import {
  closeTabs,
  entry,
  freshHistoryEnvironment,
  openTab,
  requestId,
  scannableText,
} from './history-support'
import { eventually } from '../../support/eventually'

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

/**
 * Like `serve`, but holds the answer to every call whose path ends with `held` until `release()`:
 * the call is out, its answer not in (a slow upstream, or a page reloaded meanwhile).
 */
function serveHolding(held: string, answer: (path: string) => unknown) {
  const waiting: (() => void)[] = []
  let sent = 0
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init)
      const path = new URL(request.url).pathname.replace(/^\/api\//, '')
      if (!path.endsWith(held)) return json(answer(path))
      sent++
      await new Promise<void>((resolve) => waiting.push(resolve))
      return json(answer(path))
    }) as typeof fetch,
  })
  return {
    /** How many held calls reached the server. */
    sent: () => sent,
    release(): void {
      for (const resolve of waiting.splice(0)) resolve()
    },
  }
}

const pages: { stop(): void; dispose(): Promise<void> }[] = []
/** Held answers still out when a test ends: released after its pages are closed. */
const holds: { release(): void }[] = []

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

/**
 * Every record stored in the calls store of the test database, as text to scan for a secret (see
 * `scannableText`: without the times and random key prefixes, where a PIN can turn up by chance).
 */
async function rawCallRecords(): Promise<string> {
  const db = await openDB(historyStoreOptions.name!)
  const all = await db.getAll('calls')
  db.close()
  return scannableText(all)
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
  for (const hold of holds.splice(0)) hold.release()
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
    await eventually(() => expect(inB.forRequest(ID)).toHaveLength(1))
    expect(inB.forRequest(ID)[0]!.body).toEqual({ request_id: ID, cmd: 'cancel' })
  })
})

describe('call log: a call recorded as it is sent', () => {
  const WRONG = { request_id: ID, status: '16', error_text: 'The code provided does not match' }

  it('lists a check at once as waiting, stores it, then puts its answer in the same line', async () => {
    const hold = serveHolding('check/json', () => WRONG)
    holds.push(hold)
    const { calls: here, tab } = await openPage()
    await tab.upsert(entry(7))
    const check = checkCode('sandbox', ID, '1234')

    // Sent, no answer yet: listed and stored already.
    const [sent, ...none] = here.forRequest(ID)
    expect(none).toEqual([])
    expect(sent).toMatchObject({ path: 'sandbox/verify/check/json', pending: true })
    expect(sent!.body).toEqual({ request_id: ID, code: '1234' })
    expect(callProgress(sent!, here.inFlight)).toBe('waiting')
    await tab.flushCalls()
    const stored = await tab.loadCalls(ID)
    expect(stored.map((c) => [c.key, c.pending])).toEqual([[sent!.key, true]])

    await eventually(() => expect(hold.sent()).toBe(1))
    hold.release()
    await check
    const [answered, ...nothingElse] = here.forRequest(ID)
    expect(nothingElse).toEqual([])
    expect(answered!.key).toBe(sent!.key)
    expect(answered!.pending).toBeUndefined()
    expect(answered).toMatchObject({ httpStatus: 200, response: { status: '16' } })
    expect(callProgress(answered!, here.inFlight)).toBe('answered')
    expect(here.inFlight.size).toBe(0)
    // Stored once, answered: the pending record was replaced, not added to.
    await tab.flushCalls()
    const after = await tab.loadCalls(ID)
    expect(after).toHaveLength(1)
    expect(after[0]).toMatchObject({ key: sent!.key, httpStatus: 200, response: WRONG })
    expect(after[0]!.pending).toBeUndefined()
  })

  it('shows a check whose answer never came after a reload: unanswered, not dropped', async () => {
    const hold = serveHolding('check/json', () => WRONG)
    holds.push(hold)
    const { calls: first, tab } = await openPage()
    await tab.upsert(entry(7))
    void checkCode('sandbox', ID, '1234').catch(() => undefined)
    await tab.flushCalls()
    // The page is reloaded while the check is out: its answer never reaches it.
    first.dispose()
    await tab.dispose()

    const { calls: reloaded, list } = await reloadedCalls(ID)
    expect(list).toHaveLength(1)
    const [check] = list
    expect(check).toMatchObject({
      method: 'POST',
      path: 'sandbox/verify/check/json',
      body: { request_id: ID, code: '1234' },
      httpStatus: null,
      response: null,
      error: null,
      pending: true,
    })
    // Neither failed nor succeeded: no answer was recorded, and this page is not waiting for one.
    expect(callProgress(check!, reloaded.inFlight)).toBe('unanswered')
  })

  it('masks a live PIN in the pending record, as in the answered one', async () => {
    const hold = serveHolding('check/json', () => ({ request_id: ID, status: '0' }))
    holds.push(hold)
    const { calls: here, tab } = await openPage()
    await tab.upsert(entry(7, { environment: 'live' }))
    const check = checkCode('live', ID, '9876')
    await tab.flushCalls()
    const [pending] = await tab.loadCalls(ID)
    expect(pending).toMatchObject({
      pending: true,
      body: { request_id: ID, code: '$CODE' },
      masked: ['code'],
    })
    expect(await rawCallRecords()).not.toContain('9876')
    // This tab still shows what it sent.
    expect(here.forRequest(ID)[0]!.body).toEqual({ request_id: ID, code: '9876' })

    await eventually(() => expect(hold.sent()).toBe(1))
    hold.release()
    await check
    await tab.flushCalls()
    const [answered, ...rest] = await tab.loadCalls(ID)
    expect(rest).toEqual([])
    expect(answered).toMatchObject({ body: { request_id: ID, code: '$CODE' }, httpStatus: 200 })
    expect(await rawCallRecords()).not.toContain('9876')
  })

  it('shows another tab the pending call, then its answer in the same line', async () => {
    const hold = serveHolding('control/json', () => ({ request_id: ID, status: '0' }))
    holds.push(hold)
    const tabA = await openTab()
    await tabA.upsert(entry(7))
    const { calls: inB } = await reloadedCalls(ID)
    // Tab B's own client listeners are off: what it shows comes through storage and the channel.
    inB.stop()
    const cancel = cancelRequest('sandbox', ID)
    await tabA.flushCalls()
    await eventually(() => expect(inB.forRequest(ID)).toHaveLength(1))
    const [seen] = inB.forRequest(ID)
    expect(seen).toMatchObject({ body: { request_id: ID, cmd: 'cancel' }, pending: true })
    // Tab B is not waiting for it: no answer is recorded yet.
    expect(callProgress(seen!, inB.inFlight)).toBe('unanswered')

    await eventually(() => expect(hold.sent()).toBe(1))
    hold.release()
    await cancel
    await tabA.flushCalls()
    await eventually(() => expect(inB.forRequest(ID)[0]!.pending).toBeUndefined())
    expect(inB.forRequest(ID)).toHaveLength(1)
    expect(inB.forRequest(ID)[0]).toMatchObject({ key: seen!.key, httpStatus: 200 })
  })

  it('lists a search at once as waiting, but stores it only with its answer', async () => {
    const hold = serveHolding('search/json', () => ({ request_id: ID, status: 'IN PROGRESS' }))
    holds.push(hold)
    const { calls: here, tab } = await openPage()
    await tab.upsert(entry(7))
    const search = searchRequests('sandbox', [ID])
    expect(here.forRequest(ID)).toMatchObject([{ method: 'GET', pending: true }])
    await eventually(() => expect(hold.sent()).toBe(1))
    await tab.flushCalls()
    // A read changes nothing: a reload now would lose no attempt, so nothing is written yet.
    expect(await tab.loadCalls(ID)).toEqual([])

    hold.release()
    await search
    await tab.flushCalls()
    const stored = await tab.loadCalls(ID)
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ method: 'GET', httpStatus: 200 })
    expect(stored[0]!.pending).toBeUndefined()
  })

  it('keeps a call waiting for its entry once: its answer replaces the pending copy', async () => {
    const hold = serveHolding('control/json', () => ({ request_id: ID, status: '0' }))
    holds.push(hold)
    const tab = await openTab()
    // The request is not in history yet (a page opened on an id): the call waits for its entry.
    const cancel = cancelRequest('sandbox', ID)
    await eventually(() => expect(hold.sent()).toBe(1))
    hold.release()
    await cancel
    await tab.upsert(entry(7))
    await tab.flushCalls()
    const stored = await tab.loadCalls(ID)
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ httpStatus: 200, response: { status: '0' } })
    expect(stored[0]!.pending).toBeUndefined()
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
    expect(await other.importJson(file)).toEqual({
      added: 1,
      updated: 0,
      unchanged: 0,
      calls: 1,
      tooOld: 0,
      retentionDays: 0,
    })
    const [call] = await other.loadCalls(ID)
    expect(call).toMatchObject({ method: 'POST', body: { request_id: ID, cmd: 'cancel' } })
  })

  it('exports only the entries asked for (what the filters show), with their calls alone', async () => {
    const other = requestId(8)
    serve(() => ({ status: '0', command: 'cancel' }))
    const tab = await openTab()
    await tab.upsert(entry(7))
    await tab.upsert(entry(8))
    await cancelRequest('sandbox', ID)
    await cancelRequest('sandbox', other)
    const file = JSON.parse(await tab.exportJson([tab.byId(ID)!])) as {
      entries: { request_id: string }[]
      calls: { request_id: string }[]
    }
    expect(file.entries.map((e) => e.request_id)).toEqual([ID])
    expect(file.calls.map((c) => c.request_id)).toEqual([ID])
    expect(JSON.parse(await tab.exportJson()).calls).toHaveLength(2)
  })

  it('rejects a file whose calls are broken or belong to no entry, and writes nothing', async () => {
    const tab = await openTab()
    const file = JSON.stringify({
      entries: [entry(7)],
      calls: [{ key: 'x', request_id: requestId(8), kind: 'read', call: {} }, 'nonsense'],
    })
    await expect(tab.importJson(file)).rejects.toMatchObject({
      problems: [
        expect.stringMatching(/^call 1: call\.id must be a number, call\.key must be a string, /),
        'call 2: is not an object',
      ],
    })
    const orphan = JSON.stringify({
      entries: [entry(7)],
      calls: [
        {
          key: 'k|8',
          request_id: requestId(8),
          kind: 'read',
          call: {
            id: 1,
            key: 'k',
            method: 'GET',
            path: 'sandbox/verify/search/json',
            startedAt: 1_700_000_000_000,
            durationMs: 12,
            query: {},
            body: null,
            httpStatus: 200,
            response: { request_id: requestId(8), status: '0' },
            error: null,
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

describe('a check with no answer yet: from another tab, or this one', () => {
  const WRONG = { request_id: ID, status: '16', error_text: 'The code provided does not match' }

  it("never names this tab's own check on its way as sent elsewhere; after a reload it is", async () => {
    const hold = serveHolding('check/json', () => WRONG)
    holds.push(hold)
    const { calls: here, tab } = await openPage()
    await tab.upsert(entry(7))
    const check = checkCode('sandbox', ID, '1234')
    await tab.flushCalls()
    expect(here.forRequest(ID)[0]).toMatchObject({
      path: 'sandbox/verify/check/json',
      pending: true,
    })
    // This tab is waiting for the answer itself: no "sent from another tab" note.
    expect(here.unansweredCheck(ID)).toBeNull()

    // A page loaded meanwhile (a reload, another tab) is not waiting for it: it is unanswered there.
    const { calls: elsewhere } = await reloadedCalls(ID)
    elsewhere.stop()
    expect(elsewhere.unansweredCheck(ID)).toMatchObject({
      path: 'sandbox/verify/check/json',
      pending: true,
    })

    await eventually(() => expect(hold.sent()).toBe(1))
    hold.release()
    await check
    expect(here.unansweredCheck(ID)).toBeNull()
  })

  it('a search sent once the unanswered check cannot be on its way ends the warning and the range', async () => {
    let searchFails = false
    const hold = serveHolding('check/json', (path) =>
      !path.endsWith('search/json')
        ? WRONG
        : searchFails
          ? { status: '5', error_text: 'Internal Error' }
          : { request_id: ID, status: 'IN PROGRESS', checks: [] },
    )
    holds.push(hold)
    const { tab } = await openPage()
    await tab.upsert(entry(7))
    void checkCode('sandbox', ID, '1234').catch(() => undefined)
    await tab.flushCalls()
    await eventually(() => expect(hold.sent()).toBe(1))

    // After a reload the check has no answer: a warning, and the attempts left are a range.
    const { calls: reloaded } = await reloadedCalls(ID)
    const check = reloaded.unansweredCheck(ID)
    expect(check).toMatchObject({ path: 'sandbox/verify/check/json', pending: true })
    expect(reloaded.uncertainChecks(ID)).toBe(1)

    // A search sent too soon (the check may still be on its way) settles nothing.
    await searchRequests('sandbox', [ID])
    expect(reloaded.unansweredCheck(ID)).toMatchObject({ key: check?.key })
    expect(reloaded.uncertainChecks(ID)).toBe(1)

    // One sent once the check cannot be on its way any more settles it: neither remains.
    vi.useFakeTimers({ toFake: ['Date'], now: check!.startedAt + UNANSWERED_CALL_LIMIT_MS })
    try {
      await searchRequests('sandbox', [ID])
    } finally {
      vi.useRealTimers()
    }
    expect(reloaded.uncertainChecks(ID)).toBe(0)
    expect(reloaded.unansweredCheck(ID)).toBeNull()

    // Later failed searches push the one that settled it out of the log: it stays settled.
    searchFails = true
    vi.useFakeTimers({ toFake: ['Date'], now: check!.startedAt + UNANSWERED_CALL_LIMIT_MS + 1_000 })
    try {
      for (let i = 0; i < MAX_READS_PER_REQUEST + 2; i++) {
        await searchRequests('sandbox', [ID]).catch(() => undefined)
      }
    } finally {
      vi.useRealTimers()
    }
    const reads = reloaded.forRequest(ID).filter((c) => c.method === 'GET')
    expect(reads).toHaveLength(MAX_READS_PER_REQUEST)
    expect(reads.every((c) => (c.response as { status?: string }).status === '5')).toBe(true)
    expect(reloaded.uncertainChecks(ID)).toBe(0)
    expect(reloaded.unansweredCheck(ID)).toBeNull()
  })
})
