/**
 * The Verify v1 status codes and error texts, written down from the API reference (not from the
 * sandbox's code) so the black-box tests hold the sandbox to the documented wire contract.
 * Where the sources disagree and the reference names the emulator's choice, only that text is
 * accepted; where it names none, every documented variant is accepted (and nothing else).
 */

/** Status 2: a missing parameter (observed wording, with the colon). */
export const missing = (param: string) =>
  `Your request is incomplete and missing the mandatory parameter: ${param}`
export const MISSING_API_KEY = 'Missing api_key'
export const MISSING_SOME = 'Your request is incomplete and missing some mandatory parameters'

/** Status 3: an invalid value. */
export const invalid = (param: string) => `Invalid value for param: ${param}`
export const TOO_LONG = (param: string) =>
  `Invalid value for param: ${param}. Parameter is too long.`
export const CODE_LENGTH_ALLOWED =
  'Invalid value for param: code_length. The allowed values are 4 and 6.'
export const CODE_INVALID_CHARS = 'The code contains invalid characters'
export const CMD_INVALID = 'Invalid parameter found: cmd'

/** Status 4: the request endpoints document one text, check/search/control another. */
export const BAD_CREDENTIALS_REQUEST = ['Invalid credentials were provided', 'Bad Credentials']
export const BAD_CREDENTIALS_OTHER = ['Bad credentials']

/** Status 6. */
export const CHECK_NOT_FOUND = (id: string) =>
  `The Vonage platform was unable to process this message for the following reason: Request '${id}' was not found or it has been verified already.`
export const CONTROL_NOT_ACTIVE = (id: string) =>
  `The requestId '${id}' does not exist or its no longer active.`

export const THROTTLED = 'Throttled'
export const CONCURRENT = 'Concurrent verifications to the same number are not allowed'
/** Status 16: the reference's EMULATOR choice is the observed "provided" wording. */
export const WRONG_CODE = 'The code provided does not match the expected value'
/** Status 17: the spec example and the observed text differ; the reference names no choice. */
export const TOO_MANY_WRONG = [
  'The wrong code was provided too many times. Request terminated',
  'A wrong code was provided too many times. Workflow terminated',
]
export const TOO_MANY_IDS = 'Too many request_ids provided'
export const CANCEL_TOO_EARLY = (id: string) =>
  `Verification request ['${id}'] can't be cancelled within the first 30 seconds.`
/** Two spaces after "request", as in the spec and a real user report. */
export const CANCEL_TOO_LATE = (id: string) =>
  `Verification request  ['${id}'] can't be cancelled now. Too many attempts to re-deliver have already been made.`
export const NO_MORE_EVENTS = (id: string) =>
  `No more events are left to execute for the request ['${id}']`
export const PIN_CODE_NOT_ALLOWED = 'This account does not support the parameter: pin_code.'
export const NO_RESPONSE = 'No response found'
export const UNPARSEABLE_JSON = 'Could not parse request :: Unparseable JSON'
/**
 * The sandbox's own 999 texts, in the documented form "Could not parse request :: <reason>", for
 * bodies the reference says nothing of: a charset TextDecoder does not know, a broken multipart body.
 */
export const UNSUPPORTED_CHARSET = (charset: string) =>
  `Could not parse request :: Unsupported charset: ${charset}`
export const UNPARSEABLE_MULTIPART =
  'Could not parse request :: Unparseable multipart/form-data body'

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const id = '[0-9a-f]{32}'
const any = (...texts: string[]) => new RegExp(`^(?:${texts.join('|')})$`)

/**
 * Every error text the reference documents, per status, as a pattern over any parameter name or
 * request id. Faults the admin API injects (5, 7, 8, 9, 15, 29) are included with their texts.
 */
export const DOCUMENTED: Record<string, RegExp> = {
  '1': any(escape(THROTTLED)),
  '2': any(
    escape(MISSING_API_KEY),
    escape(MISSING_SOME),
    `${escape('Your request is incomplete and missing the mandatory parameter: ')}[a-z_]+`,
  ),
  '3': any(
    `${escape('Invalid value for param: ')}[a-z_]+(?:${escape('. Parameter is too long.')}|${escape('. The allowed values are 4 and 6.')}|[^\\n]*)?`,
    escape(CODE_INVALID_CHARS),
    escape(CMD_INVALID),
  ),
  '4': any(...[...BAD_CREDENTIALS_REQUEST, ...BAD_CREDENTIALS_OTHER].map(escape)),
  '5': any(escape('Internal Error')),
  '6': any(
    `${escape('The Vonage platform was unable to process this message for the following reason: ')}.+`,
    `${escape("The requestId '")}[^']*${escape("' does not exist or its no longer active.")}`,
  ),
  '7': any(escape('The number you are trying to verify is blacklisted for verification.')),
  '8': any(
    escape(
      'The api_key you supplied is for an account that has been barred from submitting messages.',
    ),
  ),
  '9': any(escape('Partner quota exceeded')),
  '10': any(escape(CONCURRENT), escape(`${CONCURRENT}.`)),
  '15': any(escape('The destination number is not in a supported network')),
  '16': any(escape(WRONG_CODE)),
  '17': any(...TOO_MANY_WRONG.map(escape)),
  '18': any(escape(TOO_MANY_IDS)),
  '19': any(
    `${escape("Verification request ['")}${id}${escape("'] can't be cancelled within the first 30 seconds.")}`,
    `${escape("Verification request  ['")}${id}${escape("'] can't be cancelled now. Too many attempts to re-deliver have already been made.")}`,
    `${escape("No more events are left to execute for the request ['")}${id}${escape("']")}`,
  ),
  '20': any(escape(PIN_CODE_NOT_ALLOWED)),
  '29': any(
    escape(
      'Your Vonage account is still in demo mode. While in demo mode you must add target numbers to the approved list for your account. Add funds to your account to remove this limitation.',
    ),
  ),
  '101': any(escape(NO_RESPONSE)),
  '999': any(
    escape(UNPARSEABLE_JSON),
    escape(UNPARSEABLE_MULTIPART),
    `${escape(UNSUPPORTED_CHARSET(''))}[^;\\s]+`,
  ),
}

/** The search statuses of a verification request. */
export const SEARCH_STATUSES = ['IN PROGRESS', 'SUCCESS', 'FAILED', 'EXPIRED', 'CANCELLED']
