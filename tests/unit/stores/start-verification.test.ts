import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { configureClient } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
import { historyPatchFromStart, useStartVerification } from '@/composables/useStartVerification'
import { NO_ANSWER_CODE, useUnansweredStartsStore } from '@/stores/unanswered-starts'
import { entry, freshHistoryEnvironment, requestId } from './history-support'
import { eventually } from '../../support/eventually'
import { scannableStorage } from './unanswered-support'

const NUMBER = '447700900123'
const ID = requestId(42)
const storage = new Map<string, string>()
vi.stubGlobal('localStorage', {
  getItem: (key: string) => storage.get(key) ?? null,
  setItem: (key: string, value: string) => void storage.set(key, value),
  removeItem: (key: string) => void storage.delete(key),
})

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** How many starts the latest `serve` has seen. */
let sentToLatest = () => 0

/** Answers every start with `answer()`; `hold` keeps the answer back until `release`. */
function serve(answer: () => Response, hold = false) {
  const waiting: (() => void)[] = []
  let sent = 0
  sentToLatest = () => sent
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async () => {
      sent++
      if (hold) await new Promise<void>((resolve) => waiting.push(resolve))
      return answer()
    }) as typeof fetch,
  })
  return {
    sent: () => sent,
    release: () => waiting.splice(0).forEach((resolve) => resolve()),
  }
}

const pages: ReturnType<typeof useRequestsStore>[] = []
/** A fresh page load on the same browser storage. */
function openPage() {
  const pinia = createPinia()
  setActivePinia(pinia)
  pages.push(useRequestsStore(pinia))
  return { unanswered: useUnansweredStartsStore(pinia), starter: useStartVerification() }
}

const params = { number: NUMBER, brand: 'Acme', pin_code: '9876', workflow_id: '1' }
/** Once the start is on its way (it goes once its copy is on disk), and what follows at once. */
async function flush(): Promise<void> {
  await eventually(() => expect(sentToLatest()).toBeGreaterThan(0))
  await new Promise((resolve) => setTimeout(resolve, 0))
}

beforeEach(() => {
  storage.clear()
  freshHistoryEnvironment()
})
afterEach(async () => {
  for (const page of pages.splice(0)) await page.dispose()
})

