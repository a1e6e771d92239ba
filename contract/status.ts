/**
 * Verify v1 status codes: the exact `error_text` the sandbox answers with, and what each means for
 * a person using the dashboard. Texts follow the API where sources agree, and the observed live texts
 * where the documentation and the live API differ.
 */
import { NETWORK_UNBLOCK_PATH } from './network-unblock.ts'
import type { ControlCommand, SearchStatus, StatusCode, VerifyEndpoint } from './types.ts'

/** Exact error texts, by code. Functions take the value that the API puts into the text. */
export const ERROR_TEXTS = {
  throttled: 'Throttled',
  missingApiKey: 'Missing api_key',
  missingApiSecret: 'Your request is incomplete and missing some mandatory parameters',
  missingParam: (param: string) =>
    `Your request is incomplete and missing the mandatory parameter: ${param}`,
  invalidParam: (param: string) => `Invalid value for param: ${param}`,
  paramTooLong: (param: string) => `Invalid value for param: ${param}. Parameter is too long.`,
  codeLengthAllowed: 'Invalid value for param: code_length. The allowed values are 4 and 6.',
  codeInvalidCharacters: 'The code contains invalid characters',
  invalidCmd: 'Invalid parameter found: cmd',
  /** Status 4 on request and PSD2. */
  invalidCredentials: 'Invalid credentials were provided',
  /** Status 4 on check, search and control. */
  badCredentials: 'Bad credentials',
  internalError: 'Internal Error',
  /** Status 6 on request (routing failure). */
  notRouted:
    'The Vonage platform was unable to process this message for the following reason: The request could not be routed.',
  /** Status 6 on search (the Java SDK's fixture). */
  searchWrongParameters:
    'The Vonage platform was unable to process this message for the following reason: Wrong parameters.',
  /** Status 6 on check. */
  checkNotFound: (requestId: string) =>
    `The Vonage platform was unable to process this message for the following reason: Request '${requestId}' was not found or it has been verified already.`,
  /** Status 6 on control. */
  controlNotFound: (requestId: string) =>
    `The requestId '${requestId}' does not exist or its no longer active.`,
  blacklisted: 'The number you are trying to verify is blacklisted for verification.',
  barred:
    'The api_key you supplied is for an account that has been barred from submitting messages.',
  quotaExceeded: 'Partner quota exceeded',
  concurrent: 'Concurrent verifications to the same number are not allowed',
  unsupportedNetwork: 'The destination number is not in a supported network',
  wrongCode: 'The code provided does not match the expected value',
  tooManyWrongCodes: 'The wrong code was provided too many times. Request terminated',
  tooManyRequestIds: 'Too many request_ids provided',
  cancelTooEarly: (requestId: string) =>
    `Verification request ['${requestId}'] can't be cancelled within the first 30 seconds.`,
  /** Two spaces after "request", as the API answers. */
  cancelTooLate: (requestId: string) =>
    `Verification request  ['${requestId}'] can't be cancelled now. Too many attempts to re-deliver have already been made.`,
  noMoreEvents: (requestId: string) =>
    `No more events are left to execute for the request ['${requestId}']`,
  pinCodeNotAllowed: 'This account does not support the parameter: pin_code.',
  psd2NotSupported:
    'This account does not support the PSD2 feature. Please contact support for more information at support@nexmo.com.',
  demoMode:
    'Your Vonage account is still in demo mode. While in demo mode you must add target numbers to the approved list for your account. Add funds to your account to remove this limitation.',
  noResponseFound: 'No response found',
  unparseableJson: 'Could not parse request :: Unparseable JSON',
  /** A body in a charset the server cannot decode (the sandbox's own wording, in the API's form). */
  unsupportedCharset: (charset: string) =>
    `Could not parse request :: Unsupported charset: ${charset}`,
  /** A `multipart/form-data` body that is not one (the sandbox's own wording, in the API's form). */
  unparseableMultipart: 'Could not parse request :: Unparseable multipart/form-data body',
} as const

