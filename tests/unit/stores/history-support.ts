import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { createPinia } from 'pinia'
import { configureClient } from '@/api/client'
import { historyStoreOptions, useRequestsStore } from '@/stores/requests'
import { useStorageProblemsStore } from '@/stores/storage-problems'
import {
  applyPatch,
  patchFromSearch,
  type HistoryEntry,
  type SearchedRequest,
} from '@/utils/history-entry'
import type { StoredCall } from '@/utils/call-log'

let counter = 0

/** A fresh IndexedDB, database name and tab channel for each test. */
export function freshHistoryEnvironment(): void {
  counter++
  globalThis.indexedDB = new IDBFactory()
  historyStoreOptions.name = `verify-desk-test-${counter}`
  historyStoreOptions.channel = `verify-desk-history-test-${counter}`
}

const opened: ReturnType<typeof useRequestsStore>[] = []

/** A history store in its own Pinia, as a freshly loaded tab would have it. */
export async function openTab(): Promise<ReturnType<typeof useRequestsStore>> {
  const store = useRequestsStore(createPinia())
  opened.push(store)
  await store.ready
  return store
}

/** A freshly loaded tab: its history store and its storage problems (the app-wide notice). */
export async function openTabWithProblems() {
  const pinia = createPinia()
  const history = useRequestsStore(pinia)
  opened.push(history)
  await history.ready
  return { history, problems: useStorageProblemsStore(pinia) }
}

/** What the browser throws when storage is full. */
export function quotaError(): DOMException {
  return new DOMException('The quota has been exceeded.', 'QuotaExceededError')
}

/** The API answers every check with a code accepted for request 1. */
export function answerChecks(): void {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async () =>
      new Response(JSON.stringify({ request_id: requestId(1), status: '0', event_id: 'e1' }), {
        headers: { 'content-type': 'application/json' },
      })) as typeof fetch,
  })
}

/** Closes every store opened by `openTab` or `openTabWithProblems` (database connections and channels). */
export async function closeTabs(): Promise<void> {
  await Promise.all(opened.splice(0).map((store) => store.dispose()))
}

export function requestId(n: number): string {
  return n.toString(16).padStart(32, '0')
}

/** The number request `n` was started for. */
const numberOf = (n: number) => `4477009${String(n).padStart(5, '0')}`

export function entry(n: number, patch: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    request_id: requestId(n),
    environment: 'sandbox',
    kind: 'request',
    number: numberOf(n),
    brand: `Brand ${n}`,
    payee: '',
    amount: '',
    params: { brand: `Brand ${n}` },
    status: 'IN PROGRESS',
    createdAt: 1_700_000_000_000 + n * 1000,
    updatedAt: 1_700_000_000_000 + n * 1000,
    lastActivityAt: 1_700_000_000_000 + n * 1000,
    lastSearch: null,
    lastError: null,
    source: 'started',
    schemaVersion: 2,
    ...patch,
  }
}

/**
 * What search answers for a request submitted at `submitted` (as the API writes its times), in
 * progress with nothing sent since; `patch` changes it.
 */
export function searchedRequest(
  submitted: string,
  patch: Partial<SearchedRequest> = {},
): SearchedRequest {
  return {
    request_id: requestId(1),
    account_id: 'abcdef01',
    number: numberOf(1),
    sender_id: 'verify',
    date_submitted: submitted,
    date_finalized: '',
    checks: [],
    first_event_date: submitted,
    last_event_date: submitted,
    price: '0',
    currency: 'EUR',
    status: 'IN PROGRESS',
    estimated_price_messages_sent: '0.03',
    events: [],
    ...patch,
  }
}

/**
 * What search answers for request `n` (as `entry(n)` has it) with `status`, submitted at
 * `submitted`, nothing sent since.
 */
export function searchAnswer(
  n: number,
  status: string,
  submitted = '2026-11-26 08:59:00',
): SearchedRequest {
  return searchedRequest(submitted, { request_id: requestId(n), number: numberOf(n), status })
}

/** Request `n` of the sandbox in history once search answered `status` at `at`. */
export function foundWith(n: number, status: string, at: number): HistoryEntry {
  return applyPatch(entry(n), patchFromSearch('sandbox', searchAnswer(n, status), at), at)
}

/** A recorded search of `id` (the `n`th call), as History stores and exports it. */
export function storedCall(
  id: string,
  n: number,
  { key = `k${n}`, startedAt = 1_700_000_000_000 + n }: { key?: string; startedAt?: number } = {},
): StoredCall {
  return {
    key: `${key}|${id}`,
    request_id: id,
    kind: 'read',
    call: {
      id: n,
      key,
      method: 'GET',
      path: 'sandbox/verify/search/json',
      startedAt,
      durationMs: 12,
      query: { request_id: id },
      body: null,
      httpStatus: 200,
      response: { request_id: id, status: 'IN PROGRESS' },
      error: null,
    },
  } as StoredCall
}

/**
 * `value` (or the JSON text `value`) as text to scan for a secret or another request's data: all
 * of it but what chance fills with digits, where a short digit string (a PIN such as '9876', a
 * code '2222') turns up on its own now and then: the times in epoch ms (`startedAt`, `updatedAt`
 * and every other `…At` number), a call's `durationMs`, and the random prefix of a page load's
 * call keys (`<time and random letters>-<n>`).
 */
export function scannableText(value: unknown): string {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value
  return JSON.stringify(parsed, (field, inner: unknown) =>
    typeof inner === 'number' && (field.endsWith('At') || field === 'durationMs')
      ? undefined
      : field === 'key' && typeof inner === 'string'
        ? inner.replace(/^[0-9a-z]+-(?=\d+(\||$))/, 'page-')
        : inner,
  )
}
