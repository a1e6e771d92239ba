import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import {
  NO_ANSWER_CODE,
  UNANSWERED_STARTS_KEY,
  useUnansweredStartsStore,
} from '@/stores/unanswered-starts'
import { useStorageProblemsStore } from '@/stores/storage-problems'
import { recordUnanswered, scannableStorage } from './unanswered-support'

const storage = new Map<string, string>()
/** Set to make every write fail as a full local storage does. */
let full = false
function quotaError(): Error {
  const error = new Error('Setting the value exceeded the quota.')
  error.name = 'QuotaExceededError'
  return error
}
vi.stubGlobal('localStorage', {
  getItem: (key: string) => storage.get(key) ?? null,
  setItem: (key: string, value: string) => {
    if (full) throw quotaError()
    storage.set(key, value)
  },
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
  full = false
})

describe('starts without an answer', () => {
  it('are kept across a reload, newest first, never with the chosen PIN', () => {
    const store = reload()
    recordUnanswered(store, start(1_000))
    recordUnanswered(store, start(2_000, { number: '447700900999' }))
    expect(scannableStorage([storage.get(UNANSWERED_STARTS_KEY)!])).not.toContain('9876')
    const again = reload()
    expect(again.sorted.map((e) => [e.at, e.number])).toEqual([
      [2_000, '447700900999'],
      [1_000, NUMBER],
    ])
    expect(again.sorted[1]?.params).toEqual({ number: NUMBER, brand: 'Acme', workflow_id: '4' })
  })

  it('keep every entry until it is dismissed (no cap), and skip damaged ones', () => {
    storage.set(UNANSWERED_STARTS_KEY, JSON.stringify([{ id: 'x', at: 'yesterday' }, 42]))
    const store = reload()
    expect(store.sorted).toEqual([])
    for (let i = 0; i < 120; i++) recordUnanswered(store, start(i))
    expect(reload().sorted).toHaveLength(120)
    expect(reload().sorted.at(-1)?.at).toBe(0)
  })

  it('recognise a status 10 after an uncertain start to the same number in this tab', () => {
    const store = reload()
    const entry = recordUnanswered(store, start(1_000))
    // A start that was not sent in between does not hide the earlier uncertain one.
    recordUnanswered(store, start(2_000, { delivery: 'not_sent' }))
    expect(store.uncertainBefore('live', NUMBER)?.id).toBe(entry.id)
    expect(store.uncertainBefore('sandbox', NUMBER)).toBeNull()
  })

  it('recognise it after a reload or in another tab too, within a request lifetime', () => {
    const entry = recordUnanswered(reload(), start(1_000))
    const later = reload()
    expect(later.uncertainBefore('live', NUMBER, 1_000 + 60_000)?.id).toBe(entry.id)
    expect(later.uncertainBefore('live', '447700900999', 1_000 + 60_000)).toBeNull()
    // An hour on, the request it may have started can no longer block the number.
    expect(later.uncertainBefore('live', NUMBER, 1_000 + 60 * 60 * 1000)).toBeNull()
    // A start that was not sent never blocks the number.
    storage.clear()
    recordUnanswered(reload(), start(1_000, { delivery: 'not_sent' }))
    expect(reload().uncertainBefore('live', NUMBER, 2_000)).toBeNull()
  })

  it('note a later accepted start to the number, and are removed when dismissed', () => {
    const store = reload()
    const entry = recordUnanswered(store, start(1_000))
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

describe('a start on its way', () => {
  const sent = {
    at: 5_000,
    environment: 'live' as const,
    kind: 'request' as const,
    number: NUMBER,
    brand: 'Acme',
    params: { number: NUMBER, brand: 'Acme', pin_code: '9876' },
  }

  it('is stored before it is sent, and listed as may have gone out after the tab closed', () => {
    const tab = reload()
    const entry = tab.recordSending(sent)
    // The tab that sends it does not list it while it waits for the answer.
    expect(tab.sorted).toEqual([])
    expect(scannableStorage([storage.get(UNANSWERED_STARTS_KEY)!])).not.toContain('9876')
    // The tab is closed before the answer: the next page load lists it.
    const next = reload()
    expect(next.sorted).toHaveLength(1)
    expect(next.sorted[0]).toMatchObject({
      id: entry.id,
      delivery: 'maybe',
      code: NO_ANSWER_CODE,
      number: NUMBER,
      params: { number: NUMBER, brand: 'Acme' },
    })
    // A status 10 on the next start names it as probably that start.
    expect(next.uncertainBefore('live', NUMBER, 6_000)?.id).toBe(entry.id)
  })

  it('is taken out when an answer arrives, and kept with the failure when none does', () => {
    const tab = reload()
    const answered = tab.recordSending(sent)
    tab.settle(answered.id, null)
    expect(reload().sorted).toEqual([])
    const lost = tab.recordSending({ ...sent, at: 7_000 })
    tab.settle(lost.id, {
      code: 'upstream_timeout',
      httpStatus: 504,
      message: 'Vonage did not answer within 15 s.',
      delivery: 'maybe',
    })
    expect(tab.sorted.map((e) => [e.id, e.code])).toEqual([[lost.id, 'upstream_timeout']])
    expect(reload().sorted[0]).not.toHaveProperty('sending')
    expect(tab.uncertainBefore('live', NUMBER)?.id).toBe(lost.id)
  })
})

describe('a full local storage', () => {
  it('keeps the entries in memory, says they were not saved, and saves them once it can', () => {
    const tab = reload()
    const first = recordUnanswered(tab, start(1_000))
    full = true
    const second = recordUnanswered(tab, start(2_000))
    // One unsaved start is named in the singular, two and more in the plural.
    expect(useStorageProblemsStore().problems[0]?.message).toMatch(
      /^1 start without an answer could not be saved in this browser \(.*\)\. It stays listed on New verification while this tab is open; dismiss it or others you no longer need to make room, and it is saved again with the next change\.$/,
    )
    const third = recordUnanswered(tab, start(3_000))
    // Nothing is dropped: the earlier unsaved entry is still listed after the next one.
    expect(tab.sorted.map((e) => e.id)).toEqual([third.id, second.id, first.id])
    const problem = useStorageProblemsStore().problems[0]
    expect(problem?.area).toBe('unanswered-starts')
    expect(problem?.message).toContain('2 starts without an answer could not be saved')
    expect(problem?.message).toContain(
      'They stay listed on New verification while this tab is open; dismiss the ones you no longer need to make room, and they are saved again with the next change.',
    )
    expect(problem?.message).toContain('storage is full')
    // Another tab's change does not hide them.
    tab.reload()
    expect(tab.sorted).toHaveLength(3)
    full = false
    tab.dismiss(first.id)
    expect(useStorageProblemsStore().problems).toEqual([])
    expect(reload().sorted.map((e) => e.id)).toEqual([third.id, second.id])
  })
})
