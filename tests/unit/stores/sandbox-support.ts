/** The sandbox api as the tests of the sandbox store and pages mock it. */
import { vi, type Mock } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { AdminClock, HandsetMessage } from '@contract/admin'
import type { SandboxEvent } from '@/api/sandbox'
import { useSandboxStore } from '@/stores/sandbox'

/** The reads the sandbox store makes when it loads, as a test mocks them. */
export interface SandboxReadMocks {
  listMessages: Mock
  listAdminRequests: Mock
  getClock: Mock
  listFaults: Mock
  listTestNumbers: Mock
}

/** Resets every mock of `api` and has the store's reads answer as an empty sandbox at `clock`. */
export function answerAsEmptySandbox(
  api: SandboxReadMocks & Record<string, Mock>,
  clock: AdminClock,
): void {
  for (const fn of Object.values(api)) fn.mockReset()
  api.listMessages.mockResolvedValue({ messages: [], total: 0 })
  api.listAdminRequests.mockResolvedValue({ requests: [], total: 0 })
  api.getClock.mockResolvedValue(clock)
  api.listFaults.mockResolvedValue({ faults: [] })
  api.listTestNumbers.mockResolvedValue({ test_numbers: [] })
}

/** The sandbox clock `offset_ms` ahead, as the sandbox answers it. */
export function clockAt(offset_ms: number): AdminClock {
  return { now: '2026-11-26T09:00:00.000Z', now_ms: 0, offset_ms, next_due_at: null }
}

/** A message on the handset, with its `id`. */
export function handsetMessage(id: string): HandsetMessage {
  return {
    id,
    request_id: 'a'.repeat(32),
    account_id: 'sandbox',
    event_id: 'e1',
    number: '447700900001',
    channel: 'sms',
    sender: 'Acme',
    text: 'Your Acme PIN is: 1234.',
    pin: '1234',
    lg: 'en-us',
    language: 'en-us',
    sent_at: '2026-11-26T09:00:00.000Z',
  }
}

/** The stream as the store subscribed to it: the test says when it opens and what it pushes. */
export const stream = {
  onEvent: null as null | ((event: SandboxEvent) => void),
  onOpen: null as null | (() => void),
}

/** Has `api.openSandboxEvents` hand the store's subscription to `stream`. */
export function subscribeToStream(api: { openSandboxEvents: Mock }): void {
  api.openSandboxEvents.mockImplementation(
    (onEvent: (event: SandboxEvent) => void, _onLost?: () => void, onOpen?: () => void) => {
      stream.onEvent = onEvent
      stream.onOpen = onOpen ?? null
      return { close: vi.fn() }
    },
  )
}

/** The store connected, its stream open and the load that follows done. */
export async function connectedAndOpen() {
  const store = useSandboxStore()
  store.connect()
  await flushPromises()
  stream.onOpen!()
  await flushPromises()
  return store
}
