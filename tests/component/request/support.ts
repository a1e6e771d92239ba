/**
 * What the request page's component tests share: the answers they start from, the stub upstream
 * under the real API layer, and how they open, refresh and check a code on the page.
 *
 * The page and the history store are imported when a helper uses them, not at the top of this
 * file: the test files of other pages that take plain values from here (`clockAt`, `searchAnswer`)
 * do not load the request page.
 */
import { afterEach, beforeEach, expect } from 'vitest'
import { h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { disposePinia, getActivePinia, setActivePinia, type Pinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { VerificationRequest } from '@contract/types'
import type { AdminClock, AdminRequest } from '@contract/admin'
import type { ApiCall } from '@/api/client'
import type { RequestModel } from '@/utils/request-model'
import type { HistoryPatch } from '@/stores/requests'
import { requestModel } from '../../unit/composables/support'
import { json, type DeskCall, type DeskServer } from '../support/desk-server'
import { eventually } from '../support/eventually'

/**
 * The sandbox's accounts as its admin API lists them (`GET sandbox/__admin/accounts`) with no
 * configuration: the dashboard acts as the default one, `sandbox`, whose requests `adminRequest`
 * makes.
 */
export const SANDBOX_ACCOUNTS = {
  accounts: [
    {
      api_key: 'sandbox',
      account_id: 'sandbox',
      pin_code_allowed: false,
      throttle_per_second: 30,
      search_per_second: null,
      is_default: true,
    },
    {
      api_key: 'sandbox-pin',
      account_id: 'sandboxpin',
      pin_code_allowed: true,
      throttle_per_second: 30,
      search_per_second: null,
      is_default: false,
    },
  ],
}

/** `value` euros as the browser formats money: its currency style, 2 to 8 decimals. */
export const euros = (value: number) =>
  new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: 'EUR',
    minimumFractionDigits: 2,
    maximumFractionDigits: 8,
  }).format(value)

/** The sandbox clock's answer at `nowMs`, not moved (offset 0). */
export function clockAt(nowMs: number) {
  return { now: '', now_ms: nowMs, offset_ms: 0, next_due_at: null }
}

/** A search answer for request `id` in progress, with nothing sent yet; `patch` changes it. */
export function searchAnswer(
  id: string,
  patch: Partial<VerificationRequest> = {},
): VerificationRequest {
  return {
    request_id: id,
    account_id: 'sandbox',
    number: '447700900123',
    sender_id: 'verify',
    date_submitted: '',
    date_finalized: '',
    checks: [],
    first_event_date: '',
    last_event_date: '',
    price: '0',
    currency: 'EUR',
    status: 'IN PROGRESS',
    estimated_price_messages_sent: '',
    events: [],
    ...patch,
  }
}

/**
 * The history entry of sandbox request `id` started here at `createdAt`, in progress; `patch`
 * changes it (e.g. `{ environment: 'live' }`).
 */
export function startedEntry(
  id: string,
  createdAt: number,
  patch: Partial<HistoryPatch> = {},
): HistoryPatch {
  return {
    request_id: id,
    environment: 'sandbox',
    number: '447700900123',
    status: 'IN PROGRESS',
    createdAt,
    source: 'started',
    ...patch,
  }
}

/**
 * The history entry of live request `id` started here from the form at `createdAt` (its number and
 * brand Acme in its parameters), in progress; `patch` changes it (its `environment`, its `number`,
 * which its parameters then hold too).
 */
export function formStartedEntry(
  id: string,
  createdAt: number,
  patch: Partial<HistoryPatch> = {},
): HistoryPatch {
  const number = patch.number ?? '447700900123'
  return startedEntry(id, createdAt, {
    environment: 'live',
    kind: 'request',
    brand: 'Acme',
    params: { number, brand: 'Acme' },
    ...patch,
  })
}

/** What the sandbox's admin API answers to a look-up of request `id` when it holds `held`. */
export function adminLookup(call: DeskCall, held: AdminRequest | null): Response {
  const requests = held && held.request_id === call.query.request_id ? [held] : []
  return json({ requests, total: requests.length })
}

/** What a stub desk server holds of one request, as a test changes it (see `serveRequest`). */
export interface ServedRequest {
  /** What the sandbox's admin API holds of the request (null: nothing). */
  admin: AdminRequest | null
  /** The sandbox clock's answer. */
  clock: AdminClock
}

/**
 * Has `server` answer the page's reads of request `id` as of `nowMs`: the sandbox's admin API
 * looks it up in what `served.admin` holds (at first nothing), its clock answers `served.clock`
 * (there, unmoved), its accounts are the sandbox's own (`SANDBOX_ACCOUNTS`), and search finds the
 * request in progress (`searchAnswer(id)`). A test changes what `served` holds, or answers a route
 * otherwise with `server.on`.
 */
