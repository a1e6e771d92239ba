import { describe, expect, it } from 'vitest'
import {
  answerNextStep,
  answeredWithHttp,
  deliveryOf,
  describeFailure,
  describeReadFailure,
  failureTitle,
  httpStatusNote,
  sayOnce,
  START_MAY_HAVE_GONE_OUT,
  UNUSABLE_ANSWER,
  type CallFailure,
  type FailedAction,
} from '@/utils/call-failure'

const MAY_HAVE_RUN =
  ' The call may still have been processed and a code sent. Sending it again with the same number is safe: if the first one went through, Vonage answers status 10 with its request_id instead of sending a second code.'

/** A proxy error as the client reads it, with the `delivery` the proxy gave, if any. */
const proxy = (
  httpStatus: number,
  code: string,
  message: string,
  delivery?: CallFailure['delivery'],
): CallFailure => ({
  kind: 'proxy',
  httpStatus,
  code,
  message,
  ...(delivery ? { delivery } : {}),
})

describe('whether a failed call may have reached Vonage', () => {
  it.each<[string, CallFailure]>([
    [
      '504 upstream_timeout',
      proxy(504, 'upstream_timeout', `Vonage did not answer within 15 s.${MAY_HAVE_RUN}`, 'maybe'),
    ],
    [
      '502 upstream_unreachable after sending',
      proxy(
        502,
        'upstream_unreachable',
        `Vonage dropped the connection before answering (ECONNRESET).${MAY_HAVE_RUN}`,
        'maybe',
      ),
    ],
    [
      '502 upstream_bad_response (an HTML page)',
      proxy(
        502,
        'upstream_bad_response',
        `Vonage answered with an error page (HTTP 502, text/html): "<html>".${MAY_HAVE_RUN}`,
        'maybe',
      ),
    ],
    ['the browser timeout', { kind: 'timeout', message: 'No answer within 30 s.' }],
    ['a lost connection', { kind: 'network', message: 'Failed to fetch' }],
    ['a 200 that is not JSON', { kind: 'bad_response', message: 'Not JSON' }],
    [
      'a call stopped after it left (aborted)',
      { kind: 'aborted', message: 'The call was stopped before its answer came.' },
    ],
    ['an unknown 5xx code', proxy(500, 'internal_error', 'The Verify Desk server failed.')],
    [
      'an unknown 4xx code whose delivery says so',
      proxy(409, 'something_new', 'The command may have been carried out.', 'maybe'),
    ],
  ])('%s: may have gone out', (_, error) => {
    expect(deliveryOf(error)).toBe('maybe')
  })

  it.each<[string, CallFailure]>([
    [
      '502 upstream_unreachable "Nothing was sent"',
      proxy(
        502,
        'upstream_unreachable',
        'Vonage could not be reached (ECONNREFUSED). Nothing was sent.',
        'not_sent',
      ),
    ],
    [
      '503 queue_full',
      proxy(
        503,
        'queue_full',
        'Too many calls are already waiting. Wait a few seconds and try again.',
        'not_sent',
      ),
    ],
    [
      '503 server_closing',
      proxy(503, 'server_closing', 'The server is shutting down.', 'not_sent'),
    ],
    [
      'an unknown 503 code whose delivery says so',
      proxy(503, 'busy_elsewhere', 'Busy, try later.', 'not_sent'),
    ],
  ])('%s: not sent', (_, error) => {
    expect(deliveryOf(error)).toBe('not_sent')
  })

  it.each([
    [403, 'cross_site_request'],
    [403, 'host_not_allowed'],
    [404, 'not_found'],
    [405, 'method_not_allowed'],
    [413, 'payload_too_large'],
    [415, 'unsupported_media_type'],
    [503, 'environment_unavailable'],
    [418, 'a_code_not_known_yet'],
  ])('HTTP %i %s: refused, and would be again', (status, code) => {
    expect(deliveryOf(proxy(status, code, 'Refused.'))).toBe('refused')
  })

  it('401 unauthorized is for the token prompt', () => {
    expect(deliveryOf(proxy(401, 'unauthorized', 'Token needed.'))).toBe('token')
  })

  it('a 401 that is not this server asking for its token is a refusal, not a token prompt', () => {
    const vonage: CallFailure = {
      kind: 'http',
      httpStatus: 401,
      message: 'You did not provide correct credentials.',
    }
    expect(deliveryOf(vonage)).toBe('refused')
  })
})