/** The default error text of each code (used e.g. for injected faults). */
export const DEFAULT_ERROR_TEXT: Readonly<Record<Exclude<StatusCode, '0'>, string>> = {
  '1': ERROR_TEXTS.throttled,
  '2': ERROR_TEXTS.missingApiKey,
  '3': ERROR_TEXTS.invalidParam('number'),
  '4': ERROR_TEXTS.invalidCredentials,
  '5': ERROR_TEXTS.internalError,
  '6': ERROR_TEXTS.notRouted,
  '7': ERROR_TEXTS.blacklisted,
  '8': ERROR_TEXTS.barred,
  '9': ERROR_TEXTS.quotaExceeded,
  '10': ERROR_TEXTS.concurrent,
  '15': ERROR_TEXTS.unsupportedNetwork,
  '16': ERROR_TEXTS.wrongCode,
  '17': ERROR_TEXTS.tooManyWrongCodes,
  '18': ERROR_TEXTS.tooManyRequestIds,
  '19': 'No more events are left to execute for the request',
  '20': ERROR_TEXTS.pinCodeNotAllowed,
  '21': ERROR_TEXTS.psd2NotSupported,
  '29': ERROR_TEXTS.demoMode,
  '101': ERROR_TEXTS.noResponseFound,
  '999': ERROR_TEXTS.unparseableJson,
}

/** What a status code means for a user, and what to do next. */
export interface StatusInfo {
  code: string
  title: string
  meaning: string
  nextStep: string
  /** Whether sending the same call again later can succeed without changing anything. */
  retryable: boolean
}

const INFO: Readonly<Record<StatusCode, Omit<StatusInfo, 'code'>>> = {
  '0': {
    title: 'Success',
    meaning: 'The call was accepted.',
    nextStep: 'Continue with the next step of the verification.',
    retryable: false,
  },
  '1': {
    title: 'Throttled',
    meaning: 'More than the allowed number of calls per second were sent for this account.',
    nextStep: 'Wait a second and send it again.',
    retryable: true,
  },
  '2': {
    title: 'Missing parameter',
    meaning: 'A mandatory parameter (or the credentials) was not sent.',
    nextStep: 'Fill in the parameter named in the error text and send it again.',
    retryable: false,
  },
  '3': {
    title: 'Invalid value',
    meaning: 'A parameter has a value the API does not accept.',
    nextStep: 'Correct the parameter named in the error text.',
    retryable: false,
  },
  '4': {
    title: 'Bad credentials',
    meaning: 'The API key and secret do not match an account.',
    nextStep:
      "This server's API key and secret for this environment were refused: whoever runs the server must check them (for the sandbox: the server's sandbox account).",
    retryable: false,
  },
  '5': {
    title: 'Internal error',
    meaning: 'The platform failed while handling the call.',
    nextStep: 'Try again in a moment.',
    retryable: true,
  },
  '6': {
    title: 'Unknown or inactive request',
    meaning:
      'The request could not be routed, or the request_id is unknown, already verified, cancelled, failed or expired.',
    nextStep: 'Search the request to see its status; start a new verification if it has ended.',
    retryable: false,
  },
  '7': {
    title: 'Number blocked',
    meaning:
      "The number is blacklisted for verification: anti-fraud rules block its network (the answer's network names it).",
    nextStep: `Use a different number, or lift the block of that network with network unblock (POST ${NETWORK_UNBLOCK_PATH}). On live, Vonage switches network unblock off by default: ask Vonage support to enable it for the account.`,
    retryable: false,
  },
  '8': {
    title: 'Account barred',
    meaning: 'The account has been barred from submitting messages.',
    nextStep: 'Contact Vonage support.',
    retryable: false,
  },
  '9': {
    title: 'Quota exceeded',
    meaning: 'The account does not have sufficient credit.',
    nextStep: 'Top up the account balance and try again.',
    retryable: false,
  },
  '10': {
    title: 'Verification already in progress',
    meaning: 'A verification to this number is still in progress.',
    nextStep: 'Finish or cancel the request in progress, or wait until it expires.',
    retryable: false,
  },
  '15': {
    title: 'Unsupported network',
    meaning: 'The destination number is not in a supported network.',
    nextStep: 'Use a different number.',
    retryable: false,
  },
  '16': {
    title: 'Wrong code',
    meaning: 'The code does not match the PIN that was sent.',
    nextStep: 'Enter the code again; the third wrong code ends the request.',
    retryable: false,
  },
  '17': {
    title: 'Too many wrong codes',
    meaning: 'A wrong code was entered three times; the request is now FAILED.',
    nextStep: 'Start a new verification.',
    retryable: false,
  },
  '18': {
    title: 'Too many request_ids',
    meaning: 'Search accepts at most ten request_ids at once.',
    nextStep: 'Search ten ids or fewer per call.',
    retryable: false,
  },
  '19': {
    title: 'Not possible now',
    meaning:
      'Cancel is only possible from 30 seconds after the start until the second event, and trigger_next_event only while an event is left.',
    nextStep:
      'Cancel too early (first 30 s): cancel again once 30 s have passed. Cancel too late (a second message or call has gone out): the request can no longer be cancelled; let it finish or expire. No events left: enter the code already sent, or let the request expire.',
    retryable: false,
  },
  '20': {
    title: 'pin_code not enabled',
    meaning: 'Custom PINs (pin_code) are not enabled for this account.',
    nextStep: 'Remove pin_code, or have the feature enabled for the account.',
    retryable: false,
  },
  '21': {
    title: 'PSD2 not enabled',
    meaning: 'The account does not support the PSD2 feature.',
    nextStep: 'Contact Vonage support.',
    retryable: false,
  },
  '29': {
    title: 'Non-permitted destination',
    meaning: 'The account is in demo mode and the number is not on its approved list.',
    nextStep: 'Add the number to the approved list or add funds to the account.',
    retryable: false,
  },
  '101': {
    title: 'No request found',
    meaning:
      'The request_id is unknown, or the request has just finished: its result can take up to a minute to appear in search.',
    nextStep:
      'Check the request_id and the environment; if the request ended moments ago, wait a minute and search again.',
    retryable: true,
  },
  '999': {
    title: 'Unparseable request',
    meaning:
      'The body could not be parsed: JSON that is not JSON, a multipart body that is broken, or a charset that is not known.',
    nextStep: 'Send valid JSON or a form body in UTF-8.',
    retryable: false,
  },
}

