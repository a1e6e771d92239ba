/** Plain values for the request page's composables: a request as read, an action's answer. */
import { effectScope, type EffectScope } from 'vue'
import type { ActionOutcome } from '@/utils/request-actions'
import type { RequestModel, TimelineEvent } from '@/utils/request-model'

export const T0 = Date.UTC(2026, 10, 26, 9, 0, 0)

/** A sandbox request in progress, one SMS sent, 3 attempts left; `patch` changes it. */
export function requestModel(patch: Partial<RequestModel> = {}): RequestModel {
  return {
    requestId: 'abcdef0123456789abcdef0123456789',
    environment: 'sandbox',
    kind: 'request',
    status: 'IN PROGRESS',
    number: '447700900123',
    brand: 'Acme',
    payee: '',
    amount: '',
    submittedAt: T0,
    finalizedAt: null,
    events: [pinEvent('e1', true)],
    checks: [],
    nextEventAt: T0 + 125_000,
    expiresAt: T0 + 300_000,
    pinExpiresAt: T0 + 300_000,
    eventsLeft: 2,
    attemptsLeft: 3,
    codeLength: 4,
    workflowId: 1,
    price: '',
    currency: 'EUR',
    estimatedPrice: '',
    source: 'sandbox',
    estimated: false,
    paramsAssumed: false,
    ...patch,
  }
}

/** A message sent (`newPin`: it brought a new PIN; null: not known). */
export function pinEvent(id: string, newPin: boolean | null): TimelineEvent {
  return { id, type: 'sms', at: T0, newPin }
}

/** The answer to a check: `status` as the API said it ('16': a wrong code). */
export function checkAnswer(status: string, patch: Partial<ActionOutcome> = {}): ActionOutcome {
  return {
    action: 'check',
    ok: status === '0',
    status,
    failure: null,
    title: status === '16' ? 'The code does not match' : 'Answered',
    message: status === '16' ? 'A wrong code: the third wrong code ends the request.' : '',
    nextStep: status === '16' ? 'Enter the code again.' : '',
    statusChange: '',
    codeUsed: status === '0' || status === '16' || status === '17',
    at: T0,
    ...patch,
  }
}

/** The answer to a check that got none: it may still have been processed. */
export function lostCheckAnswer(): ActionOutcome {
  return checkAnswer('', {
    failure: 'maybe',
    title: 'No answer came',
    message: 'The check may still have been processed.',
    nextStep: 'Look the request up before you check a code again.',
    codeUsed: true,
  })
}

const scopes: EffectScope[] = []
/** Runs a composable as a page would (its watchers live until `stopComposables`). */
export function runComposable<T>(use: () => T): T {
  const scope = effectScope()
  scopes.push(scope)
  return scope.run(use) as T
}
export function stopComposables(): void {
  for (const scope of scopes.splice(0)) scope.stop()
}
