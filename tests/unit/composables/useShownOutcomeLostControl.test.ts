/**
 * A cancel or trigger-next-event whose answer was lost (Vonage processed it, the proxy gave up
 * first): once the request as read says what it did, the answer says that instead of "refresh the
 * request". Compared with the request as it was when the action was sent: a read that came before
 * the answer may already show the cancel it made.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { nextTick, ref } from 'vue'
import { useShownOutcome } from '@/composables/useShownOutcome'
import type { LostCheckFate } from '@/composables/useLostCheckCode'
import type { ActionName, ActionOutcome } from '@/utils/request-actions'
import type { RequestModel } from '@/utils/request-model'
import type { LoggedCall } from '@/utils/request-state'
import { T0, pinEvent, requestModel, runComposable, stopComposables } from './support'

afterEach(stopComposables)

const ID = requestModel().requestId
const CANCEL_MAYBE =
  'The cancel may have gone through: refresh the request and look at its status before cancelling again.'
const NEXT_MAYBE =
  'The next message or call may be on its way: refresh the request before triggering it again.'

/** The answer to a cancel or trigger that got none in time (the proxy's 504). */
function lostAnswer(action: Exclude<ActionName, 'check'>, at: number): ActionOutcome {
  return {
    action,
    ok: false,
    status: '',
    failure: 'maybe',
    title: 'Vonage did not answer in time',
    message: 'Vonage did not answer within 15 s.',
    nextStep: action === 'cancel' ? CANCEL_MAYBE : NEXT_MAYBE,
    statusChange: '',
    codeUsed: false,
    at,
  }
}

/** A search sent at `startedAt` that found the request with `status` and `events` messages. */
function searchRead(startedAt: number, status: string, events: number): LoggedCall {
  return {
    key: `search-${startedAt}`,
    method: 'GET',
    path: 'live/verify/search/json',
    startedAt,
    durationMs: 100,
    httpStatus: 200,
    response: {
      verification_requests: [
        {
          request_id: ID,
          status,
          events: Array.from({ length: events }, (_, i) => ({ type: 'sms', id: `e${i + 1}` })),
        },
      ],
    },
    error: null,
  }
}

function page(model: RequestModel = requestModel()) {
  const sources = {
    outcome: ref<ActionOutcome | null>(null),
    model: ref<RequestModel | null>(model),
    now: ref(Date.now()),
    gone: ref<string | null>(null),
    lostCheckFate: ref<LostCheckFate>(null),
    codeRestored: ref(false),
    acting: ref(false),
    reads: ref<LoggedCall[]>([]),
  }
  const shown = runComposable(() => useShownOutcome(sources))
  /** A read of the request shows `patch`. */
  async function read(patch: Partial<RequestModel>): Promise<void> {
    sources.model.value = { ...sources.model.value!, ...patch }
    await nextTick()
  }
  /** The page sends `action`; its answer is lost (`outcome`) after `meanwhile` ran. */
  async function sendLost(
    action: Exclude<ActionName, 'check'>,
    meanwhile: () => Promise<void> = async () => undefined,
  ): Promise<ActionOutcome> {
    const answer = lostAnswer(action, Date.now())
    sources.acting.value = true
    await nextTick()
    await meanwhile()
    sources.outcome.value = answer
    sources.acting.value = false
    await nextTick()
    return answer
  }
  return { ...sources, shown, read, sendLost }
}

