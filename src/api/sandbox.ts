/**
 * The sandbox admin API through the proxy: `/api/sandbox/__admin/...` (sandbox only).
 * Shapes come from `contract/admin.ts`. Failures throw `ApiError` (see client.ts).
 */
import type {
  AdminAccount,
  AdminClock,
  AdminFault,
  AdminFaultInput,
  AdminRequest,
  AdminRequestList,
  AdminStreamEvents,
  HandsetMessageList,
  TestNumber,
} from '@contract/admin'
import type { SearchStatus } from '@contract/types'
import { LIMITS } from '@contract/params'
import { apiRequest, type Params } from './client'
import { browserStreamEnvironment, SharedEventStream, type StreamTrouble } from './event-stream'

export type { StreamTrouble }

const ADMIN = 'sandbox/__admin'

export interface AdminRequestFilter {
  number?: string
  status?: SearchStatus
  /** api_key or account id. */
  account?: string
  limit?: number
  offset?: number
}

function query(filter: object): Params {
  const out: Params = {}
  for (const [key, value] of Object.entries(filter) as [string, unknown][]) {
    if (value !== undefined && value !== '') out[key] = String(value)
  }
  return out
}

/** Every request the sandbox knows (PIN, events, checks, status), newest first. */
export function listAdminRequests(filter: AdminRequestFilter = {}): Promise<AdminRequestList> {
  return apiRequest<AdminRequestList>('GET', `${ADMIN}/requests`, { query: query(filter) })
}

/**
 * One request as the sandbox sees it, or `null` when the sandbox does not know it. Asked as a
 * look-up in the list (`?request_id=`), which answers an unknown id with an empty list: a deep
 * link to an unknown id, or a request gone with a reset, is no failed resource in the console.
 */
export async function getAdminRequest(requestId: string): Promise<AdminRequest | null> {
  const { requests } = await apiRequest<AdminRequestList>('GET', `${ADMIN}/requests`, {
    query: { request_id: requestId, limit: '1' },
  })
  return requests.find((r) => r.request_id === requestId) ?? null
}

/** Ids read at once: as many as one search takes. */
export const ADMIN_READ_IDS = LIMITS.searchMaxIds

/**
 * The requests among `ids` (at most `ADMIN_READ_IDS`) the sandbox knows, newest first; an id it
 * does not know is left out.
 */
export async function getAdminRequests(ids: readonly string[]): Promise<AdminRequest[]> {
  if (ids.length === 0) return []
  if (ids.length > ADMIN_READ_IDS) {
    throw new RangeError(`At most ${ADMIN_READ_IDS} request_ids are read at once.`)
  }
  const { requests } = await apiRequest<AdminRequestList>('GET', `${ADMIN}/requests`, {
    // Repeated, as search sends its ids: the call log files the read under each of them.
    query: { request_id: [...ids], limit: String(ids.length) },
  })
  const named = new Set(ids)
  return requests.filter((r) => named.has(r.request_id))
}

/** The handset's messages, newest first. */
export function listMessages(
  filter: { number?: string; request_id?: string; limit?: number; offset?: number } = {},
): Promise<HandsetMessageList> {
  return apiRequest<HandsetMessageList>('GET', `${ADMIN}/messages`, { query: query(filter) })
}

export function getClock(): Promise<AdminClock> {
  return apiRequest<AdminClock>('GET', `${ADMIN}/clock`)
}

/** Moves the sandbox clock forward; everything that falls due fires in order. */
export function advanceClock(seconds: number): Promise<AdminClock> {
  return apiRequest<AdminClock>('POST', `${ADMIN}/clock`, { json: { advance_seconds: seconds } })
}

export function listFaults(): Promise<{ faults: AdminFault[] }> {
  return apiRequest<{ faults: AdminFault[] }>('GET', `${ADMIN}/faults`)
}

