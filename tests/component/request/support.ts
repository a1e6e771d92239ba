/**
 * What the request page's component tests share: the API seams they mock, the answers they start
 * from, and how they open the page.
 *
 * Nothing of the app is imported at the top of this file, only types: the test files' `vi.mock`
 * factories load it, and an app module imported from here then would get the real API, not the
 * mock. The page is imported when a helper opens it, once the mocks are in place.
 */
import { vi } from 'vitest'
import { h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import type { Pinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { VerificationRequest } from '@contract/types'
import type { ApiCall } from '@/api/client'
import type { RequestModel } from '@/utils/request-model'
import type { HistoryPatch } from '@/stores/requests'
import type { getClock } from '@/api/sandbox'
import type { searchRequests } from '@/api/verify'

/** A mocked API function that fails until a test says what it answers. */
function unexpected(name: string) {
  return vi.fn(() => Promise.reject(new Error(`unexpected ${name} call`)))
}

/** For `vi.mock('@/api/verify', …)`: every call fails until a test says what it answers. */
export function verifyApiMock() {
  return {
    getEnvironments: unexpected('getEnvironments'),
    startVerification: unexpected('startVerification'),
    checkCode: unexpected('checkCode'),
    cancelRequest: unexpected('cancelRequest'),
    triggerNextEvent: unexpected('triggerNextEvent'),
    searchRequests: unexpected('searchRequests'),
  }
}

/** For `vi.mock('@/api/sandbox', …)`: reads fail until a test says; the event stream is silent. */
export function sandboxApiMock() {
  return {
    getAdminRequest: unexpected('getAdminRequest'),
    getClock: unexpected('getClock'),
    openSandboxEvents: vi.fn(() => ({ close() {} })),
  }
}

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

/**
 * Makes the mocked reads answer as of `nowMs`: the sandbox clock there, unmoved, and a search that
 * finds request `id` in progress (`searchAnswer(id)`). `reads` are the calling test file's mocks.
 */
export function answerReads(
  reads: { getClock: typeof getClock; searchRequests: typeof searchRequests },
  id: string,
  nowMs: number,
): void {
  vi.mocked(reads.getClock).mockResolvedValue(clockAt(nowMs))
  vi.mocked(reads.searchRequests).mockResolvedValue({
    kind: 'found',
    requests: [searchAnswer(id)],
    missing: [],
  })
}

/** A finished (verified) sandbox request's model as the summary shows it; `patch` changes it. */
export function summaryModel(patch: Partial<RequestModel> = {}): RequestModel {
  return {
    requestId: 'abcdef0123456789abcdef0123456789',
    environment: 'sandbox',
    kind: 'request',
    status: 'SUCCESS',
    number: '447700900123',
    brand: 'Acme',
    payee: '',
    amount: '',
    submittedAt: Date.UTC(2026, 10, 26, 9, 0, 0),
    finalizedAt: null,
    events: [],
    checks: [],
    nextEventAt: null,
    expiresAt: null,
    pinExpiresAt: null,
    eventsLeft: null,
    attemptsLeft: null,
    codeLength: null,
    workflowId: 1,
    price: '',
    currency: 'EUR',
    estimatedPrice: '',
    source: 'sandbox',
    estimated: false,
    paramsAssumed: false,
    ...patch,
  }
}

/** The request page, imported once the mocks are in place (see above). */
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
