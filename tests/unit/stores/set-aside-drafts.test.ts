import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { SET_ASIDE_KEY, useSetAsideDraftsStore } from '@/stores/set-aside-drafts'

const storage = new Map<string, string>()
let full = false
vi.stubGlobal('sessionStorage', {
  getItem: (key: string) => storage.get(key) ?? null,
  setItem: (key: string, value: string) => {
    if (full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    storage.set(key, value)
  },
  removeItem: (key: string) => void storage.delete(key),
})

/** A reload: a new Pinia, and so a new store, on the same tab storage. */
function reload() {
  setActivePinia(createPinia())
  return useSetAsideDraftsStore()
}

beforeEach(() => {
  storage.clear()
  full = false
  setActivePinia(createPinia())
})

const SECOND = { number: '+447700900777', brand: 'SecondCo' }
const FIRST = { number: '+447700900501', brand: 'FirstCo' }

describe('what the New verification form set aside', () => {
  it.each([
    ['damaged', '[{"id":"1","at":'],
    ['not a list', '{"id":"1","at":1,"draft":{"number":"+447700900777"}}'],
    ['a list of something else', '[null, 7, "x", {"id":1,"at":1,"draft":{}}, {"id":"2","at":2}]'],
  ])('reads %s storage as nothing set aside, and still sets aside after it', (_, stored) => {
    storage.set(SET_ASIDE_KEY, stored)
    const drafts = useSetAsideDraftsStore()
    expect(drafts.list).toEqual([])

    expect(drafts.setAside(SECOND, FIRST)).toBe(true)
    expect(drafts.list.map((e) => e.draft)).toEqual([SECOND])
    expect(reload().list.map((e) => e.draft)).toEqual([SECOND])
  })

  it('keeps the well-formed entries of a stored list and only their text fields', () => {
    storage.set(
      SET_ASIDE_KEY,
      JSON.stringify([
        { id: 'a', at: 5, draft: { number: '+447700900777', brand: 7, pin_expiry: null } },
        { id: 'b', at: 'yesterday', draft: { number: '+447700900888' } },
      ]),
    )
    expect(useSetAsideDraftsStore().list).toEqual([
      { id: 'a', at: 5, draft: { number: '+447700900777' } },
    ])
  })

  it('survives a reload: a new store reads what the last one set aside and took out', () => {
    const drafts = useSetAsideDraftsStore()
    expect(drafts.setAside(SECOND, FIRST)).toBe(true)
    expect(drafts.setAside(FIRST, SECOND)).toBe(true)
    const [newest, older] = drafts.list
    expect(newest?.draft).toEqual(FIRST)
    expect(older?.draft).toEqual(SECOND)

    const again = reload()
    expect(again.list).toEqual(drafts.list)
    expect(again.take(newest!.id)?.draft).toEqual(FIRST)
    expect(reload().list.map((e) => e.draft)).toEqual([SECOND])
    reload().take(older!.id)
    expect(storage.has(SET_ASIDE_KEY)).toBe(false)
    expect(reload().list).toEqual([])
  })

  it('with storage full, keeps what is set aside for the page: every user of the store sees it', () => {
    full = true
    expect(useSetAsideDraftsStore().setAside(SECOND, FIRST)).toBe(true)
    // The page mounted again (History, then back) uses the same store: nothing is lost.
    expect(useSetAsideDraftsStore().list.map((e) => e.draft)).toEqual([SECOND])
  })
})