/** The next `count` calls to `endpoint` answer a chosen status, answer late, or drop. */
export function injectFault(fault: AdminFaultInput): Promise<AdminFault> {
  return apiRequest<AdminFault>('POST', `${ADMIN}/faults`, { json: fault })
}

/** Removes one fault (by id), or all of them without an id. */
export function clearFaults(id?: string): Promise<{ faults: AdminFault[] }> {
  const path = id ? `${ADMIN}/faults/${encodeURIComponent(id)}` : `${ADMIN}/faults`
  return apiRequest<{ faults: AdminFault[] }>('DELETE', path)
}

export function listTestNumbers(): Promise<{ test_numbers: TestNumber[] }> {
  return apiRequest<{ test_numbers: TestNumber[] }>('GET', `${ADMIN}/test-numbers`)
}

/** Adds or replaces a test number with a fixed PIN. */
export function saveTestNumber(testNumber: TestNumber): Promise<TestNumber> {
  return apiRequest<TestNumber>('POST', `${ADMIN}/test-numbers`, { json: testNumber })
}

export function deleteTestNumber(number: string): Promise<unknown> {
  return apiRequest<unknown>('DELETE', `${ADMIN}/test-numbers/${encodeURIComponent(number)}`)
}

export function listAccounts(): Promise<{ accounts: AdminAccount[] }> {
  return apiRequest<{ accounts: AdminAccount[] }>('GET', `${ADMIN}/accounts`)
}

/** Forgets every request, message, fault and clock offset (test numbers too when asked). */
export function resetSandbox(
  options: { testNumbers?: boolean } = {},
): Promise<{ ok: boolean; clock: AdminClock }> {
  return apiRequest<{ ok: boolean; clock: AdminClock }>('POST', `${ADMIN}/reset`, {
    json: { test_numbers: options.testNumbers === true },
  })
}

export type SandboxEvent = {
  [K in keyof AdminStreamEvents]: { type: K; data: AdminStreamEvents[K] }
}[keyof AdminStreamEvents]

export interface SandboxEventsHandle {
  close(): void
}

const STREAM_EVENTS: ReadonlySet<string> = new Set<keyof AdminStreamEvents>([
  'request',
  'message',
  'clock',
  'reset',
  'faults',
  'test-numbers',
])

const EVENTS_PATH = `${ADMIN}/events`

/**
 * The stream shared by every subscriber of this tab and, through the leader tab, of every tab of
 * this browser (see event-stream.ts): browsers allow only six HTTP/1.1 connections per host
 * across all tabs, and each stream holds one open for good.
 */
let shared: SharedEventStream | null = null

/**
 * Subscribes to the live stream `GET /api/sandbox/__admin/events`. `onEvent` gets each parsed
 * event; `onError` is told when the connection fails or drops (`lost`: tried again by itself after
 * a wait) or the access token is refused (`refused`: tried again as soon as a new token is set,
 * which the app asks for), and again when one turns into the other; `onOpen` when it is
 * (re)connected, here or through another tab, so a caller can reload what it may have missed (at
 * once when the stream is already open). `close()` unsubscribes; the connection closes with the
 * last subscriber of the tab that holds it (another tab's then takes over).
 */
export function openSandboxEvents(
  onEvent: (event: SandboxEvent) => void,
  onError?: (trouble: StreamTrouble) => void,
  onOpen?: () => void,
): SandboxEventsHandle {
  shared ??= new SharedEventStream(EVENTS_PATH, browserStreamEnvironment(EVENTS_PATH))
  const unsubscribe = shared.subscribe({
    onMessage({ event, data }) {
      if (!STREAM_EVENTS.has(event)) return
      let parsed: unknown
      try {
        parsed = JSON.parse(data)
      } catch {
        return // A malformed event is skipped; the next one still arrives.
      }
      onEvent({ type: event, data: parsed } as SandboxEvent)
    },
    ...(onError ? { onLost: onError } : {}),
    ...(onOpen ? { onOpen } : {}),
  })
  return { close: unsubscribe }
}