export function serveRequest(server: DeskServer, id: string, nowMs: number): ServedRequest {
  const served: ServedRequest = { admin: null, clock: clockAt(nowMs) }
  server.on('GET', 'sandbox/__admin/requests', (call) => adminLookup(call, served.admin))
  server.on('GET', 'sandbox/__admin/clock', () => json(served.clock))
  server.on('GET', 'sandbox/__admin/accounts', json(SANDBOX_ACCOUNTS))
  server.on('GET', 'sandbox/verify/search/json', json(searchAnswer(id)))
  server.on('GET', 'live/verify/search/json', json(searchAnswer(id)))
  return served
}

/** What Verify's search answers for request ids it does not know: status 101. */
export const NOT_FOUND = { status: '101', error_text: 'No response found' }

/**
 * A finished (verified) sandbox request's model as the summary shows it: the composables' request
 * (`requestModel`) once verified, with no message sent and nothing left to count; `patch` changes
 * it.
 */
export function summaryModel(patch: Partial<RequestModel> = {}): RequestModel {
  return requestModel({
    status: 'SUCCESS',
    events: [],
    nextEventAt: null,
    expiresAt: null,
    pinExpiresAt: null,
    eventsLeft: null,
    attemptsLeft: null,
    codeLength: null,
    ...patch,
  })
}

/** The request page tests begun so far in this file (see `eachTestInNewTab`). */
let testsBegun = 0

/**
 * Each test of the calling file starts as a new tab of a browser of its own: empty session storage
 * (nothing an earlier test's page kept for a reload of its tab, such as a check or a control not
 * stored yet or a typed PIN, is taken in), empty local storage (no settings, chosen environment or
 * unanswered start an earlier test's page kept), and a history of its own: its database, its tab
 * channel and its session key (the store keys what a reload takes back by the database's name). A
 * page's store may still write to its history once its test is over; that never reaches a later
 * test. Once the test is over (after the file's own `afterEach`), its active Pinia is disposed: the
 * stores it started (history, the call log, live status) record, poll and store nothing more, and
 * no later test finds it active. Other Pinias a test opened (more tabs) are left to it.
 *
 * Call it at the top of a test file, before the file's own `beforeEach` and `afterEach`, so that it
 * runs first and last: a test that wants something in local storage puts it there in its own
 * `beforeEach` or body.
 */
export function eachTestInNewTab(): void {
  beforeEach(async () => {
    sessionStorage.clear()
    localStorage.clear()
    const { historyStoreOptions } = await import('@/stores/requests')
    const file = (expect.getState().testPath ?? 'request')
      .replace(/^.*[\\/]/, '')
      .replace(/\.test\.ts$/, '')
    testsBegun++
    historyStoreOptions.name = `verify-desk-${file}-${testsBegun}`
    historyStoreOptions.channel = `verify-desk-history-${file}-${testsBegun}`
  })
  afterEach(() => {
    const pinia = getActivePinia()
    if (!pinia) return
    disposePinia(pinia)
    setActivePinia(undefined)
  })
}

/** The request page, imported when a helper opens it (see above). */
async function requestView() {
  return (await import('@/views/RequestView.vue')).default
}

/** A router with the request page and the pages its links lead to (History, New verification). */
export async function requestRouter() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/requests/:id', component: await requestView(), props: true },
      { path: '/history', component: { render: () => h('p', 'history') } },
      { path: '/', component: { render: () => h('p', 'new verification') } },
    ],
  })
}

/**
 * Opens the request page of `id` with `pinia` at `/requests/<id>` and lets its first reads answer.
 * One pinia is one tab: opening the page again with it is a page re-created in the same tab.
 */
export async function mountRequestPage(pinia: Pinia, id: string): Promise<VueWrapper> {
  const router = await requestRouter()
  await router.push(`/requests/${id}`)
  const wrapper = mount(await requestView(), {
    props: { id },
    global: { plugins: [pinia, router] },
  })
  await flushPromises()
  return wrapper
}

/**
 * Mounts the request page of `id` with `pinia`, on a router where every path shows it; its first
 * reads are left on their way (the caller flushes them).
 */
export async function mountOnAnyPath(pinia: Pinia, id: string): Promise<VueWrapper> {
  const RequestView = await requestView()
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:p(.*)*', component: RequestView }],
  })
  return mount(RequestView, { props: { id }, global: { plugins: [pinia, router] } })
}

/**
 * Opens the request page of the history entry `entry` in the tab `pinia` (the entry stored first,
 * as a request started here is) and waits until its first reads are back.
 */