export const STATUS_CODES = Object.keys(INFO) as StatusCode[]

export function isStatusCode(code: string): code is StatusCode {
  return Object.prototype.hasOwnProperty.call(INFO, code)
}

type Info = Omit<StatusInfo, 'code'>

/**
 * Status 2 whose text is about the credentials ("Missing api_key", or the API's text for a missing
 * api_secret): the API did not read the key and secret this server sends, so nothing the person
 * using the dashboard fills in can fix it (the dashboard has no credential field).
 */
const CREDENTIALS_NOT_RECEIVED: Info = {
  title: 'Credentials not received',
  meaning:
    "The API did not receive this server's API key and secret for this environment: the call was refused before anything was done.",
  nextStep:
    'Whoever runs the server must check its credentials for this environment (VONAGE_API_KEY and VONAGE_API_SECRET on live; for the sandbox, its sandbox account). If they are set, the account may not read the Basic header: setting VONAGE_AUTH=params sends them as api_key and api_secret parameters instead.',
  retryable: false,
}

/** The error texts of a status 2 about the credentials, lower-cased. */
const CREDENTIAL_TEXTS: ReadonlySet<string> = new Set(
  [ERROR_TEXTS.missingApiKey, ERROR_TEXTS.missingApiSecret].map((t) => t.toLowerCase()),
)

/** Status 2 read by its error text (the context's, or the answer's): the credentials, or not. */
function missingInfo(context: StatusContext): Info | undefined {
  const text = answerText(context.errorText) ?? answerText(context.answer?.error_text)
  return text !== null && CREDENTIAL_TEXTS.has(text.toLowerCase())
    ? CREDENTIALS_NOT_RECEIVED
    : undefined
}

