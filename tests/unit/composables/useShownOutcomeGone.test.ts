/**
 * The answer to the last action once the request is gone (the sandbox no longer holds it): its
 * next step says the request no longer exists, whatever it asked before (enter the code again,
 * press Check code for a lost check's code put back), and what history knew of it is no new PIN.
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
  requestModel,
  runComposable,
  stopComposables,
} from './support'

afterEach(stopComposables)

const GONE =
  'The request no longer exists (the sandbox no longer holds it): it cannot be checked, cancelled or moved on. Start a new verification to +447700900123 if one is still needed.'

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
  return { ...sources, shown }
}

describe('useShownOutcome: a request gone since the answer', () => {
  it('a wrong code: what history knew (more attempts) is no new PIN', async () => {
    const p = page(requestModel({ attemptsLeft: 3 }))
    p.outcome.value = checkAnswer('16')
    await nextTick()
    p.model.value = { ...p.model.value!, attemptsLeft: 2 }
    await nextTick()
    // The sandbox was reset: the page shows what history knew, with its attempts.
    p.gone.value = 'reset'
    p.model.value = { ...p.model.value, attemptsLeft: 3 }
    await nextTick()
    expect(p.shown.value?.nextStep).toBe(GONE)
  })

  it('a lost check whose code was put back: no "press Check code"', async () => {
    const p = page()
    p.outcome.value = lostCheckAnswer()
    await nextTick()
    p.lostCheckFate.value = 'not_processed'
    p.codeRestored.value = true
    await nextTick()
    expect(p.shown.value?.nextStep).toBe('Press Check code: the code it sent is back in the field.')
    p.gone.value = 'reset'
    await nextTick()
    expect(p.shown.value?.nextStep).toBe(GONE)
  })

  it('an answer with nothing left to do stays as it came', async () => {
    const p = page()
    const accepted = checkAnswer('0', { nextStep: '' })
    p.outcome.value = accepted
    p.gone.value = 'reset'
    await nextTick()
    expect(p.shown.value).toEqual(accepted)
  })
})
