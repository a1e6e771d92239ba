import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import {
  MAX_UNANSWERED_STARTS,
  UNANSWERED_STARTS_KEY,
  useUnansweredStartsStore,
} from '@/stores/unanswered-starts'

const storage = new Map<string, string>()
vi.stubGlobal('localStorage', {
  getItem: (key: string) => storage.get(key) ?? null,
  setItem: (key: string, value: string) => void storage.set(key, value),
  removeItem: (key: string) => void storage.delete(key),
})

const NUMBER = '447700900123'

function start(at: number, patch: { delivery?: 'maybe' | 'not_sent'; number?: string } = {}) {
  return {
    at,
    environment: 'live' as const,
    kind: 'request' as const,
    number: patch.number ?? NUMBER,
    brand: 'Acme',
    params: { number: patch.number ?? NUMBER, brand: 'Acme', pin_code: '9876', workflow_id: '4' },
    code: 'upstream_timeout',
    httpStatus: 504,
    message: 'Vonage did not answer within 15 s.',
    delivery: patch.delivery ?? ('maybe' as const),
  }
}

/** A new page load on the same browser storage. */
function reload() {
  setActivePinia(createPinia())
  return useUnansweredStartsStore()
}

beforeEach(() => {
  storage.clear()
})

describe('starts without an answer', () => {
  it('are kept across a reload, newest first, never with the chosen PIN', () => {
    const store = reload()
    store.record(start(1_000))
    store.record(start(2_000, { number: '447700900999' }))
    expect(storage.get(UNANSWERED_STARTS_KEY)).not.toContain('9876')
    const again = reload()
    expect(again.sorted.map((e) => [e.at, e.number])).toEqual([
      [2_000, '447700900999'],
      [1_000, NUMBER],
    ])
    expect(again.sorted[1]?.params).toEqual({ number: NUMBER, brand: 'Acme', workflow_id: '4' })
  })

  it('keep only the newest entries, and skip damaged ones', () => {
    storage.set(UNANSWERED_STARTS_KEY, JSON.stringify([{ id: 'x', at: 'yesterday' }, 42]))
    const store = reload()
    expect(store.sorted).toEqual([])
    for (let i = 0; i < MAX_UNANSWERED_STARTS + 5; i++) store.record(start(i))
    expect(reload().sorted).toHaveLength(MAX_UNANSWERED_STARTS)
    expect(reload().sorted.at(-1)?.at).toBe(5)
  })

  it('recognise a status 10 after an uncertain start to the same number in this tab', () => {
    const store = reload()
    const entry = store.record(start(1_000))
    // A start that was not sent in between does not hide the earlier uncertain one.
    store.record(start(2_000, { delivery: 'not_sent' }))
    expect(store.uncertainBefore('live', NUMBER)?.id).toBe(entry.id)
    expect(store.uncertainBefore('sandbox', NUMBER)).toBeNull()
  })

  it('recognise it after a reload or in another tab too, within a request lifetime', () => {
    const entry = reload().record(start(1_000))
    const later = reload()
    expect(later.uncertainBefore('live', NUMBER, 1_000 + 60_000)?.id).toBe(entry.id)
    expect(later.uncertainBefore('live', '447700900999', 1_000 + 60_000)).toBeNull()
    // An hour on, the request it may have started can no longer block the number.
    expect(later.uncertainBefore('live', NUMBER, 1_000 + 60 * 60 * 1000)).toBeNull()
    // A start that was not sent never blocks the number.
    storage.clear()
    reload().record(start(1_000, { delivery: 'not_sent' }))
    expect(reload().uncertainBefore('live', NUMBER, 2_000)).toBeNull()
  })

  it('note a later accepted start to the number, and are removed when dismissed', () => {
    const store = reload()
    const entry = store.record(start(1_000))
    store.answered('live', NUMBER, 'f'.repeat(32))
    expect(store.uncertainBefore('live', NUMBER)).toBeNull()
    expect(reload().sorted[0]?.laterRequestId).toBe('f'.repeat(32))
    // Ruled out in other tabs as well.
    expect(reload().uncertainBefore('live', NUMBER, 2_000)).toBeNull()
    reload().dismiss(entry.id)
    expect(reload().sorted).toEqual([])
    expect(storage.has(UNANSWERED_STARTS_KEY)).toBe(false)
  })
})