describe('Vonage refusing the call itself', () => {
  it('refused server credentials: nothing processed, and the same call fails until they are fixed', () => {
    const view = describeFailure(
      'start',
      proxy(
        502,
        'upstream_credentials_refused',
        "The Vonage API refused this server's credentials (HTTP 401), so nothing was processed.",
      ),
    )
    expect(view).toEqual({
      delivery: 'refused',
      // No "(HTTP 502)": that is the proxy's status, while the message names Vonage's 401.
      title: "Vonage refused this server's credentials",
      heading: "Vonage refused this server's credentials",
      nextStep:
        'Vonage processed nothing, and will refuse every call until whoever runs this server fixes its VONAGE_API_KEY and VONAGE_API_SECRET.',
    })
  })

  it('a 429 was not processed: wait as long as Vonage said, then send again', () => {
    const failure = {
      ...proxy(429, 'upstream_rate_limited', 'Too many requests.', 'not_sent'),
      retryAfter: 7,
    }
    expect(describeFailure('check', failure)).toEqual({
      delivery: 'not_sent',
      title: 'Vonage asks to slow down (HTTP 429)',
      heading: 'The code was not sent',
      nextStep: 'Vonage did not process it. Wait 7 s, then check the code again.',
    })
    expect(describeReadFailure(failure)).toEqual({
      title: 'Vonage asks to slow down (HTTP 429)',
      nextStep: 'Wait 7 s, then try again.',
    })
  })
})

describe('the failed start card', () => {
  it('a start that may have gone out says so and sends it again with the same number', () => {
    const view = describeFailure(
      'start',
      proxy(504, 'upstream_timeout', `Vonage did not answer within 15 s.${MAY_HAVE_RUN}`, 'maybe'),
    )
    expect(view).toEqual({
      delivery: 'maybe',
      title: 'No answer from Vonage (HTTP 504)',
      heading: 'The start may have gone out',
      nextStep:
        'Send it again with the same number: if the first one went through, Vonage answers status 10 and names that request — no second code is sent.',
    })
    expect(START_MAY_HAVE_GONE_OUT.heading).toBe(view.heading)
  })

  it('a start refused by the server tells the agent to report the quoted code', () => {
    const view = describeFailure('start', proxy(415, 'unsupported_media_type', 'Send a form.'))
    expect(view.heading).toBe('The server refused the start')
    expect(view.nextStep).toBe(
      'Nothing was sent, and the same call will fail again: report the code unsupported_media_type (HTTP 415) to whoever runs this server.',
    )
  })

  it('live off on this server says to choose Sandbox or set the credentials', () => {
    const view = describeFailure('start', proxy(503, 'environment_unavailable', 'Live is off.'))
    expect(view.heading).toBe('Live is not available on this server')
    expect(view.nextStep).toBe(
      'Nothing was sent: live is off on this server. Choose Sandbox, or ask whoever runs it to set VONAGE_API_KEY and VONAGE_API_SECRET.',
    )
  })

  it('queue_full was not sent: wait as long as Retry-After says, then send again', () => {
    const view = describeFailure('start', {
      ...proxy(503, 'queue_full', 'Too many calls are already waiting.', 'not_sent'),
      retryAfter: 2,
    })
    expect(view).toMatchObject({
      delivery: 'not_sent',
      title: 'The server is busy (HTTP 503)',
      heading: 'The start was not sent',
      nextStep: 'Nothing was sent. Wait 2 s, then send it again.',
    })
  })

  it('Vonage unreachable before sending: not sent, send again', () => {
    const view = describeFailure(
      'start',
      proxy(
        502,
        'upstream_unreachable',
        'Vonage could not be reached (ENOTFOUND). Nothing was sent.',
        'not_sent',
      ),
    )
    expect(view.title).toBe('Vonage could not be reached (HTTP 502)')
    expect(view.heading).toBe('The start was not sent')
    expect(view.nextStep).toMatch(/^Nothing was sent: send it again;/)
  })

  it('a start cut off by a page reload (Failed to fetch) never claims the server was unreachable', () => {
    // The browser gives the same error for a server that is down and for a call left behind by a
    // reload: the start may have reached the server and gone out.
    const view = describeFailure('start', {
      kind: 'network',
      message: 'No answer: the connection to the server failed or was lost (Failed to fetch).',
    })
    expect(view).toEqual({
      delivery: 'maybe',
      title: 'No answer: the connection to the server failed or was lost',
      heading: 'The start may have gone out',
      nextStep: START_MAY_HAVE_GONE_OUT.nextStep,
    })
    expect(view.title).not.toMatch(/could not be reached|unreachable/i)
  })

  it('401 asks for the token', () => {
    expect(describeFailure('start', proxy(401, 'unauthorized', 'Token.')).nextStep).toBe(
      'Enter the access token of this server, then send it again.',
    )
  })
})

