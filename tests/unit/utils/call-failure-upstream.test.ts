import { describe, expect, it } from 'vitest'
import {
  describeFailure,
  describeReadFailure,
  failureTitle,
  START_MAY_HAVE_GONE_OUT,
  upstreamNames,
  type CallFailure,
  type FailedAction,
} from '@/utils/call-failure'

/** A proxy error as the client reads it, from a call to `environment`. */
const proxy = (
  environment: string | undefined,
  httpStatus: number,
  code: string,
  delivery?: CallFailure['delivery'],
): CallFailure => ({
  kind: 'proxy',
  httpStatus,
  code,
  message: 'the server message',
  ...(delivery ? { delivery } : {}),
  ...(environment ? { environment } : {}),
})

const UPSTREAM_CODES: Array<[number, string, CallFailure['delivery']]> = [
  [504, 'upstream_timeout', 'maybe'],
  [504, 'upstream_timeout', 'not_sent'],
  [502, 'upstream_unreachable', 'maybe'],
  [502, 'upstream_unreachable', 'not_sent'],
  [502, 'upstream_bad_response', 'maybe'],
  [502, 'upstream_credentials_refused', undefined],
  [429, 'upstream_rate_limited', 'not_sent'],
  [503, 'queue_full', 'not_sent'],
  [503, 'server_closing', 'not_sent'],
]
const ACTIONS: FailedAction[] = ['start', 'check', 'cancel', 'next']

describe('failure texts name the upstream of the environment called', () => {
  it('on the sandbox: the titles the audit found blaming Vonage name the sandbox', () => {
    expect(failureTitle(proxy('sandbox', 504, 'upstream_timeout', 'maybe'))).toBe(
      'No answer from the sandbox (HTTP 504)',
    )
    expect(failureTitle(proxy('sandbox', 502, 'upstream_unreachable', 'maybe'))).toBe(
      'The connection to the sandbox dropped (HTTP 502)',
    )
    expect(failureTitle(proxy('sandbox', 502, 'upstream_unreachable', 'not_sent'))).toBe(
      'The sandbox could not be reached (HTTP 502)',
    )
    expect(failureTitle(proxy('sandbox', 502, 'upstream_bad_response', 'maybe'))).toBe(
      'The sandbox answered something unexpected',
    )
    expect(failureTitle(proxy('sandbox', 502, 'upstream_credentials_refused'))).toBe(
      "The sandbox refused this server's credentials",
    )
    expect(failureTitle(proxy('sandbox', 429, 'upstream_rate_limited', 'not_sent'))).toBe(
      'The sandbox asks to slow down (HTTP 429)',
    )
  })

  it('on the sandbox: a start that may have gone out is answered 10 by the sandbox', () => {
    const view = describeFailure('start', proxy('sandbox', 504, 'upstream_timeout', 'maybe'))
    expect(view).toEqual({
      delivery: 'maybe',
      title: 'No answer from the sandbox (HTTP 504)',
      heading: 'The start may have gone out',
      nextStep:
        'Send it again with the same number: if the first one went through, the sandbox answers status 10 and names that request — no second code is sent.',
    })
  })

  it('on the sandbox: when calls keep failing, points at injected faults', () => {
    expect(
      describeFailure('check', proxy('sandbox', 502, 'upstream_unreachable', 'not_sent')).nextStep,
    ).toBe(
      'Nothing was sent: check the code again; if it keeps failing, look for a fault injected into the sandbox (Sandbox controls), or ask whoever runs the server.',
    )
    expect(
      describeReadFailure(proxy('sandbox', 502, 'upstream_bad_response', 'maybe')).nextStep,
    ).toBe(
      'Try again in a moment; if it keeps failing, look for a fault injected into the sandbox (Sandbox controls), or ask whoever runs the server.',
    )
  })

  it('on the sandbox: no title, heading or next step names Vonage', () => {
    for (const [status, code, delivery] of UPSTREAM_CODES) {
      const error = proxy('sandbox', status, code, delivery)
      const texts = [failureTitle(error), ...Object.values(describeReadFailure(error))]
      for (const action of ACTIONS) texts.push(...Object.values(describeFailure(action, error)))
      for (const text of texts) expect(text, `${code} ${delivery}`).not.toMatch(/Vonage|VONAGE/)
    }
  })

  it('on live (and when the environment is not known): the texts name Vonage as before', () => {
    for (const environment of ['live', undefined]) {
      expect(failureTitle(proxy(environment, 504, 'upstream_timeout', 'maybe'))).toBe(
        'No answer from Vonage (HTTP 504)',
      )
      expect(failureTitle(proxy(environment, 502, 'upstream_unreachable', 'maybe'))).toBe(
        'The connection to Vonage dropped (HTTP 502)',
      )
      const start = describeFailure('start', proxy(environment, 504, 'upstream_timeout', 'maybe'))
      expect(start.nextStep).toBe(START_MAY_HAVE_GONE_OUT.nextStep)
      expect(
        describeFailure('start', proxy(environment, 502, 'upstream_credentials_refused')).nextStep,
      ).toBe(
        'Vonage processed nothing, and will refuse every call until whoever runs this server fixes its VONAGE_API_KEY and VONAGE_API_SECRET.',
      )
      expect(
        describeReadFailure(proxy(environment, 502, 'upstream_bad_response', 'maybe')).nextStep,
      ).toBe(
        'Try again in a moment; if it keeps failing, ask whoever runs the server to check its connection to Vonage.',
      )
    }
  })

  it('names where a list of starts went: the sandbox, Vonage, or both', () => {
    expect(upstreamNames(['sandbox', 'sandbox'])).toBe('the sandbox')
    expect(upstreamNames(['live'])).toBe('Vonage')
    expect(upstreamNames(['live', 'sandbox'])).toBe('the sandbox or Vonage')
  })
})
