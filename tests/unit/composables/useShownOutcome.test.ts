/**
 * What the request page says of the last action's answer, given what it learnt since the answer
 * came: an expired PIN, what a later read found of a lost check, a new PIN sent since a wrong code.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { nextTick, ref } from 'vue'
import { useShownOutcome } from '@/composables/useShownOutcome'
import type { LostCheckFate } from '@/composables/useLostCheckCode'
import type { ActionOutcome } from '@/utils/request-actions'
import type { RequestModel } from '@/utils/request-model'
import {
  T0,
  checkAnswer,
  lostCheckAnswer,
  pinEvent,
  requestModel,
  runComposable,
  stopComposables,
} from './support'

afterEach(stopComposables)

function page(model: RequestModel = requestModel()) {
  const sources = {
    outcome: ref<ActionOutcome | null>(null),
    model: ref<RequestModel | null>(model),
    now: ref(T0 + 10_000),
    gone: ref<string | null>(null),
    lostCheckFate: ref<LostCheckFate>(null),
    codeRestored: ref(false),
    acting: ref(false),
  }
  const shown = runComposable(() => useShownOutcome(sources))
  /** The answer to an action comes (the page learns of it before any read that follows). */
  async function answer(outcome: ActionOutcome): Promise<void> {
    sources.outcome.value = outcome
    await nextTick()
  }
  /** A read of the request shows `patch`. */
  async function read(patch: Partial<RequestModel>): Promise<void> {
    sources.model.value = { ...sources.model.value!, ...patch }
    await nextTick()
  }
  return { ...sources, shown, answer, read }
}

describe('useShownOutcome: an answer the page learnt nothing more about', () => {
  it('is said as it came, and nothing is said before an action was answered', async () => {
    const p = page()
    expect(p.shown.value).toBeNull()
    const wrong = checkAnswer('16')
    await p.answer(wrong)
    expect(p.shown.value).toEqual(wrong)
  })
})

describe('useShownOutcome: a wrong code answered while the PIN had expired', () => {
  const expired = { pinExpiresAt: T0 + 5_000 }

  it('says to wait for the next message or call, which brings a new PIN', async () => {
    const p = page(requestModel(expired))
    await p.answer(checkAnswer('16'))
    expect(p.shown.value?.nextStep).toBe(
      'The PIN had expired, so no code can match it: wait for the next message or call, which brings a new PIN, or trigger the next event now.',
    )
  })

  it('says to start a new verification when no message or call is left', async () => {
    const p = page(requestModel({ ...expired, eventsLeft: 0 }))
    await p.answer(checkAnswer('16'))
    expect(p.shown.value?.nextStep).toBe(
      'The PIN had expired and no message or call is left to bring a new one: start a new verification once this one expires.',
    )
  })

  it('is decided as the answer comes: what the clock does next changes nothing said', async () => {
    const p = page(requestModel(expired))
    await p.answer(checkAnswer('16'))
    const said = p.shown.value
    p.now.value = T0
    await nextTick()
    expect(p.shown.value).toBe(said)
    expect(p.shown.value?.nextStep).toContain('The PIN had expired')
  })

  it('keeps the answer as it came while the PIN is still valid, or for a request gone', async () => {
    const valid = page()
    const wrong = checkAnswer('16')
    await valid.answer(wrong)
    expect(valid.shown.value?.nextStep).toBe(wrong.nextStep)

    // Gone: not the expired PIN's advice, but that the request no longer exists.
    const gone = page(requestModel(expired))
    gone.gone.value = 'reset'
    await gone.answer(wrong)
    expect(gone.shown.value?.nextStep).toMatch(/^The request no longer exists/)
  })

  it('is said for a wrong code only: the third (17) keeps its own next step', async () => {
    const p = page(requestModel(expired))
    const third = checkAnswer('17', { nextStep: 'Start a new verification.' })
    await p.answer(third)
    expect(p.shown.value?.nextStep).toBe('Start a new verification.')
  })

  it('is not said for the answer of a later action', async () => {
    const p = page(requestModel(expired))
    await p.answer(checkAnswer('16'))
    const refused = checkAnswer('3', { at: T0 + 20_000 })
    p.outcome.value = refused
    expect(p.shown.value, 'from the moment it comes').toEqual(refused)
    await nextTick()
    expect(p.shown.value).toEqual(refused)
  })
})

