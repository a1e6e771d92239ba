/**
 * The code of a check whose answer was lost comes back into the PIN field once a read shows the
 * check was not processed, for the same PIN only; never once it was processed, or after another
 * check.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick, ref } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { useLostCheckCode, type LostCheckFate } from '@/composables/useLostCheckCode'
import { usePinDraftsStore } from '@/stores/pin-drafts'
import type { EnvironmentId } from '@/api/verify'
import type { ActionOutcome } from '@/utils/request-actions'
import type { RequestModel } from '@/utils/request-model'
import {
  checkAnswer,
  lostCheckAnswer,
  pinEvent,
  requestModel,
  runComposable,
  stopComposables,
} from './support'

const ID = 'abcdef0123456789abcdef0123456789'

beforeEach(() => setActivePinia(createPinia()))
afterEach(stopComposables)

function page(model: RequestModel | null = requestModel()) {
  const sources = {
    model: ref<RequestModel | null>(model),
    gone: ref<string | null>(null),
    isLoading: ref(false),
    environment: ref<EnvironmentId>('sandbox'),
    outcome: ref<ActionOutcome | null>(null),
    lostCheckFate: ref<LostCheckFate>(null),
  }
  const lost = runComposable(() => useLostCheckCode(() => ID, sources))
  /** The agent sends `code`; its answer comes (the page learns of it before any read). */
  async function check(code: string, answer: ActionOutcome): Promise<void> {
    lost.sent(code)
    sources.outcome.value = answer
    await nextTick()
  }
  /** A read of the request (sent after the check) shows `patch` and what became of the check. */
  async function read(fate: LostCheckFate, patch: Partial<RequestModel> = {}): Promise<void> {
    sources.isLoading.value = true
    sources.lostCheckFate.value = fate
    await nextTick()
    sources.model.value = { ...sources.model.value!, ...patch }
    sources.isLoading.value = false
    await nextTick()
  }
  return { ...sources, ...lost, check, read }
}

describe('useLostCheckCode: a lost check shown not processed', () => {
  it('hands its code back to the field, once the read that said so is over', async () => {
    const p = page()
    await p.check('1234', lostCheckAnswer())
    await p.read('doubt')
    expect(p.restoredCode.value).toBeNull()

    p.isLoading.value = true
    p.lostCheckFate.value = 'not_processed'
    await nextTick()
    expect(p.restoredCode.value, 'decided once the page shows what it read').toBeNull()
    p.isLoading.value = false
    await nextTick()
    expect(p.restoredCode.value).toEqual({ code: '1234' })
  })

  it('tells the page when the field took it back', async () => {
    const p = page()
    expect(p.codeRestored.value).toBe(false)
    p.restored()
    expect(p.codeRestored.value).toBe(true)
  })

  it('no longer says the field took one back once another check is sent', async () => {
    const p = page()
    await p.check('1234', lostCheckAnswer())
    await p.read('not_processed')
    p.restored()
    // The second check is lost too, and settled not processed with a new PIN sent since.
    await p.check('1234', lostCheckAnswer())
    expect(p.codeRestored.value, 'the field holds no code handed back').toBe(false)
    await p.read('not_processed', { events: [pinEvent('e1', true), pinEvent('e2', true)] })
    expect(p.codeRestored.value).toBe(false)
  })

  it('waits for the request to be read (a page opened again knows the fate first)', async () => {
    const p = page(null)
    await p.check('1234', lostCheckAnswer())
    p.lostCheckFate.value = 'not_processed'
    await nextTick()
    expect(p.restoredCode.value).toBeNull()
    p.model.value = requestModel()
    await nextTick()
    expect(p.restoredCode.value).toEqual({ code: '1234' })
  })

  it('is the same PIN when an event sent since brought none', async () => {
    const p = page()
    await p.check('1234', lostCheckAnswer())
    await p.read('not_processed', { events: [pinEvent('e1', true), pinEvent('e2', false)] })
    expect(p.restoredCode.value).toEqual({ code: '1234' })
  })
})

describe('useLostCheckCode: the code is not handed back', () => {
  it.each([
    ['brought one', true],
    ['may have brought one (not known)', null],
  ])('once a new PIN was sent since: an event that %s', async (_, newPin) => {
    const p = page()
    await p.check('1234', lostCheckAnswer())
    await p.read('not_processed', { events: [pinEvent('e1', true), pinEvent('e2', newPin)] })
    expect(p.restoredCode.value).toBeNull()
  })

  it('once a new PIN was sent since: more attempts left than when it was sent', async () => {
    const p = page(requestModel({ attemptsLeft: 2 }))
    await p.check('1234', lostCheckAnswer())
    await p.read('not_processed', { attemptsLeft: 3 })
    expect(p.restoredCode.value).toBeNull()
  })

  it('once the check was shown processed, and it is forgotten then', async () => {
    const p = page()
    await p.check('1234', lostCheckAnswer())
    await p.read('processed')
    expect(p.restoredCode.value).toBeNull()
    expect(usePinDraftsStore().lost(ID)).toBeNull()
  })

  it('once another check was sent from the page', async () => {
    const p = page()
    await p.check('1234', lostCheckAnswer())
    p.sent('5678')
    await p.read('not_processed')
    expect(p.restoredCode.value).toBeNull()
  })

  it('for a check that was answered', async () => {
    const p = page()
    await p.check('1234', checkAnswer('16'))
    await p.read('not_processed')
    expect(p.restoredCode.value).toBeNull()
    expect(usePinDraftsStore().lost(ID)).toBeNull()
  })

  it('for a request the sandbox no longer knows', async () => {
    const p = page()
    await p.check('1234', lostCheckAnswer())
    p.gone.value = 'reset'
    await p.read('not_processed')
    expect(p.restoredCode.value).toBeNull()
  })
})

describe('useLostCheckCode: where the code of a lost check is kept', () => {
  /** The tab's session storage, as a page reloaded in the same tab reads it. */
  function sessionStorageStub(): Map<string, string> {
    const items = new Map<string, string>()
    vi.stubGlobal('sessionStorage', {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    })
    return items
  }
  afterEach(() => vi.unstubAllGlobals())

  it('a sandbox code: also across a reload of the tab', async () => {
    sessionStorageStub()
    const p = page()
    await p.check('1234', lostCheckAnswer())
    // The page reloaded: a new store reads what the tab kept.
    setActivePinia(createPinia())
    expect(usePinDraftsStore().lost(ID)?.code).toBe('1234')
  })

  it('a live code (it may be the real PIN): on this page only, never in the tab storage', async () => {
    const items = sessionStorageStub()
    const p = page()
    p.environment.value = 'live'
    await p.check('1234', lostCheckAnswer())
    expect(usePinDraftsStore().lost(ID)?.code).toBe('1234')
    setActivePinia(createPinia())
    expect(usePinDraftsStore().lost(ID)).toBeNull()
    expect([...items.values()].join('')).not.toContain('1234')
  })
})
