import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { AdminClock, HandsetMessage } from '@contract/admin'
import { useSandboxStore } from '@/stores/sandbox'
import {
  answerAsEmptySandbox,
  clockAt,
  connectedAndOpen,
  handsetMessage,
  stream,
  subscribeToStream,
} from './sandbox-support'
import { deferred } from '../../support/deferred'

const api = vi.hoisted(() => ({
  listMessages: vi.fn(),
  listAdminRequests: vi.fn(),
  getClock: vi.fn(),
  listFaults: vi.fn(),
  listTestNumbers: vi.fn(),
  openSandboxEvents: vi.fn(),
}))
vi.mock('@/api/sandbox', () => api)

beforeEach(() => {
  setActivePinia(createPinia())
  answerAsEmptySandbox(api, clockAt(0))
  subscribeToStream(api)
})
afterEach(() => {
  useSandboxStore().disconnect()
})

describe('sandbox store: what changes while its event stream opens', () => {
  it('an SMS sent after the first load read the handset, before the stream opened, is shown once it opens', async () => {
    const store = useSandboxStore()
    store.connect()
    await flushPromises()
    expect(store.messages).toEqual([])

    // Sent while the stream connects: no event tells of it.
    api.listMessages.mockResolvedValue({ messages: [handsetMessage('m1')], total: 1 })
    stream.onOpen!()
    await flushPromises()

    expect(store.messages.map((m) => m.id)).toEqual(['m1'])
    expect(store.connection).toBe('open')
  })

  it('opened while the first load is on its way: read again once it is done', async () => {
    const first = deferred<{ messages: HandsetMessage[]; total: number }>()
    api.listMessages.mockReturnValueOnce(first.promise)
    const store = useSandboxStore()
    store.connect()
    await flushPromises()

    api.listMessages.mockResolvedValue({ messages: [handsetMessage('m1')], total: 1 })
    stream.onOpen!()
    await flushPromises()
    // The first load's reads went out before the stream opened: its answer is not the last word.
    first.resolve({ messages: [], total: 0 })
    await flushPromises()

    expect(api.listMessages).toHaveBeenCalledTimes(2)
    expect(store.messages.map((m) => m.id)).toEqual(['m1'])
  })

  it('joins a stream open already with one load', async () => {
    // An open stream says so at once (in a microtask) to a new subscriber.
    api.openSandboxEvents.mockImplementationOnce(
      (_onEvent: unknown, _onLost?: () => void, onOpen?: () => void) => {
        queueMicrotask(() => onOpen?.())
        return { close: vi.fn() }
      },
    )
    const store = useSandboxStore()
    store.connect()
    await flushPromises()

    expect(api.listMessages).toHaveBeenCalledTimes(1)
    expect(api.getClock).toHaveBeenCalledTimes(1)
    expect(store.connection).toBe('open')
  })

  it('back after a drop while a load is on its way: read again once it is done', async () => {
    const store = await connectedAndOpen()
    const calls = api.listMessages.mock.calls.length

    const inFlight = deferred<{ messages: HandsetMessage[]; total: number }>()
    api.listMessages.mockReturnValueOnce(inFlight.promise)
    void store.load()
    api.listMessages.mockResolvedValue({ messages: [handsetMessage('m1')], total: 1 })
    stream.onOpen!()
    inFlight.resolve({ messages: [], total: 0 })
    await flushPromises()

    expect(api.listMessages).toHaveBeenCalledTimes(calls + 2)
    expect(store.messages.map((m) => m.id)).toEqual(['m1'])
  })

  it('a reset while a load is on its way: what the reset removed does not come back', async () => {
    const store = await connectedAndOpen()

    const read = deferred<{ messages: HandsetMessage[]; total: number }>()
    api.listMessages.mockReturnValueOnce(read.promise)
    void store.load()
    api.listMessages.mockResolvedValue({ messages: [], total: 0 })
    stream.onEvent!({ type: 'reset', data: { at: '2026-11-26T09:00:01.000Z' } })
    // Read before the reset, answered after it.
    read.resolve({ messages: [handsetMessage('m1')], total: 1 })
    await flushPromises()

    expect(store.messages).toEqual([])
  })

  it('a clock the stream sent while a load was on its way is not taken back by its answer', async () => {
    const store = await connectedAndOpen()

    const read = deferred<AdminClock>()
    api.getClock.mockReturnValueOnce(read.promise)
    const loading = store.load()
    stream.onEvent!({ type: 'clock', data: clockAt(31_000) })
    // Read before the move, answered after the stream told of it.
    read.resolve(clockAt(0))
    await loading

    expect(store.clock?.offset_ms).toBe(31_000)
  })
})
