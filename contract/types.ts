/**
 * Verify v1 wire types, exactly as on the wire: every value is a string (`status` included).
 * Request parameters are typed as optional strings because they arrive from query strings,
 * form bodies and JSON bodies alike (JSON numbers are coerced to strings by the sandbox).
 */

/** The endpoints of Verify v1, by name. */
export type VerifyEndpoint = 'request' | 'check' | 'search' | 'control' | 'psd2'

export const VERIFY_ENDPOINTS: readonly VerifyEndpoint[] = [
  'request',
  'check',
  'search',
  'control',
  'psd2',
]

/** Path of each endpoint below the API root (`https://api.nexmo.com` or the sandbox root). */
export const ENDPOINT_PATHS: Readonly<Record<VerifyEndpoint, { json: string; xml?: string }>> = {
  request: { json: '/verify/json', xml: '/verify/xml' },
  check: { json: '/verify/check/json', xml: '/verify/check/xml' },
  search: { json: '/verify/search/json', xml: '/verify/search/xml' },
  control: { json: '/verify/control/json', xml: '/verify/control/xml' },
  psd2: { json: '/verify/psd2/json' },
}

/** Numeric status codes the API answers with, as strings. */
export type StatusCode =
  | '0'
  | '1'
  | '2'
  | '3'
  | '4'
  | '5'
  | '6'
  | '7'
  | '8'
  | '9'
  | '10'
  | '15'
  | '16'
  | '17'
  | '18'
  | '19'
  | '20'
  | '21'
  | '29'
  | '101'
  | '999'

/** Status of a verification request as reported by search. */
export type SearchStatus = 'IN PROGRESS' | 'SUCCESS' | 'FAILED' | 'EXPIRED' | 'CANCELLED'

export const SEARCH_STATUSES: readonly SearchStatus[] = [
  'IN PROGRESS',
  'SUCCESS',
  'FAILED',
  'EXPIRED',
  'CANCELLED',
]

/** Channel of one event (message or call) of a verification. */
export type EventType = 'sms' | 'tts'

export type ControlCommand = 'cancel' | 'trigger_next_event'

/** Credentials, when sent as parameters rather than a Basic header. */
export interface CredentialParams {
  api_key?: string
  api_secret?: string
}

/** `/verify/{json|xml}` parameters. */
export interface VerifyRequestParams extends CredentialParams {
  number?: string
  country?: string
  brand?: string
  sender_id?: string
  code_length?: string
  lg?: string
  pin_expiry?: string
  next_event_wait?: string
  workflow_id?: string
  pin_code?: string
}

/** `/verify/psd2/json` parameters. */
export interface Psd2RequestParams extends CredentialParams {
  number?: string
  country?: string
  payee?: string
  amount?: string
  code_length?: string
  lg?: string
  pin_expiry?: string
  next_event_wait?: string
  workflow_id?: string
}

/** `/verify/check/{json|xml}` parameters. */
export interface CheckParams extends CredentialParams {
  request_id?: string
  code?: string
  /** Deprecated, ignored. */
  ip_address?: string
}

/** `/verify/search/{json|xml}` parameters (`request_ids` may repeat). */
export interface SearchParams extends CredentialParams {
  request_id?: string
  request_ids?: string | string[]
}

/** `/verify/control/{json|xml}` parameters. */
export interface ControlParams extends CredentialParams {
  request_id?: string
  cmd?: string
}

/** Any error answer of any endpoint. */
export interface ErrorResponse {
  status: string
  error_text: string
  request_id?: string
  network?: string
}

/** Request / PSD2 success. */
export interface VerifyRequestResponse {
  request_id: string
  status: '0'
}

/** Request / PSD2 error (status 10 carries the in-flight `request_id`). */
export interface VerifyRequestErrorResponse extends ErrorResponse {
  request_id?: string
}

export interface CheckResponse {
  request_id: string
  event_id: string
  status: '0'
  price: string
  currency: string
  estimated_price_messages_sent: string
}

export type CheckErrorResponse = ErrorResponse

/** One check of a verification, as listed by search. */
export interface SearchCheck {
  date_received: string
  code: string
  status: 'VALID' | 'INVALID'
  ip_address: string
}

/** One message or call of a verification, as listed by search. */
export interface SearchEvent {
  id: string
  type: EventType
}

/** One verification request as returned by search. Dates are `YYYY-MM-DD HH:MM:SS` UTC. */
export interface VerificationRequest {
  request_id: string
  account_id: string
  number: string
  sender_id: string
  date_submitted: string
  /** `""` while the request is in progress. */
  date_finalized: string
  checks: SearchCheck[]
  first_event_date: string
  last_event_date: string
  price: string
  currency: string
  status: SearchStatus
  estimated_price_messages_sent: string
  events: SearchEvent[]
}

/** Search with several `request_ids`. */
export interface VerificationRequestList {
  verification_requests: VerificationRequest[]
}

export type SearchResponse = VerificationRequest | VerificationRequestList

export interface ControlResponse {
  status: '0'
  command: ControlCommand
}

export type ApiResponse =
  VerifyRequestResponse | CheckResponse | SearchResponse | ControlResponse | ErrorResponse

/** True for any API-level error answer (status other than "0", or an error shape). */
export function isErrorResponse(body: unknown): body is ErrorResponse {
  return (
    typeof body === 'object' &&
    body !== null &&
    'error_text' in body &&
    typeof (body as { error_text: unknown }).error_text === 'string'
  )
}

/** HTTP-level error body of the sandbox (404, 403, 413, admin errors) and of the proxy. */
export interface HttpErrorBody {
  error: { code: string; message: string }
}