describe('useShownOutcome: a cancel whose answer was lost', () => {
  it('says it was processed when a read before its answer already showed it cancelled', async () => {
    const p = page()
    await p.sendLost('cancel', () => p.read({ status: 'CANCELLED' }))
    expect(p.shown.value).toMatchObject({
      action: 'cancel',
      title: 'The lost cancel was processed',
      message: 'The request as read after it is cancelled (CANCELLED).',
      nextStep: '',
    })
  })

  it('says it was processed once a read after its answer shows it cancelled', async () => {
    const p = page()
    await p.sendLost('cancel')
    expect(p.shown.value?.nextStep).toBe(CANCEL_MAYBE)
    await p.read({ status: 'CANCELLED' })
    expect(p.shown.value?.title).toBe('The lost cancel was processed')
    expect(p.shown.value?.nextStep).toBe('')
  })

  it('says it was not processed once a read sent after its answer shows it still in progress', async () => {
    const p = page()
    const sentAt = Date.now()
    await p.sendLost('cancel', async () => {
      // A poll sent before the answer came knows nothing of what the cancel did.
      p.reads.value = [searchRead(sentAt - 5, 'IN PROGRESS', 1)]
      await nextTick()
    })
    expect(p.shown.value?.nextStep).toBe(CANCEL_MAYBE)
    p.reads.value = [searchRead(Date.now() + 1, 'IN PROGRESS', 1), ...p.reads.value]
    await nextTick()
    expect(p.shown.value).toMatchObject({
      title: 'The lost cancel was not processed',
      message:
        'The request as read after its answer came is still in progress: it was not cancelled.',
      nextStep: 'Cancel again if the request should still end.',
    })
    // That read drops out of the call log: still settled.
    p.reads.value = []
    await nextTick()
    expect(p.shown.value?.title).toBe('The lost cancel was not processed')
  })

  it('says the request has since ended when it ended otherwise', async () => {
    const p = page()
    await p.sendLost('cancel', () => p.read({ status: 'EXPIRED' }))
    expect(p.shown.value?.nextStep).toMatch(/^The request has since ended \(EXPIRED\)/)
  })

  it('keeps the API title of a status 5, with what the read showed', async () => {
    const p = page()
    const internal: ActionOutcome = {
      ...lostAnswer('cancel', Date.now()),
      status: '5',
      failure: null,
      title: 'Internal error',
    }
    p.acting.value = true
    await nextTick()
    await p.read({ status: 'CANCELLED' })
    p.outcome.value = internal
    p.acting.value = false
    await nextTick()
    expect(p.shown.value).toMatchObject({
      status: '5',
      title: 'Internal error',
      message: 'The request as read after it is cancelled (CANCELLED).',
      nextStep: '',
    })
  })
})

describe('useShownOutcome: a trigger next event whose answer was lost', () => {
  const twoEvents = { events: [pinEvent('e1', true), pinEvent('e2', true)], eventsLeft: 1 }

  it('says the next message or call went out when a read lists one more', async () => {
    const p = page()
    await p.sendLost('next', () => p.read(twoEvents))
    expect(p.shown.value).toMatchObject({
      action: 'next',
      title: 'The next message or call went out',
      message:
        'The request as read after the lost trigger lists a message or call sent since the trigger was sent.',
      nextStep: 'Enter the code from the newest message or call.',
    })
  })

  it('says it was not processed once a read sent after its answer lists no new one', async () => {
    const p = page()
    await p.sendLost('next')
    expect(p.shown.value?.nextStep).toBe(NEXT_MAYBE)
    p.reads.value = [searchRead(Date.now() + 1, 'IN PROGRESS', 1)]
    await nextTick()
    expect(p.shown.value).toMatchObject({
      title: 'The lost trigger was not processed',
      nextStep: 'Trigger the next event again if a new message or call is still needed.',
    })
    // Processed late after all: a later read lists it.
    await p.read(twoEvents)
    expect(p.shown.value?.title).toBe('The next message or call went out')
  })

  it('for one sent before the page was made, counts a message or call listed since it was sent', async () => {
    const p = page()
    const answer = lostAnswer('next', T0 + 10_000)
    p.now.value = Date.now()
    p.outcome.value = answer
    await nextTick()
    expect(p.shown.value?.nextStep).toBe(NEXT_MAYBE)
    await p.read({ events: [pinEvent('e1', true), { ...pinEvent('e2', true), at: T0 + 11_000 }] })
    expect(p.shown.value?.title).toBe('The next message or call went out')
  })
})