describe('a start whose page closes before its answer', () => {
  it('is listed as may have gone out on the next page load, without the chosen PIN', async () => {
    const server = serve(() => json({ request_id: ID, status: '0' }), true)
    const first = openPage()
    void first.starter.start('live', 'request', params)
    await flush()
    expect(server.sent()).toBe(1)
    // While this tab waits, it does not list the start as without an answer.
    expect(first.unanswered.sorted).toEqual([])
    // The tab is closed: the answer never reaches it. The next page load:
    const next = openPage()
    expect(next.unanswered.sorted).toHaveLength(1)
    expect(next.unanswered.sorted[0]).toMatchObject({
      number: NUMBER,
      brand: 'Acme',
      delivery: 'maybe',
      code: NO_ANSWER_CODE,
    })
    expect(scannableStorage(storage.values())).not.toContain('9876')
    server.release()
  })

  it('is the request a later status 10 names: History gets what was entered, the list lets it go', async () => {
    serve(() => json({ request_id: ID, status: '0' }), true)
    void openPage().starter.start('live', 'request', params)
    await flush()
    const sentAt = openPage().unanswered.sorted[0]!.at
    serve(() =>
      json({
        request_id: ID,
        status: '10',
        error_text: 'Concurrent verifications to the same number are not allowed',
      }),
    )
    const next = openPage()
    const outcome = await next.starter.start('live', 'request', params)
    expect(outcome?.type).toBe('rejected')
    expect(outcome?.type === 'rejected' && outcome.earlierUncertain?.number).toBe(NUMBER)
    expect(outcome?.type === 'rejected' && outcome.earlierInHistory).toBe(true)
    // Resolved: no longer a start without an answer (in this tab, nor on the next page load).
    expect(next.unanswered.sorted).toEqual([])
    expect(openPage().unanswered.sorted).toEqual([])
    await pages.at(-1)!.ready
    expect(pages.at(-1)!.byId(ID)).toMatchObject({
      environment: 'live',
      kind: 'request',
      number: NUMBER,
      brand: 'Acme',
      params: { number: NUMBER, brand: 'Acme', workflow_id: '1' },
      status: 'IN PROGRESS',
      createdAt: sentAt,
      source: 'started',
    })
    // The chosen PIN was never kept, so History does not get it either.
    expect(pages.at(-1)!.byId(ID)!.params).not.toHaveProperty('pin_code')

    // Sent again in this tab: the same request named again is still that start, not a stranger's.
    const again = await next.starter.start('live', 'request', params)
    expect(again?.type === 'rejected' && again.earlierUncertain?.brand).toBe('Acme')
  })

  it('fills in only what History does not know from a search: the search answers stay', async () => {
    const psd2 = { number: NUMBER, payee: 'Live Shop Ltd', amount: '12.50', workflow_id: '6' }
    serve(() => json({ request_id: ID, status: '0' }), true)
    void openPage().starter.start('sandbox', 'psd2', { ...psd2, brand: 'Live Shop' })
    await flush()
    const next = openPage()
    const history = pages.at(-1)!
    await history.ready
    // The request page opened it by id first: search answered its number, status and events.
    const searched = {
      events: [{ type: 'sms' as const, id: 'e1' }],
      checks: [],
      price: '0.10',
      currency: 'EUR',
      estimatedPrice: '0.10',
      accountId: 'abc',
      senderId: 'VERIFY',
      dateSubmitted: '2026-11-26 10:00:00',
      dateFinalized: '',
      firstEventDate: '2026-11-26 10:00:00',
      lastEventDate: '2026-11-26 10:00:00',
      fetchedAt: 1,
    }
    await history.upsert({
      request_id: ID,
      environment: 'sandbox',
      number: '447700900999',
      status: 'IN PROGRESS',
      createdAt: 1_764_151_200_000,
      lastSearch: searched,
      source: 'looked-up',
    })
    serve(() => json({ request_id: ID, status: '10', error_text: 'Concurrent verifications' }))
    await next.starter.start('sandbox', 'psd2', psd2)
    expect(history.byId(ID)).toMatchObject({
      // Not known from the API: filled in.
      kind: 'psd2',
      brand: 'Live Shop',
      payee: 'Live Shop Ltd',
      amount: '12.50',
      params: { ...psd2, brand: 'Live Shop' },
      source: 'started',
      // What search answered: untouched.
      number: '447700900999',
      status: 'IN PROGRESS',
      createdAt: 1_764_151_200_000,
      lastSearch: searched,
    })
    expect(next.unanswered.sorted).toEqual([])
  })

  it('is gone once the answer arrives in the tab that sent it', async () => {
    const server = serve(() => json({ request_id: ID, status: '0' }), true)
    const page = openPage()
    const outcome = page.starter.start('sandbox', 'request', params)
    await flush()
    server.release()
    expect(await outcome).toEqual({ type: 'started', requestId: ID })
    expect(page.unanswered.sorted).toEqual([])
    expect(openPage().unanswered.sorted).toEqual([])
  })

  it('is gone after a clear refusal, and kept with the failure after no answer', async () => {
    serve(() => json({ status: '3', error_text: 'Invalid value for param: number' }))
    const page = openPage()
    expect((await page.starter.start('sandbox', 'request', params))?.type).toBe('rejected')
    expect(openPage().unanswered.sorted).toEqual([])
    serve(() =>
      json({ error: { code: 'upstream_timeout', message: 'Vonage did not answer.' } }, 504),
    )
    const again = openPage()
    expect((await again.starter.start('sandbox', 'request', params))?.type).toBe('failed')
    expect(openPage().unanswered.sorted.map((e) => [e.code, e.delivery])).toEqual([
      ['upstream_timeout', 'maybe'],
    ])
  })

  it('is kept, marked not sent, when the server held it back (busy or stopping)', async () => {
    for (const code of ['queue_full', 'server_closing']) {
      // A browser of its own each time: local storage and IndexedDB both empty.
      storage.clear()
      freshHistoryEnvironment()
      serve(() => json({ error: { code, delivery: 'not_sent', message: 'Not sent: busy.' } }, 503))
      const page = openPage()
      expect((await page.starter.start('sandbox', 'request', params))?.type).toBe('failed')
      const listed = openPage().unanswered.sorted
      expect(
        listed.map((e) => [e.number, e.code, e.delivery]),
        code,
      ).toEqual([[NUMBER, code, 'not_sent']])
    }
  })
})