export async function openEntryPage(pinia: Pinia, entry: HistoryPatch): Promise<VueWrapper> {
  setActivePinia(pinia)
  const { useRequestsStore } = await import('@/stores/requests')
  await useRequestsStore().upsert(entry)
  const wrapper = await mountOnAnyPath(pinia, entry.request_id)
  await settlePage(wrapper)
  return wrapper
}

/**
 * Waits until the page's reads are back (no spinner in its toolbar) and what they started, with
 * the shared limit for a page that hangs: on a busy machine the reads take seconds.
 */
export async function settlePage(wrapper: VueWrapper): Promise<void> {
  await eventually(() => expect(wrapper.find('.toolbar .spinner').exists()).toBe(false))
  await flushPromises()
}

/** Presses the page's Refresh and waits until its reads are back. */
export async function refreshPage(wrapper: VueWrapper): Promise<void> {
  await wrapper
    .findAll('.toolbar button')
    .find((b) => b.text() === 'Refresh')!
    .trigger('click')
  await settlePage(wrapper)
}

/**
 * Enters `code`, presses Check code and waits until its answer is shown and the page settled, with
 * the same limit as `settlePage`: on a busy machine the answer takes seconds.
 */
export async function checkCode(wrapper: VueWrapper, code: string): Promise<void> {
  await wrapper.get('#pin-code').setValue(code)
  await wrapper.get('form.pin-entry').trigger('submit')
  await eventually(() => expect(wrapper.find('[data-test="action-outcome"]').exists()).toBe(true))
  await settlePage(wrapper)
}

/** A date as the Verify API writes it: `2026-11-26 09:00:00` (UTC). */
export const apiDate = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)

/** What the stub upstream answers to a call: [HTTP status, JSON body]. */
export type UpstreamAnswer = [number, unknown]

/** A search (or any call) Vonage did not answer in time: the proxy's 504. */
export const SEARCH_FAILS: UpstreamAnswer = [
  504,
  { error: { code: 'upstream_timeout', message: 'Vonage did not answer within 15 s.' } },
]

/** What the proxy says of a check whose connection was reset before Vonage answered. */
export const CHECK_LOST_TEXT =
  'Vonage dropped the connection before answering (ECONNRESET). The check may still have been processed (using up one of the attempts, or verifying the request): look the request up before entering the code again.'

/** A check whose answer was lost: the connection was reset before Vonage answered. */
export const CHECK_LOST: UpstreamAnswer = [
  502,
  { error: { code: 'upstream_reset', message: CHECK_LOST_TEXT, delivery: 'maybe' } },
]

/**
 * A search's answer for request `id` in progress, started at `t0` with one SMS sent then;
 * `patch` changes it.
 */
export function inProgressAnswer(
  id: string,
  t0: number,
  patch: Partial<VerificationRequest> = {},
): [number, VerificationRequest] {
  return [
    200,
    searchAnswer(id, {
      date_submitted: apiDate(t0),
      first_event_date: apiDate(t0),
      last_event_date: apiDate(t0),
      events: [{ type: 'sms', id: 'e1' }],
      ...patch,
    }),
  ]
}

/** The stub upstream's answers, which a test changes as it goes, and what it received. */
export interface StubUpstream {
  /** What a search answers now. */
  search: () => UpstreamAnswer
  /** What a check answers now (or once the promise settles): at first a 500, none is expected. */
  check: () => UpstreamAnswer | Promise<UpstreamAnswer>
  /** How many checks it received. */
  checksSent: number
  /** The form of each check it received (`request_id`, `code`), in order. */
  checkForms: Record<string, string>[]
  /**
   * What the sandbox's admin API holds of the request (`GET sandbox/__admin/requests`): at first
   * nothing. The sandbox clock answers the time now, unmoved, and the event stream stays
   * connecting (silent) until a test opens it (`events`).
   */
  admin: () => AdminRequest | null
  /** The sandbox's event stream (`GET sandbox/__admin/events`), as the test drives it. */
  events: StubEvents
}

/** The sandbox's event stream of a stub upstream: connecting until a test says otherwise. */
export interface StubEvents {
  /** How many times the page tried to open it. */
  readonly tries: number
  /**
   * Answers the try on its way, and every later one, with an open (silent) stream, and waits until
   * the page holds it open.
   */
  open(): Promise<void>
  /** The open stream drops (the server went away); later tries stay connecting. */
  drop(): Promise<void>
  /** Later tries get no answer at once (the connection fails): each is a loss. */
  fail(): Promise<void>
  /** The try on its way, and every later one, is refused for want of the access token (401). */
  refuse(): Promise<void>
}

/** The proxy's refusal of a call without the access token it wants. */
const TOKEN_REFUSAL = {
  error: { code: 'unauthorized', message: 'This Verify Desk server needs its access token.' },
}

