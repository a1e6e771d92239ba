import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminFault, TestNumber } from '@contract/admin'
import type { SandboxEvent } from '@/api/sandbox'
import { useSandboxStore } from '@/stores/sandbox'
import { answerAsEmptySandbox } from './sandbox-support'
import { deferred } from '../../support/deferred'

const api = vi.hoisted(() => ({
  listMessages: vi.fn(),
  listAdminRequests: vi.fn(),
  getClock: vi.fn(),
  listFaults: vi.fn(),
  listTestNumbers: vi.fn(),
  injectFault: vi.fn(),
  clearFaults: vi.fn(),
  saveTestNumber: vi.fn(),
  deleteTestNumber: vi.fn(),
  openSandboxEvents: vi.fn(),
}))
vi.mock('@/api/sandbox', () => api)

const CLOCK = { now: '2026-11-26T09:00:00.000Z', now_ms: 0, offset_ms: 0, next_due_at: null }

function fault(id: string, remaining: number, extra: Partial<AdminFault> = {}): AdminFault {
  return {
    id,
    endpoint: 'search',
    remaining,
    status: '5',
    error_text: null,
    network: null,
    delay_ms: 0,
    drop: false,
    ...extra,
  }
}

/** What the stream delivers to the store. */
let send: (event: SandboxEvent) => void

beforeEach(() => {
  setActivePinia(createPinia())
  answerAsEmptySandbox(api, CLOCK)
  api.openSandboxEvents.mockImplementation((onEvent: (event: SandboxEvent) => void) => {
    send = onEvent
    return { close: vi.fn() }
  })
})
afterEach(() => {
  useSandboxStore().disconnect()
})

async function connected() {
  const store = useSandboxStore()
  store.connect()
  await store.load()
  return store
}

describe('sandbox store: faults and test numbers from the event stream', () => {
  it('shows a fault used once, then used up, by a call the page did not make', async () => {
    api.listFaults.mockResolvedValue({ faults: [fault('f1', 2)] })
    const store = await connected()
    expect(store.faults).toEqual([fault('f1', 2)])
    send({ type: 'faults', data: { faults: [fault('f1', 1)] } })
    expect(store.faults).toEqual([fault('f1', 1)])
    send({ type: 'faults', data: { faults: [] } })
    expect(store.faults).toEqual([])
  })

  it('shows faults and test numbers another client or tab added, and their removal', async () => {
    const store = await connected()
    const other = fault('f7', 3, { endpoint: 'any', status: null, drop: true })
    send({ type: 'faults', data: { faults: [other] } })
    const numbers: TestNumber[] = [{ number: '447700900111', pin: '1234' }]
    send({ type: 'test-numbers', data: { test_numbers: numbers } })
    expect(store.faults).toEqual([other])
    expect(store.testNumbers).toEqual(numbers)
    send({ type: 'test-numbers', data: { test_numbers: [] } })
    expect(store.testNumbers).toEqual([])
  })

  it('never brings back a fault of its own the stream said was used up before the answer came', async () => {
    const store = await connected()
    const answer = deferred<AdminFault>()
    api.injectFault.mockReturnValue(answer.promise)
    const injecting = store.injectFault({ endpoint: 'search', status: '5', count: 1 })
    // The stream is faster than the answer: added, then used up by the tester's application.
    send({ type: 'faults', data: { faults: [fault('f2', 1)] } })
    send({ type: 'faults', data: { faults: [] } })
    answer.resolve(fault('f2', 1))
    expect(await injecting).toBe(true)
    expect(store.faults).toEqual([])
  })

  it('adds its own fault from the answer when the stream has not told of it yet', async () => {
    const store = await connected()
    api.injectFault.mockResolvedValue(fault('f3', 1))
    expect(await store.injectFault({ endpoint: 'search', status: '5', count: 1 })).toBe(true)
    expect(store.faults).toEqual([fault('f3', 1)])
    send({ type: 'faults', data: { faults: [fault('f3', 1)] } })
    expect(store.faults).toEqual([fault('f3', 1)])
  })

  it('keeps lists the stream sent while a load was on its way over the load answer', async () => {
    const store = useSandboxStore()
    const faults = deferred<{ faults: AdminFault[] }>()
    const numbers = deferred<{ test_numbers: TestNumber[] }>()
    api.listFaults.mockReturnValue(faults.promise)
    api.listTestNumbers.mockReturnValue(numbers.promise)
    store.connect()
    send({ type: 'faults', data: { faults: [] } })
    send({
      type: 'test-numbers',
      data: { test_numbers: [{ number: '447700900222', pin: '5678' }] },
    })
    faults.resolve({ faults: [fault('f1', 1)] })
    numbers.resolve({ test_numbers: [] })
    await store.load()
    expect(store.faults).toEqual([])
    expect(store.testNumbers).toEqual([{ number: '447700900222', pin: '5678' }])
  })
})