describe('a start answered "status": 0 as a number', () => {
  it('is started: written into history, and no longer without an answer', async () => {
    serve(() => json({ request_id: ID, status: 0 }))
    const page = openPage()
    const outcome = await page.starter.start('live', 'request', params)
    expect(outcome).toEqual({ type: 'started', requestId: ID })
    expect(page.starter.started.value).toBe(true)
    expect(page.unanswered.sorted).toEqual([])
    const history = pages.at(-1)!
    await history.ready
    expect(history.byId(ID)).toMatchObject({
      request_id: ID,
      number: NUMBER,
      status: 'IN PROGRESS',
    })
  })

  it('a PSD2 start too', async () => {
    serve(() => json({ request_id: ID, status: 0 }))
    const page = openPage()
    const outcome = await page.starter.start('live', 'psd2', {
      number: NUMBER,
      payee: 'Shop',
      amount: '10.00',
    })
    expect(outcome).toEqual({ type: 'started', requestId: ID })
    expect(pages.at(-1)!.byId(ID)).toMatchObject({ kind: 'psd2', payee: 'Shop' })
  })
})

describe('a start answered without a status', () => {
  it.each([[{}], [{ error: 'gateway' }]])(
    'answered %j: failed, and kept as may have gone out',
    async (body) => {
      serve(() => json(body))
      const page = openPage()
      const outcome = await page.starter.start('live', 'request', params)
      expect(outcome?.type).toBe('failed')
      expect(page.starter.started.value).toBe(false)
      expect(openPage().unanswered.sorted.map((e) => [e.code, e.delivery, e.number])).toEqual([
        ['unusable_answer', 'maybe', NUMBER],
      ])
    },
  )

  it('a PSD2 start too', async () => {
    serve(() => json({}))
    const outcome = await openPage().starter.start('live', 'psd2', { number: NUMBER, payee: 'P' })
    expect(outcome?.type).toBe('failed')
    expect(openPage().unanswered.sorted.map((e) => [e.kind, e.delivery])).toEqual([
      ['psd2', 'maybe'],
    ])
  })
})

describe('a start accepted with a request_id that is not one', () => {
  it('is failed, kept as may have gone out with the id given, and not put into history', async () => {
    serve(() => json({ request_id: 'REQ-123', status: '0' }))
    const page = openPage()
    const outcome = await page.starter.start('live', 'request', params)
    expect(outcome?.type).toBe('failed')
    expect(page.starter.started.value).toBe(false)
    const [kept] = openPage().unanswered.sorted
    expect(kept).toMatchObject({ code: 'unusable_answer', delivery: 'maybe', number: NUMBER })
    expect(kept?.message).toContain('"REQ-123"')
    const history = pages[0]!
    await history.ready
    expect(history.entries).toHaveLength(0)
  })
})

describe('historyPatchFromStart', () => {
  it('never overwrites what History already knows of the request (brand, kind, params)', () => {
    const stored = entry(42, {
      kind: 'psd2',
      brand: 'Known Brand',
      params: { brand: 'Known Brand', workflow_id: '2' },
    })
    const start = {
      id: 'x',
      at: 5,
      environment: 'sandbox' as const,
      kind: 'request' as const,
      number: NUMBER,
      brand: 'Typed Brand',
      params: { number: NUMBER, brand: 'Typed Brand', workflow_id: '1', lg: 'en-gb' },
      code: 'upstream_timeout',
      httpStatus: 504,
      message: '',
      delivery: 'maybe' as const,
    }
    const patch = historyPatchFromStart(stored, start, stored.request_id)
    expect(patch).not.toHaveProperty('kind')
    expect(patch).not.toHaveProperty('brand')
    expect(patch).not.toHaveProperty('number')
    expect(patch).not.toHaveProperty('status')
    // The parameters History holds are one start's, whole: never mixed with this one's.
    expect(patch).not.toHaveProperty('params')
  })

  it('gives an entry known only by its id the kind and parameters as sent', () => {
    const stored = entry(43, { params: {} })
    const start = {
      id: 'y',
      at: 5,
      environment: 'sandbox' as const,
      kind: 'psd2' as const,
      number: NUMBER,
      brand: '',
      params: { number: NUMBER, payee: 'Shop', amount: '9.99' },
      code: 'upstream_timeout',
      httpStatus: 504,
      message: '',
      delivery: 'maybe' as const,
    }
    const patch = historyPatchFromStart(stored, start, stored.request_id)
    expect(patch.kind).toBe('psd2')
    expect(patch.params).toEqual({ number: NUMBER, payee: 'Shop', amount: '9.99' })
  })
})