describe('useShownOutcome: a check whose answer was lost', () => {
  it('says it was not processed once a read sent after it says so', async () => {
    const p = page()
    await p.answer(lostCheckAnswer())
    p.lostCheckFate.value = 'doubt'
    await nextTick()
    expect(p.shown.value?.title).toBe('No answer came')

    p.lostCheckFate.value = 'not_processed'
    await nextTick()
    expect(p.shown.value).toMatchObject({
      title: 'The lost check was not processed',
      message: 'The request as read after it lists no such check: it used no attempt.',
      nextStep: 'Enter the code again.',
    })
  })

  it('says to press Check code once the field took its code back', async () => {
    const p = page()
    await p.answer(lostCheckAnswer())
    p.lostCheckFate.value = 'not_processed'
    p.codeRestored.value = true
    await nextTick()
    expect(p.shown.value?.nextStep).toBe('Press Check code: the code it sent is back in the field.')
  })

  it('says it was processed, and keeps saying so once the read drops out of the call log', async () => {
    const p = page()
    await p.answer(lostCheckAnswer())
    p.lostCheckFate.value = 'processed'
    await nextTick()
    expect(p.shown.value).toMatchObject({
      title: 'The lost check was processed',
      message: 'The request as read after it lists it: the attempts left count it.',
      nextStep: '',
    })
    p.lostCheckFate.value = null
    await nextTick()
    expect(p.shown.value?.title).toBe('The lost check was processed')
  })

  it('keeps what the read that settled it said when the fate read later changes', async () => {
    // A check lost later elsewhere (another tab) is the newest one: what is read of it is not
    // this answer's fate.
    const p = page()
    await p.answer(lostCheckAnswer())
    p.lostCheckFate.value = 'not_processed'
    await nextTick()
    p.lostCheckFate.value = 'processed'
    await nextTick()
    expect(p.shown.value?.title).toBe('The lost check was not processed')
  })

  it('is not said for the answer of a later action', async () => {
    const p = page()
    await p.answer(lostCheckAnswer())
    p.lostCheckFate.value = 'not_processed'
    await nextTick()
    const wrong = checkAnswer('16')
    p.outcome.value = wrong
    expect(p.shown.value, 'from the moment it comes').toEqual(wrong)
    await nextTick()
    expect(p.shown.value).toEqual(wrong)
  })
})

describe('useShownOutcome: a new PIN sent since a wrong code', () => {
  const NEW_PIN =
    'A new PIN has been sent since this answer, with 3 attempts: enter the code from the newest message or call.'
  /** A read listing the second message, which brought a new PIN with its 3 attempts. */
  const newPinRead = { attemptsLeft: 3, events: [pinEvent('e1', true), pinEvent('e2', true)] }

  it('says so once the attempts left rise again, after the read that counted the wrong code', async () => {
    const p = page()
    const wrong = checkAnswer('16')
    await p.answer(wrong)
    await p.read({ attemptsLeft: 2 })
    expect(p.shown.value?.nextStep).toBe(wrong.nextStep)
    await p.read(newPinRead)
    expect(p.shown.value?.nextStep).toBe(NEW_PIN)
  })

  it('says nothing of a new PIN when the attempts rise with no new message or call', async () => {
    // A read that does not list the wrong code (a live 16 the search has not caught up with) shows
    // the attempts as before it: no message went out, so no new PIN did.
    const p = page()
    const wrong = checkAnswer('16')
    await p.answer(wrong)
    await p.read({ attemptsLeft: 2 })
    await p.read({ attemptsLeft: 3 })
    expect(p.shown.value?.nextStep).toBe(wrong.nextStep)
    await p.read(newPinRead)
    expect(p.shown.value?.nextStep).toBe(NEW_PIN)
  })

  it('says nothing of a new PIN while the attempts only fall', async () => {
    const p = page(requestModel({ attemptsLeft: 2 }))
    const wrong = checkAnswer('16')
    await p.answer(wrong)
    await p.read({ attemptsLeft: 1 })
    await p.read({ attemptsLeft: 1, events: [] })
    expect(p.shown.value?.nextStep).toBe(wrong.nextStep)
  })

  it('starts over with the next answer', async () => {
    const p = page()
    await p.answer(checkAnswer('16'))
    await p.read({ attemptsLeft: 2 })
    await p.read(newPinRead)
    const again = checkAnswer('16', { at: T0 + 60_000 })
    await p.answer(again)
    expect(p.shown.value?.nextStep).toBe(again.nextStep)
  })

  it('stays the same answer through later reads that change nothing said', async () => {
    const p = page()
    await p.answer(checkAnswer('16'))
    await p.read({ attemptsLeft: 2 })
    await p.read(newPinRead)
    const said = p.shown.value
    for (let i = 0; i < 3; i++) await p.read(newPinRead)
    expect(p.shown.value).toBe(said)
    expect(said?.nextStep).toBe(NEW_PIN)
  })
})

