/**
 * A check whose answer was lost (the server's time limit ran out while the upstream still worked on
 * it): the first read after it listed no such check ("not processed"), a later one lists it. The
 * page then says it was processed, as the attempts left already do; but only of the newest check:
 * what is read of a check sent since (another tab) is not this answer's fate.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { nextTick, ref } from 'vue'
import { useShownOutcome } from '@/composables/useShownOutcome'
import type { LostCheckFate } from '@/composables/useLostCheckCode'
import type { ActionOutcome } from '@/utils/request-actions'
import type { RequestModel } from '@/utils/request-model'
import type { LoggedCall } from '@/utils/request-state'
import { T0, lostCheckAnswer, requestModel, runComposable, stopComposables } from './support'

afterEach(stopComposables)

/** A check call sent at `startedAt` (its answer lost). */
function checkCall(key: string, startedAt: number): LoggedCall {
  return {
    key,
    method: 'POST',
    path: 'live/verify/check/json',
    startedAt,
    durationMs: 15_000,
    httpStatus: 504,
    response: { error: { code: 'upstream_timeout', message: 'no answer', delivery: 'maybe' } },
    error: { kind: 'proxy', message: 'no answer', code: 'upstream_timeout' },
  }
}

function page(reads: LoggedCall[]) {
  const sources = {
    outcome: ref<ActionOutcome | null>(null),
    model: ref<RequestModel | null>(requestModel()),
    now: ref(T0 + 20_000),
    gone: ref<string | null>(null),
    lostCheckFate: ref<LostCheckFate>(null),
    codeRestored: ref(false),
    acting: ref(false),
    reads: ref(reads),
  }
  const shown = runComposable(() => useShownOutcome(sources))
  return { ...sources, shown }
}

describe('useShownOutcome: a lost check recorded after the read that settled it', () => {
  it('says it was processed once a later read lists it', async () => {
    const p = page([checkCall('own', T0 + 5)])
    p.outcome.value = lostCheckAnswer()
    await nextTick()
    p.lostCheckFate.value = 'not_processed'
    await nextTick()
    expect(p.shown.value?.title).toBe('The lost check was not processed')
    p.lostCheckFate.value = 'processed'
    await nextTick()
    expect(p.shown.value?.title).toBe('The lost check was processed')
    expect(p.shown.value?.message).toBe(
      'The request as read after it lists it: the attempts left count it.',
    )
  })

  it('keeps "not processed" when the fate read is of a check sent since', async () => {
    const p = page([checkCall('elsewhere', T0 + 30_000), checkCall('own', T0 + 5)])
    p.outcome.value = lostCheckAnswer()
    await nextTick()
    p.lostCheckFate.value = 'not_processed'
    await nextTick()
    p.lostCheckFate.value = 'processed'
    await nextTick()
    expect(p.shown.value?.title).toBe('The lost check was not processed')
  })
})