/** A status that means something else on some endpoints than `INFO` says for most. */
const ROUTING_FAILURE: Info = {
  title: 'Could not be routed',
  meaning:
    'The platform could not route this verification to the number (no request was created, nothing was sent).',
  nextStep:
    'Check the number and its country, then start again; if it keeps failing for a valid number, contact Vonage support.',
  retryable: true,
}
/** Status 5 on a start: it may have created the request; sending it again is safe (status 10). */
const START_INTERNAL_ERROR: Info = {
  ...INFO['5'],
  nextStep:
    'Send it again in a moment with the same number: if this start went through after all, the answer is status 10 with its request_id, and no second code is sent.',
}
const BY_ENDPOINT: Partial<Record<VerifyEndpoint, Partial<Record<StatusCode, Info>>>> = {
  request: { '5': START_INTERNAL_ERROR, '6': ROUTING_FAILURE },
  psd2: { '5': START_INTERNAL_ERROR, '6': ROUTING_FAILURE },
  check: {
    '5': {
      ...INFO['5'],
      nextStep:
        'Refresh the request before entering the code again: the check may have been counted. If it is still in progress, enter the code again in a moment.',
    },
  },
  search: {
    '5': { ...INFO['5'], nextStep: 'Search again in a moment.' },
    '6': {
      title: 'Could not be processed',
      meaning: 'The platform could not process this search (wrong parameters).',
      nextStep: 'Check the request_id values sent (up to 10, each of up to 32 characters).',
      retryable: false,
    },
  },
}

/** Status 5 on a control call, by command: whether it went through is not known. */
const CONTROL_INTERNAL_ERROR: Readonly<Record<ControlCommand, Info>> = {
  cancel: {
    ...INFO['5'],
    nextStep:
      'Refresh the request first: the cancel may have gone through. If it is still in progress, cancel again in a moment.',
  },
  trigger_next_event: {
    ...INFO['5'],
    nextStep:
      'Refresh the request first: the next message or call may be on its way. If none went out, trigger the next event again in a moment.',
  },
}

/** Status 19, by command and, for a cancel, by its error text (too early or too late). */
const CONTROL_NOT_NOW = {
  tooEarly: {
    title: 'Too early to cancel',
    meaning: 'A request can be cancelled only from 30 seconds after its start.',
    nextStep: 'Cancel again once 30 s have passed since the start.',
    retryable: false,
  },
  tooLate: {
    title: 'Too late to cancel',
    meaning: 'A request can no longer be cancelled once its second message or call has gone out.',
    nextStep: 'The request can no longer be cancelled: let it finish or expire.',
    retryable: false,
  },
  cancel: {
    title: 'Not possible now',
    meaning:
      'Cancel is only possible from 30 seconds after the start until the second message or call.',
    nextStep:
      'If the start was less than 30 s ago, cancel again once 30 s have passed; if a second message or call has gone out, the request can no longer be cancelled: let it finish or expire.',
    retryable: false,
  },
  noEventsLeft: {
    title: 'No events left',
    meaning: 'No message or call is left to send for this request.',
    nextStep: 'Enter the code already sent, or let the request expire.',
    retryable: false,
  },
} as const satisfies Record<string, Info>

/** What else than the code and endpoint can tell what a status means for the call that got it. */
export interface StatusContext {
  /** The control command sent (`cancel`, `trigger_next_event`). */
  cmd?: ControlCommand
  /**
   * The answer's `error_text` (a status 19 on a cancel says whether it was too early or late, a
   * status 2 whether the credentials or a parameter was missing).
   */
  errorText?: string
  /**
   * The answer to a start (request, PSD2): a status 7 names the blocked network (`network`), a
   * status 10 the request in progress (`request_id`), when it has them; its `error_text` is read
   * as `errorText` is when that is not given.
   */
  answer?: { request_id?: unknown; network?: unknown; error_text?: unknown }
}

/** A field of an answer when it is a non-empty text. */
function answerText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