describe('useShownOutcome: the request ended after the answer came', () => {
  const ENDED =
    'The request has since ended (EXPIRED): it can no longer be checked, cancelled or moved on. Start a new verification to +447700900123 if one is still needed.'

  it('no longer asks to enter the code again once a read shows it expired', async () => {
    const p = page()
    const wrong = checkAnswer('16')
    await p.answer(wrong)
    await p.read({ attemptsLeft: 2 })
    expect(p.shown.value?.nextStep).toBe(wrong.nextStep)
    await p.read({ status: 'EXPIRED', attemptsLeft: 0 })
    expect(p.shown.value).toMatchObject({ status: '16', title: wrong.title, nextStep: ENDED })
  })

  it('keeps the answer as it came while an action of the page is on its way: its own answer says why it ended', async () => {
    const p = page()
    const wrong = checkAnswer('16')
    await p.answer(wrong)
    p.acting.value = true
    await p.read({ status: 'FAILED', attemptsLeft: 0 })
    expect(p.shown.value).toEqual(wrong)
    p.acting.value = false
    await nextTick()
    expect(p.shown.value?.nextStep).toBe(
      'The request has since ended (FAILED): it can no longer be checked, cancelled or moved on. Start a new verification to +447700900123 if one is still needed.',
    )
  })

  it('says it was verified elsewhere, with nothing more to do', async () => {
    const p = page()
    await p.answer(checkAnswer('16'))
    await p.read({ status: 'SUCCESS' })
    expect(p.shown.value?.nextStep).toBe(
      'The request has since been verified (SUCCESS): nothing more needs doing.',
    )
  })

  it('keeps the next step of an answer that ended the request itself, or came once it had ended', async () => {
    const ended = page()
    const failed = checkAnswer('17', {
      nextStep: 'Start a new verification.',
      statusChange: 'Request …456789 to +447700900123 is now failed (FAILED).',
    })
    await ended.answer(failed)
    await ended.read({ status: 'FAILED' })
    expect(ended.shown.value?.nextStep).toBe('Start a new verification.')

    const late = page(requestModel({ status: 'EXPIRED' }))
    const refused = checkAnswer('6', { nextStep: 'Start a new verification.' })
    await late.answer(refused)
    expect(late.shown.value?.nextStep).toBe('Start a new verification.')
  })
})

describe('useShownOutcome: a check answered status 5, once a search settled it', () => {
  const internal = () =>
    checkAnswer('5', {
      title: 'Internal Error',
      nextStep:
        'Refresh the request before entering the code again: the check may have been counted. If it is still in progress, enter the code again in a moment.',
      codeUsed: true,
    })

  it('says the search counted it, and no longer asks to refresh', async () => {
    const p = page()
    await p.answer(internal())
    p.lostCheckFate.value = 'processed'
    await p.read({ attemptsLeft: 2 })
    expect(p.shown.value).toMatchObject({
      status: '5',
      title: 'Internal Error',
      message: 'The request as read after it lists it: the attempts left count it.',
      nextStep: '',
    })
  })

  it('says it used no attempt, and to enter the code again (or press Check code)', async () => {
    const p = page()
    await p.answer(internal())
    p.lostCheckFate.value = 'not_processed'
    await nextTick()
    expect(p.shown.value).toMatchObject({
      message: 'The request as read after it lists no such check: it used no attempt.',
      nextStep: 'Enter the code again.',
    })
    p.codeRestored.value = true
    await nextTick()
    expect(p.shown.value?.nextStep).toBe('Press Check code: the code it sent is back in the field.')
  })
})