describe('a failed check', () => {
  it('after a 504 the code may have been checked: refresh before entering it again', () => {
    const view = describeFailure(
      'check',
      proxy(504, 'upstream_timeout', `Vonage did not answer within 15 s.${MAY_HAVE_RUN}`, 'maybe'),
    )
    expect(view.title).toBe('No answer from Vonage (HTTP 504)')
    expect(view.nextStep).toBe(
      'The code may have been checked: refresh the request and look at its status before entering the code again.',
    )
  })

  it('queue_full: nothing was sent, check the code again', () => {
    expect(describeFailure('check', proxy(503, 'queue_full', 'Busy.', 'not_sent')).nextStep).toBe(
      'Nothing was sent. Wait a few seconds, then check the code again.',
    )
  })

  it('titles without a proxy code name what happened', () => {
    expect(failureTitle({ kind: 'timeout', message: 'No answer within 30 s.' })).toBe(
      'No answer from the server in time',
    )
    expect(failureTitle({ kind: 'network', message: 'Failed to fetch' })).toBe(
      'No answer: the connection to the server failed or was lost',
    )
    // The 502 is the proxy's own: its message names what Vonage answered (HTTP 200, text/html).
    expect(failureTitle(proxy(502, 'upstream_bad_response', 'HTML'))).toBe(
      'Vonage answered something unexpected',
    )
  })
})

describe('a failed read (search, the sandbox view)', () => {
  it('a lost connection: check the connection to this server', () => {
    expect(describeReadFailure({ kind: 'network', message: 'Failed to fetch' })).toEqual({
      title: 'No answer: the connection to the server failed or was lost',
      nextStep: 'Check the connection to this server, then try again.',
    })
  })

  it('Vonage did not answer: try again, then ask about the connection to Vonage', () => {
    expect(
      describeReadFailure(proxy(504, 'upstream_timeout', 'No answer. Try again in a moment.')),
    ).toEqual({
      title: 'No answer from Vonage (HTTP 504)',
      nextStep:
        'Try again in a moment; if it keeps failing, ask whoever runs the server to check its connection to Vonage.',
    })
  })
})

describe('an answer of the upstream the dashboard cannot use, or one with an unusual HTTP status', () => {
  const proxyMessage =
    'Vonage answered with an error page instead of a Verify answer (HTTP 200, text/html): "<html>".'

  it('a non-JSON answer: the title has no 502 beside the "(HTTP 200, text/html)" of the message', () => {
    const view = describeFailure(
      'start',
      proxy(502, 'upstream_bad_response', proxyMessage, 'maybe'),
    )
    expect(view.title).toBe('Vonage answered something unexpected')
    expect(`${view.title} ${proxyMessage}`.match(/HTTP \d+/g)).toEqual(['HTTP 200'])
  })

  it('an unusable answer may have gone out, titled as the upstream answer with its HTTP status', () => {
    const failure = {
      kind: 'bad_response',
      code: UNUSABLE_ANSWER,
      message: 'Vonage answered without a status',
      httpStatus: 500,
      environment: 'live',
    }
    expect(describeFailure('start', failure)).toMatchObject({
      delivery: 'maybe',
      title: 'Vonage answered something this dashboard cannot use (HTTP 500)',
      heading: 'The start may have gone out',
    })
    expect(describeFailure('check', { ...failure, environment: 'sandbox' })).toMatchObject({
      delivery: 'maybe',
      title: 'The sandbox answered something this dashboard cannot use (HTTP 500)',
      heading: 'The code may have gone out',
    })
  })

  it('a Verify answer with an HTTP error status: said as the upstream own, nothing for 2xx', () => {
    expect(answeredWithHttp(500, 'live')).toBe(
      'Vonage sent this answer with HTTP 500 instead of the usual 200: the status and error text are its own answer to the call.',
    )
    expect(answeredWithHttp(409, 'sandbox')).toMatch(/^The sandbox sent this answer with HTTP 409/)
    expect(answeredWithHttp(200, 'live')).toBe('')
    expect(answeredWithHttp(undefined, 'live')).toBe('')
  })

  it('notes the HTTP status after a title or code the same way everywhere, nothing without one', () => {
    expect(`upstream_timeout${httpStatusNote(504)}`).toBe('upstream_timeout (HTTP 504)')
    expect(httpStatusNote(200)).toBe(' (HTTP 200)')
    expect(httpStatusNote(null)).toBe('')
    expect(httpStatusNote(undefined)).toBe('')
    // The titles use the same note.
    const failure: CallFailure = { kind: 'proxy', code: 'queue_full', message: '', httpStatus: 503 }
    expect(failureTitle(failure)).toBe(`The server is busy${httpStatusNote(503)}`)
  })
})

