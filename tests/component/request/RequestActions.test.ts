import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RequestActions from '@/components/request/RequestActions.vue'
import { failureOutcome } from '@/composables/useRequestActions'
import type { ActionName, ActionOutcome } from '@/utils/request-actions'
import { ApiError, OFFLINE_MESSAGE } from '@/api/client'
import { eachTestInNewTab } from './support'

eachTestInNewTab()

const OPEN = { allowed: true, reason: null, opensAt: null }

/** The outcome of a failed action as the request page builds it (title, message, next step). */
const failed = (action: ActionName, error: ApiError): ActionOutcome =>
  failureOutcome(action, error, 1)

function said(outcome: ActionOutcome): string {
  const wrapper = mount(RequestActions, {
    props: { cancel: OPEN, next: OPEN, busy: null, outcome },
  })
  return wrapper.get('[data-test="action-outcome"]').text()
}

function sandboxError(...args: ConstructorParameters<typeof ApiError>): ApiError {
  const error = new ApiError(...args)
  error.environment = 'sandbox'
  return error
}

/** How often `part` is said in `text` (case and end punctuation aside). */
function times(text: string, part: string): number {
  const needle = part.replace(/[.!?]$/, '').toLowerCase()
  return text.toLowerCase().split(needle).length - 1
}

describe('RequestActions: the answer to an action', () => {
  it('a check not sent because the browser is offline says so once, with what to do', () => {
    const text = said(failed('check', sandboxError('offline', OFFLINE_MESSAGE)))
    expect(text).toBe(
      'This browser is offline: nothing was sent. Next: Check the connection, then try again.',
    )
  })

  it('a lost connection is said once, with the browser detail, then the next step', () => {
    const text = said(
      failed(
        'check',
        sandboxError(
          'network',
          'No answer: the connection to the server failed or was lost (Failed to fetch).',
        ),
      ),
    )
    expect(text).toBe(
      'No answer: the connection to the server failed or was lost (Failed to fetch). Next: The code may have been checked: refresh the request and look at its status before entering the code again.',
    )
  })

  it.each<[string, ApiError]>([
    ['offline', sandboxError('offline', OFFLINE_MESSAGE)],
    [
      'a lost connection',
      sandboxError(
        'network',
        'No answer: the connection to the server failed or was lost (Failed to fetch).',
      ),
    ],
    [
      'no answer in time',
      sandboxError('timeout', 'No answer from the server in time: none within 30 s.'),
    ],
    [
      'an error status',
      sandboxError('http', 'The server answered an error (HTTP 500)', { httpStatus: 500 }),
    ],
    [
      'an error status with a text',
      sandboxError('http', 'The server answered an error (HTTP 500): Oops', { httpStatus: 500 }),
    ],
    [
      'an answer that is not JSON',
      sandboxError('bad_response', 'The server answered something unexpected (not JSON): <html>', {
        httpStatus: 200,
      }),
    ],
    ['a call cancelled', sandboxError('aborted', 'The call was cancelled.')],
    [
      "the server's busy queue",
      sandboxError('proxy', 'Too many calls are waiting for the sandbox.', {
        httpStatus: 503,
        code: 'queue_full',
        delivery: 'not_sent',
      }),
    ],
  ])('%s: the title and the message never repeat each other', (_name, error) => {
    for (const action of ['check', 'cancel', 'next'] as const) {
      const outcome = failed(action, error)
      const text = said(outcome)
      expect(times(text, outcome.title), text).toBe(1)
      const sentences = text.split(/(?<=[.!?])\s+/)
      expect(new Set(sentences).size, text).toBe(sentences.length)
    }
  })

  it('an API answer whose text is its title (status 1, Throttled) says it once', () => {
    const text = said({
      action: 'cancel',
      ok: false,
      status: '1',
      failure: null,
      title: 'Throttled',
      message: 'Throttled',
      nextStep: 'Wait a moment, then try again.',
      statusChange: '',
      codeUsed: false,
      at: 1,
    })
    expect(text).toBe('Status 1: Throttled. Next: Wait a moment, then try again.')
  })
})
