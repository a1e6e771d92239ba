import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import {
  NO_ANSWER_CODE,
  UNANSWERED_STARTS_KEY,
  useUnansweredStartsStore,
} from '@/stores/unanswered-starts'

/**
 * Local storage as a browser keeps it: writes land in memory and reach the disk later. `crash`
 * ends the browser abruptly: what was not yet on disk is gone.
 */
const memory = new Map<string, string>()
let disk = new Map<string, string>()
vi.stubGlobal('localStorage', {
  getItem: (key: string) => memory.get(key) ?? null,
  setItem: (key: string, value: string) => void memory.set(key, value),
  removeItem: (key: string) => void memory.delete(key),
})
/** Local storage writes everything it holds to disk. */
function commit() {
  disk = new Map(memory)
}
/** The browser ends before local storage wrote its latest changes to disk. */
function crash() {
  memory.clear()
  for (const [key, value] of disk) memory.set(key, value)
}

const NUMBER = '447700900123'
const sent = (at: number) => ({
  at,
  environment: 'sandbox' as const,
  kind: 'request' as const,
  number: NUMBER,
  brand: 'Acme',
  params: { number: NUMBER, brand: 'Acme', pin_code: '9876' },
})

/** A new page load on the same browser profile, once it has read both copies. */
async function reopen() {
  setActivePinia(createPinia())
  const store = useUnansweredStartsStore()
  await store.loaded
  return store
}

beforeEach(() => {
  memory.clear()
  disk = new Map()
  globalThis.indexedDB = new IDBFactory()
})

describe('a start on its way when the browser ends abruptly', () => {
  it('is listed on the next load as "may have gone out", once kept before it was sent', async () => {
    const store = await reopen()
    const entry = store.recordSending(sent(1_000))
    await store.whenKept(entry.id)
    // The start goes out; the browser is killed before local storage reached the disk.
    crash()
    const again = await reopen()
    expect(again.sorted.map((e) => [e.id, e.code, e.delivery])).toEqual([
      [entry.id, NO_ANSWER_CODE, 'maybe'],
    ])
    expect(again.sorted[0]?.params).toEqual({ number: NUMBER, brand: 'Acme' })
    // And written back to local storage, so other tabs list it too.
    expect(memory.get(UNANSWERED_STARTS_KEY)).toContain(entry.id)
  })

  it('keeps what went wrong when it ended without an answer just before the crash', async () => {
    const store = await reopen()
    const entry = store.recordSending(sent(1_000))
    await store.whenKept(entry.id)
    commit()
    store.settle(entry.id, {
      code: 'timeout',
      httpStatus: null,
      message: 'No answer within 15 s.',
      delivery: 'maybe',
    })
    await store.flush()
    crash()
    const again = await reopen()
    expect(again.sorted.map((e) => [e.id, e.code, e.message])).toEqual([
      [entry.id, 'timeout', 'No answer within 15 s.'],
    ])
    // Dismissed (and on disk): not listed again.
    again.dismiss(entry.id)
    await again.flush()
    commit()
    expect((await reopen()).sorted).toEqual([])
  })

  it('is not listed once its answer arrived', async () => {
    const store = await reopen()
    const entry = store.recordSending(sent(1_000))
    await store.whenKept(entry.id)
    store.settle(entry.id, null)
    await store.flush()
    commit()
    expect((await reopen()).sorted).toEqual([])
  })

  it('keeps in IndexedDB what only local storage held before', async () => {
    const store = await reopen()
    const entry = store.recordSending(sent(1_000))
    store.settle(entry.id, { code: 'network', httpStatus: null, message: 'x', delivery: 'maybe' })
    await store.flush()
    commit()
    // An older version of the page kept the list in local storage only.
    globalThis.indexedDB = new IDBFactory()
    await (await reopen()).flush()
    memory.clear()
    expect((await reopen()).sorted.map((e) => e.id)).toEqual([entry.id])
  })
})
