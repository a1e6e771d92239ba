import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { configureClient, type ApiCall } from '@/api/client'
import { checkCode } from '@/api/verify'
import { createPinia } from 'pinia'
import { useRequestsStore } from '@/stores/requests'
import { entry, freshHistoryEnvironment, requestId } from './history-support'

/** This tab's session storage (kept across its reloads). */
const session = new Map<string, string>()
/** What the page listens to on `window`. */
const pageListeners = new Map<string, (event: unknown) => void>()

const tabs: ReturnType<typeof useRequestsStore>[] = []

/** A load (or reload) of the tab: its history store. */
async function loadTab() {
  const history = useRequestsStore(createPinia())
  tabs.push(history)
  await history.ready
  return history
}

/** The page goes (a reload): its history store stops; its session storage stays. */
async function leave(history: ReturnType<typeof useRequestsStore>) {
  await history.flushCalls()
  await history.dispose()
}

const ID = requestId(5)

/**
 * The API as this test plays it: each call waits until `answer` is called with what it gets (a
 * JSON answer, or an error the fetch fails with). `sent` resolves once a call is out.
 */
function scriptedApi() {
  let answer: (outcome: Response | Error) => void = () => {}
  let sent: () => void = () => {}
  const out = new Promise<void>((resolve) => (sent = resolve))
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (() => {
      sent()
      return new Promise<Response>((resolve, reject) => {
        answer = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome))
      })
    }) as typeof fetch,
  })
  return {
    out,
    answer: (outcome: Response | Error) => answer(outcome),
  }
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
}

/** Whether leaving the page now asks first (what the browser does with `beforeunload`). */
function leavingAsks(): boolean {
  const event = { defaultPrevented: false, returnValue: undefined as unknown }
  Object.assign(event, { preventDefault: () => (event.defaultPrevented = true) })
  pageListeners.get('beforeunload')?.(event)
  return event.defaultPrevented
}

/** The check calls of request 5 as this tab lists and, once its request is in history, stores them. */
async function checksOf(history: ReturnType<typeof useRequestsStore>): Promise<ApiCall[]> {
  return (await history.loadCalls(ID)).filter((c) => c.path.endsWith('verify/check/json'))
}

/** What the check call says of its answer. */
function answerOf(call: ApiCall | undefined) {
  return call && { pending: call.pending, httpStatus: call.httpStatus, error: call.error }
}

beforeEach(() => {
  freshHistoryEnvironment()
  session.clear()
  pageListeners.clear()
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => session.get(key) ?? null,
    setItem: (key: string, value: string) => void session.set(key, value),
    removeItem: (key: string) => void session.delete(key),
  })
  vi.stubGlobal('window', {
    addEventListener: (type: string, listener: (event: unknown) => void) =>
      pageListeners.set(type, listener),
    removeEventListener: (type: string) => pageListeners.delete(type),
  })
})
afterEach(async () => {
  vi.restoreAllMocks()
  for (const tab of tabs.splice(0)) await tab.dispose()
  vi.unstubAllGlobals()
})

describe('a check whose request is not in history yet, and the page is reloaded', () => {
  it('cut off by the reload itself: kept as sent, its answer unknown, and stored with its request', async () => {
    const api = scriptedApi()
    const first = await loadTab()
    const check = checkCode('sandbox', ID, '1234').catch((cause: unknown) => cause)
    await api.out
    expect(leavingAsks()).toBe(true)
    // The browser cuts the call off as the page goes: the page hears of a lost connection first.
    api.answer(new TypeError('Failed to fetch'))
    expect(await check).toMatchObject({ kind: 'network' })
    await leave(first)

    const second = await loadTab()
    // Listed at once, as sent with no answer recorded (never as failed: nothing is known of it).
    const listed = await checksOf(second)
    expect(listed.map((c) => c.body?.code)).toEqual(['1234'])
    expect(answerOf(listed[0])).toEqual({ pending: true, httpStatus: null, error: null })
    expect(leavingAsks()).toBe(true)

    // Its request comes into history: the check is stored with it, still as sent.
    await second.upsert(entry(5))
    await second.flushCalls()
    expect(leavingAsks()).toBe(false)
    await leave(second)
    const third = await loadTab()
    expect((await checksOf(third)).map(answerOf)).toEqual([
      { pending: true, httpStatus: null, error: null },
    ])
  })

  it('answered before the reload: kept with its answer', async () => {
    const api = scriptedApi()
    const first = await loadTab()
    const check = checkCode('sandbox', ID, '1234')
    await api.out
    api.answer(
      json({ request_id: ID, status: '16', error_text: 'The code provided does not match' }),
    )
    await check
    await leave(first)

    const second = await loadTab()
    await second.upsert(entry(5))
    await second.flushCalls()
    const [stored] = await checksOf(second)
    expect(answerOf(stored)).toEqual({ pending: undefined, httpStatus: 200, error: null })
    expect(stored?.response).toMatchObject({ status: '16' })
  })

  it('not sent (the browser was offline): kept as not sent', async () => {
    const api = scriptedApi()
    vi.stubGlobal('navigator', { onLine: false })
    const first = await loadTab()
    const check = checkCode('sandbox', ID, '1234').catch((cause: unknown) => cause)
    await api.out
    api.answer(new TypeError('Failed to fetch'))
    expect(await check).toMatchObject({ kind: 'offline' })
    await leave(first)

    const second = await loadTab()
    const [listed] = await checksOf(second)
    expect(listed?.pending).toBeUndefined()
    expect(listed?.error?.kind).toBe('offline')
  })

  it('still out at the reload, its request never in history: given up after the wait', async () => {
    const api = scriptedApi()
    const first = await loadTab()
    void checkCode('sandbox', ID, '1234').catch(() => undefined)
    await api.out
    await leave(first)

    vi.useFakeTimers({ toFake: ['Date'] })
    const second = await loadTab()
    expect((await checksOf(second)).map(answerOf)).toEqual([
      { pending: true, httpStatus: null, error: null },
    ])
    // A minute later another request comes into history: this one's check waited long enough.
    vi.setSystemTime(Date.now() + 61_000)
    await second.upsert(entry(6))
    await second.flushCalls()
    expect(await checksOf(second)).toEqual([])
    expect(leavingAsks()).toBe(false)
    expect(session.size).toBe(0)
    await leave(second)
    vi.useRealTimers()
    // The call of the first load ends only now, with no page left to hear it.
    api.answer(new TypeError('Failed to fetch'))
  })
})