describe('a call the browser did not send because it was offline', () => {
  const offline: CallFailure = {
    kind: 'offline',
    message: 'This browser is offline: nothing was sent.',
    environment: 'sandbox',
  }

  it.each<[FailedAction, string]>([
    ['start', 'The start was not sent'],
    ['check', 'The code was not sent'],
    ['cancel', 'The cancel was not sent'],
    ['next', 'The next event was not sent'],
  ])('%s: not sent, never "may have gone out"', (action, heading) => {
    expect(deliveryOf(offline)).toBe('not_sent')
    expect(describeFailure(action, offline)).toEqual({
      delivery: 'not_sent',
      title: 'This browser is offline',
      heading,
      nextStep: 'Check the connection, then try again.',
    })
  })

  it('a read: check the connection, then try again', () => {
    expect(describeReadFailure(offline)).toEqual({
      title: 'This browser is offline',
      nextStep: 'Check the connection, then try again.',
    })
  })

  it('a lost connection (sent, then no answer) still may have gone out', () => {
    const lost: CallFailure = { kind: 'network', message: 'No answer (Failed to fetch).' }
    expect(describeFailure('check', lost).delivery).toBe('maybe')
  })
})

describe('a title and a message said once', () => {
  it.each([
    ['the API text repeats the title', 'Throttled', 'Throttled.', 'Throttled', ''],
    ['only in case and spacing', 'Invalid code', ' invalid  CODE ', 'Invalid code', ''],
    [
      'the message is the title with a detail',
      'No answer: the connection to the server failed or was lost',
      'No answer: the connection to the server failed or was lost (Failed to fetch).',
      '',
      'No answer: the connection to the server failed or was lost (Failed to fetch).',
    ],
    [
      'the offline message says the title and more',
      'This browser is offline',
      'This browser is offline: nothing was sent.',
      '',
      'This browser is offline: nothing was sent.',
    ],
    [
      'different things',
      'Wrong code',
      'The code does not match.',
      'Wrong code',
      'The code does not match.',
    ],
    ['no message', 'Request cancelled.', '', 'Request cancelled.', ''],
  ])('%s', (_name, title, message, shownTitle, shownMessage) => {
    expect(sayOnce(title, message)).toEqual({ title: shownTitle, message: shownMessage })
  })
})

describe('answerNextStep: a throttled answer (status 1) with Retry-After', () => {
  const throttled = { status: '1', retryAfter: 7 }

  it('names the action to do again, worded as for HTTP 429', () => {
    expect(answerNextStep(throttled, 'Wait a second and send it again.', 'start')).toBe(
      'Wait 7 s, then send it again.',
    )
    expect(answerNextStep(throttled, 'Wait a second and check again.', 'check')).toBe(
      'Wait 7 s, then check the code again.',
    )
    const http429 = describeFailure('check', {
      ...proxy(429, 'upstream_rate_limited', 'Too many requests.', 'not_sent'),
      retryAfter: 7,
    })
    expect(http429.nextStep).toContain('Wait 7 s, then check the code again.')
  })

  it("keeps the status's own next step without Retry-After, or for another status", () => {
    expect(answerNextStep({ status: '1' }, 'Wait a second and check again.', 'check')).toBe(
      'Wait a second and check again.',
    )
    expect(answerNextStep({ status: '16', retryAfter: 7 }, 'Check the code.', 'check')).toBe(
      'Check the code.',
    )
  })
})