/** Status 7 and 10 on a start, as its answer words them: the network blocked, the request named. */
function startInfo(key: StatusCode, answer: StatusContext['answer']): Info | undefined {
  if (!answer) return undefined
  if (key === '7') {
    const network = answerText(answer.network)
    if (!network) {
      return {
        ...INFO['7'],
        meaning:
          'The number is blacklisted for verification: anti-fraud rules block it (the answer names no network).',
        nextStep: 'Use a different number, or contact Vonage support.',
      }
    }
    return {
      ...INFO['7'],
      meaning: `The number is blacklisted for verification: anti-fraud rules block its network, ${network}.`,
      nextStep: `Use a different number, or lift the block of network ${network} with network unblock (POST ${NETWORK_UNBLOCK_PATH} with {"network": "${network}"}; for up to 24 hours, 1 hour by default). On live, Vonage switches network unblock off by default: ask Vonage support to enable it for the account.`,
    }
  }
  if (key === '10') {
    if (answerText(answer.request_id)) {
      return {
        ...INFO['10'],
        meaning: 'A verification to this number is still in progress: the answer names it.',
      }
    }
    return {
      ...INFO['10'],
      meaning:
        'A verification to this number is still in progress, but the answer does not say which (it has no request_id).',
      nextStep:
        'Find the request in progress to this number in History (or wherever it was started), then finish or cancel it, or wait until it expires.',
    }
  }
  return undefined
}

function controlInfo(key: StatusCode, context: StatusContext): Info | undefined {
  const { cmd, errorText = '' } = context
  if (!cmd) return undefined
  if (key === '5') return CONTROL_INTERNAL_ERROR[cmd]
  if (key !== '19') return undefined
  if (cmd === 'trigger_next_event') return CONTROL_NOT_NOW.noEventsLeft
  if (/first 30 seconds/i.test(errorText)) return CONTROL_NOT_NOW.tooEarly
  if (/cancelled now|too many attempts/i.test(errorText)) return CONTROL_NOT_NOW.tooLate
  return CONTROL_NOT_NOW.cancel
}

/**
 * The user-facing meaning of a status code; unknown codes get a generic entry. With the
 * `endpoint` that answered it, a status whose meaning depends on the endpoint (6 on a start: the
 * request could not be routed, no request exists) reads as there, and its next step is one for
 * that call (5 on a check: refresh first; on a search: search again). For `control`, the
 * `context` gives the command and the error text: a 19 on trigger_next_event means no event is
 * left, on a cancel too early or too late (told by its error text). For a start, the `context`'s
 * `answer` words a 7 with the network it names and a 10 with or without the request it names. On
 * every endpoint, a status 2 whose error text (`context.errorText`, or the answer's) says the API
 * key or secret is missing is read as credentials this server sent that did not reach the API.
 */
export function statusInfo(
  code: string | number,
  endpoint?: VerifyEndpoint,
  context: StatusContext = {},
): StatusInfo {
  const key = String(code)
  if (isStatusCode(key)) {
    const own =
      (key === '2' ? missingInfo(context) : undefined) ??
      (endpoint === 'control' ? controlInfo(key, context) : undefined) ??
      (endpoint === 'request' || endpoint === 'psd2'
        ? startInfo(key, context.answer)
        : undefined) ??
      (endpoint ? BY_ENDPOINT[endpoint]?.[key] : undefined)
    return { code: key, ...(own ?? INFO[key]) }
  }
  return {
    code: key,
    title: `Status ${key}`,
    meaning: 'A status code this dashboard does not know.',
    nextStep: 'See the error text of the answer.',
    retryable: false,
  }
}

/** What each search status means and what to do next (every status but IN PROGRESS is final). */
export const SEARCH_STATUS_INFO: Readonly<
  Record<SearchStatus, { title: string; meaning: string; nextStep: string }>
> = {
  'IN PROGRESS': {
    title: 'In progress',
    meaning: 'The verification is still in progress; a code can be checked.',
    nextStep:
      'Enter the code the user received, or cancel (possible from 30 s after the start until the second message or call).',
  },
  SUCCESS: {
    title: 'Verified',
    meaning: 'A correct code was entered.',
    nextStep: 'Nothing left to do: the number is verified.',
  },
  FAILED: {
    title: 'Failed',
    meaning: 'A wrong code was entered too many times.',
    nextStep: 'Start a new verification to send a new code.',
  },
  EXPIRED: {
    title: 'Expired',
    meaning: 'No correct code was entered before the request expired.',
    nextStep: 'Start a new verification to send a new code.',
  },
  CANCELLED: {
    title: 'Cancelled',
    meaning: 'The request was cancelled by a control request.',
    nextStep: 'Start a new verification if the number still needs to be verified.',
  },
}