function stubEvents(): { events: StubEvents; answer: (signal: AbortSignal) => Promise<Response> } {
  let mode: 'hold' | 'open' | 'fail' | 'refuse' = 'hold'
  let tries = 0
  /** Tries on their way, each with its signal, waiting for an answer. */
  const held = new Set<{ signal: AbortSignal; resolve: (response: Response) => void }>()
  const bodies = new Set<ReadableStreamDefaultController<Uint8Array>>()
  const opened = (signal: AbortSignal): Response => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        bodies.add(controller)
        signal.addEventListener('abort', () => bodies.delete(controller))
      },
      cancel() {
        bodies.clear()
      },
    })
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  }
  const refused = () =>
    new Response(JSON.stringify(TOKEN_REFUSAL), {
      status: 401,
      headers: { 'content-type': 'application/json' },
    })
  const release = (answer: (signal: AbortSignal) => Response) => {
    for (const { signal, resolve } of [...held]) resolve(answer(signal))
    held.clear()
  }
  function answer(signal: AbortSignal): Promise<Response> {
    tries++
    if (mode === 'open') return Promise.resolve(opened(signal))
    if (mode === 'refuse') return Promise.resolve(refused())
    if (mode === 'fail') return Promise.reject(new TypeError('Failed to fetch'))
    return new Promise<Response>((resolve, reject) => {
      const entry = { signal, resolve }
      held.add(entry)
      signal.addEventListener('abort', () => {
        held.delete(entry)
        reject(new DOMException('The operation was aborted.', 'AbortError'))
      })
    })
  }
  const events: StubEvents = {
    get tries() {
      return tries
    },
    async open() {
      mode = 'open'
      release(opened)
      // The page's try may come later: the tabs of a browser first agree which one connects.
      await eventually(() => expect(bodies.size, 'the page opens the stream').toBeGreaterThan(0))
      await flushPromises()
    },
    async drop() {
      mode = 'hold'
      for (const body of [...bodies]) body.error(new TypeError('network error'))
      bodies.clear()
      await flushPromises()
    },
    async fail() {
      mode = 'fail'
      await flushPromises()
    },
    async refuse() {
      mode = 'refuse'
      release(refused)
      await flushPromises()
    },
  }
  return { events, answer }
}

/**
 * Puts a stub upstream under the real API layer (only `fetch` is replaced): the searches and
 * checks of `environment` get what `upstream.search` and `upstream.check` say, in the sandbox its
 * admin reads what `upstream.admin` says and its event stream what `upstream.events` says (see
 * `StubUpstream`), anything else a 404. The page learns of the calls from the call log, as in the
 * browser.
 */
export async function stubUpstream(
  environment: 'live' | 'sandbox',
  search: () => UpstreamAnswer,
): Promise<StubUpstream> {
  const { configureClient } = await import('@/api/client')
  const stream = stubEvents()
  const upstream: StubUpstream = {
    search,
    check: () => [500, { error: 'unexpected check' }],
    checksSent: 0,
    checkForms: [],
    admin: () => null,
    events: stream.events,
  }
  const json = ([status, body]: UpstreamAnswer) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const call = input instanceof Request ? input : new Request(input, init)
      const path = new URL(call.url).pathname
      if (path.endsWith(`/${environment}/verify/search/json`)) return json(upstream.search())
      if (path.endsWith(`/${environment}/verify/check/json`)) {
        upstream.checksSent++
        upstream.checkForms.push(Object.fromEntries(new URLSearchParams(await call.text())))
        return json(await upstream.check())
      }
      if (environment === 'sandbox' && path.endsWith('/sandbox/__admin/requests')) {
        const held = upstream.admin()
        const requests = held ? [held] : []
        return json([200, { requests, total: requests.length }])
      }
      if (environment === 'sandbox' && path.endsWith('/sandbox/__admin/clock')) {
        return json([200, clockAt(Date.now())])
      }
      if (environment === 'sandbox' && path.endsWith('/sandbox/__admin/events')) {
        return stream.answer(call.signal)
      }
      return json([404, { error: { code: 'not_found', message: `no ${path} here` } }])
    }) as typeof fetch,
  })
  return upstream
}

/** One answered sandbox search about a request, as the call log lists it; `patch` changes it. */
export function apiCall(patch: Partial<ApiCall> = {}): ApiCall {
  return {
    id: 1,
    key: 'k1',
    method: 'GET',
    path: 'sandbox/verify/search/json',
    query: { request_id: 'abcdef0123456789abcdef0123456789' },
    body: null,
    startedAt: Date.UTC(2026, 0, 1, 12),
    durationMs: 12,
    httpStatus: 200,
    response: { status: '0' },
    error: null,
    ...patch,
  }
}
