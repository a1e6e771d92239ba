/**
 * The sandbox page's own Reset and Move clock, and the stream's reset, while a load sent before
 * them is on its way: what is shown is read after the change, never that load's answer (what the
 * reset removed, the clock before the move), not even for a moment.
 */
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
  resetSandbox: vi.fn(),
  advanceClock: vi.fn(),
}))
vi.mock('@/api/sandbox', () => api)

type Messages = { messages: HandsetMessage[]; total: number }

beforeEach(() => {
  setActivePinia(createPinia())
  answerAsEmptySandbox(api, clockAt(0))
  api.resetSandbox.mockResolvedValue(undefined)
  api.advanceClock.mockResolvedValue(clockAt(60_000))
  subscribeToStream(api)
})
afterEach(() => {
  useSandboxStore().disconnect()
})

describe('the sandbox store: a change while a load sent before it is on its way', () => {
  it('Reset: what the reset removed does not come back from that load', async () => {
    const store = await connectedAndOpen()
    const before = deferred<Messages>()
    api.listMessages.mockReturnValueOnce(before.promise)
    void store.load()
    const after = deferred<Messages>()
    api.listMessages.mockReturnValueOnce(after.promise)
    // The stream is away (reconnecting): no reset event reaches this tab.
    const resetting = store.reset()
    await flushPromises()
    before.resolve({ messages: [handsetMessage('m1')], total: 1 })
    await flushPromises()
    expect(store.messages).toEqual([])
    after.resolve({ messages: [handsetMessage('m2')], total: 1 })
    expect(await resetting).toBe(true)
    await flushPromises()
    expect(store.messages.map((m) => m.id)).toEqual(['m2'])
  })

  it('Move the clock: the clock that load read does not replace the moved one', async () => {
    const store = await connectedAndOpen()
    const before = deferred<AdminClock>()
    api.getClock.mockReturnValueOnce(before.promise)
    void store.load()
    const after = deferred<AdminClock>()
    api.getClock.mockReturnValueOnce(after.promise)
    const moving = store.advanceClock(60)
    await flushPromises()
    before.resolve(clockAt(0))
    await flushPromises()
    expect(store.clock?.offset_ms).toBe(60_000)
    after.resolve(clockAt(60_000))
    await moving
    await flushPromises()
    expect(store.clock?.offset_ms).toBe(60_000)
  })

  it('the stream’s reset: what it removed does not come back from that load', async () => {
    const store = await connectedAndOpen()
    const before = deferred<Messages>()
    api.listMessages.mockReturnValueOnce(before.promise)
    void store.load()
    const after = deferred<Messages>()
    api.listMessages.mockReturnValueOnce(after.promise)
    stream.onEvent!({ type: 'reset', data: { at: '2026-11-26T09:00:01.000Z' } })
    before.resolve({ messages: [handsetMessage('m1')], total: 1 })
    await flushPromises()
    expect(store.messages).toEqual([])
    after.resolve({ messages: [], total: 0 })
    await flushPromises()
    expect(store.messages).toEqual([])
    expect(store.isLoading).toBe(false)
  })
})
