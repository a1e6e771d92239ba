/**
 * Network unblock (`POST /verify/network-unblock`, Verify v1 spec 1.2.4, "switched off by default"
 * on live accounts): lifts the anti-fraud block of a network (status 7 on a start, which names the
 * blocked `network`) for a while. JSON body `{ network, unblock_duration }` and credentials as
 * Basic or in the body; answers 202 with the network and the end of the unblock, errors as RFC 7807
 * problem objects with real HTTP statuses (unlike the other v1 endpoints' HTTP 200 and `status`).
 */
import { NOT_SCALAR, type ParamValue } from './params.ts'

/** The path below the API root (no `/json` or `/xml`: it answers JSON only). */
export const NETWORK_UNBLOCK_PATH = '/verify/network-unblock'

/** `unblock_duration` in seconds: an integer from 0 to 86,400, 3,600 when left out. */
export const UNBLOCK_DURATION = { min: 0, max: 86_400, default: 3600 } as const

export interface NetworkUnblockRequest {
  /** The network code (MCC and MNC, 5 or 6 digits), e.g. `"23410"`. */
  network: string
  /** Seconds, 0 to 86,400. @default 3600 */
  unblock_duration?: number
}

/** HTTP 202. */
export interface NetworkUnblockResponse {
  network: string
  /** When the unblock ends: ISO 8601 UTC to the second, e.g. `2024-04-22T08:34:58Z`. */
  unblocked_until: string
}

/** An error (RFC 7807): HTTP 401, 403, 404, 422 or 429. */
export interface ProblemDetails {
  type: string
  title: string
  detail: string
  /** A trace id of the call (32 hex digits). */
  instance: string
  /** With 422: which parameter and why. */
  invalid_parameters?: Array<{ name: string; reason: string }>
}

/** A problem without its `instance` (added per call), with its HTTP status. */
export interface Problem {
  http: 401 | 403 | 404 | 422 | 429
  type: string
  title: string
  detail: string
  invalid_parameters?: ReadonlyArray<{ readonly name: string; readonly reason: string }>
}

const INVALID_PARAMETER_TYPE = 'https://developer.vonage.com/api-errors#invalid-paramater'

/**
 * The problems of network unblock, with the spec's types, titles and details where it gives them
 * (its 422 type is spelled `invalid-paramater` there). 401 is not in the spec: it is the answer of
 * Vonage's other JSON APIs to missing or wrong credentials. 403 is the spec's answer for an account
 * without the feature.
 */
export const NETWORK_UNBLOCK_PROBLEMS = {
  unauthorized: {
    http: 401,
    type: 'https://developer.vonage.com/api-errors#unauthorized',
    title: 'Unauthorized',
    detail: 'You did not provide correct credentials.',
  },
  forbidden: {
    http: 403,
    type: 'https://developer.vonage.com/api-errors#forbidden',
    title: 'Forbidden',
    detail: 'Your account does not have permission to perform this action.',
  },
  notBlocked: {
    http: 404,
    type: 'https://developer.vonage.com/api-errors#bad-request',
    title: 'Not Found',
    detail: 'The network you provided does not have an active block.',
  },
  missingNetwork: {
    http: 422,
    type: INVALID_PARAMETER_TYPE,
    title: 'Network not found.',
    detail: 'Network is not in the request.',
    invalid_parameters: [{ name: 'network', reason: 'Network not found' }],
  },
  invalidNetwork: {
    http: 422,
    type: INVALID_PARAMETER_TYPE,
    title: 'Network not found.',
    detail: 'The network must be a network code (MCC and MNC) of 5 or 6 digits.',
    invalid_parameters: [{ name: 'network', reason: 'Network not found' }],
  },
  invalidDuration: {
    http: 422,
    type: INVALID_PARAMETER_TYPE,
    title: 'Invalid unblock_duration parameter',
    detail: 'Unblock duration is invalid.',
    invalid_parameters: [
      { name: 'unblock_duration', reason: 'Must be a whole number of seconds from 0 to 86400' },
    ],
  },
  throttled: {
    http: 429,
    type: 'https://developer.vonage.com/api-errors/verify#rate-limit',
    title: 'Rate Limit Hit',
    detail: 'Please wait, then retry your request',
  },
} as const satisfies Record<string, Problem>

/** Whether a value is a network code: MCC and MNC, 5 or 6 digits (`23410`, `244523`). */
export function isNetworkCode(value: string): boolean {
  return /^[0-9]{5,6}$/.test(value)
}

/**
 * Reads the body of a network unblock (values as strings: a JSON number `23410` or `3600` counts
 * as its digits, since the spec's own examples write the network as a number and the duration as
 * a string): the network and the duration in seconds, or the 422 problem of the first bad value.
 */
export function readNetworkUnblock(body: {
  network?: ParamValue
  unblock_duration?: ParamValue
}): { network: string; seconds: number } | Problem {
  // A JSON array or object is no network code and no duration.
  if (body.network === NOT_SCALAR) return NETWORK_UNBLOCK_PROBLEMS.invalidNetwork
  const network = body.network?.trim() ?? ''
  if (network === '') return NETWORK_UNBLOCK_PROBLEMS.missingNetwork
  if (!isNetworkCode(network)) return NETWORK_UNBLOCK_PROBLEMS.invalidNetwork
  if (body.unblock_duration === NOT_SCALAR) return NETWORK_UNBLOCK_PROBLEMS.invalidDuration
  const duration = body.unblock_duration?.trim() ?? ''
  if (duration === '') return { network, seconds: UNBLOCK_DURATION.default }
  const seconds = /^[0-9]{1,6}$/.test(duration) ? Number(duration) : NaN
  if (!(seconds >= UNBLOCK_DURATION.min && seconds <= UNBLOCK_DURATION.max)) {
    return NETWORK_UNBLOCK_PROBLEMS.invalidDuration
  }
  return { network, seconds }
}
