/**
 * The sandbox admin API (`/__admin/...` below the sandbox root): JSON shapes in and out.
 * Times are ISO 8601 strings in UTC; the `date_*` fields use the API's `YYYY-MM-DD HH:MM:SS` form.
 */
import type { EventType, SearchStatus, VerifyEndpoint } from './types.ts'

export interface AdminEvent {
  id: string
  type: EventType
  /** 0-based position in the workflow. */
  index: number
  sent_at: string
  /** Whether a new PIN went out with this event. */
  new_pin: boolean
  price: string
}

export interface AdminCheck {
  date_received: string
  received_at: string
  code: string
  status: 'VALID' | 'INVALID'
}

/** A verification request as the sandbox sees it, PIN included. */
export interface AdminRequest {
  request_id: string
  account_id: string
  kind: 'request' | 'psd2'
  number: string
  /** International digits used for concurrency, pricing and the handset. */
  normalized_number: string
  country: string
  brand: string
  sender_id: string
  payee: string
  /** A PSD2 payment in euros and cents, as its messages state it (`12.5` is `12.50`). */
  amount: string
  lg: string
  workflow_id: number
  /**
   * The request's code length: `code_length` as sent (4 when not sent), except for a PIN sent as
   * it is whatever `code_length` says, a custom `pin_code` (4 to 10 characters) or a test number's
   * fixed PIN (4 to 10 digits): the length of that PIN, in characters.
   */
  code_length: number
  pin_expiry: number
  next_event_wait: number | null
  pin: string
  pin_generated_at: string
  /** Wrong codes still allowed for the current PIN. */
  attempts_left: number
  status: SearchStatus
  date_submitted: string
  date_finalized: string
  submitted_at: string
  finalized_at: string | null
  /** When the next event goes out (null when none is left or the request ended). */
  next_event_at: string | null
  /** When the request expires if nobody enters the code (null once ended). */
  expires_at: string | null
  events: AdminEvent[]
  checks: AdminCheck[]
  price: string
  currency: string
  estimated_price_messages_sent: string
}

export interface AdminRequestList {
  requests: AdminRequest[]
  /** Number of requests matching the filter (before `limit`/`offset`). */
  total: number
}

/** A message or call the sandbox "delivered" to the virtual handset. */
export interface HandsetMessage {
  id: string
  request_id: string
  account_id: string
  event_id: string
  number: string
  channel: EventType
  sender: string
  /** The SMS text, or the call transcript with the digits spelled out. */
  text: string
  pin: string
  /** The request's `lg`. */
  lg: string
  /** The language the text is written in (English when there is no translation for `lg`). */
  language: string
  sent_at: string
}

export interface HandsetMessageList {
  messages: HandsetMessage[]
  total: number
}

export interface AdminClock {
  now: string
  now_ms: number
  /** How far the sandbox clock is ahead of real time, in ms. */
  offset_ms: number
  /** The next scheduled event or expiry, if any. */
  next_due_at: string | null
}

/** `POST /__admin/clock` body. */
export interface AdminClockAdvance {
  advance_seconds: number
}

/** `POST /__admin/faults` body: the next `count` calls to `endpoint` misbehave. */
export interface AdminFaultInput {
  endpoint: VerifyEndpoint | 'any'
  /** @default 1 */
  count?: number
  /** Answer this API status instead (e.g. "1", "5", "7", "15", "29"). */
  status?: string
  /** Error text to answer with; defaults to the text the API gives that code on the endpoint called. */
  error_text?: string
  /** With status 7 on a start: the `network` answered. @default DEFAULT_FAULT_NETWORK */
  network?: string
  /** Answer this many ms late (the call is still processed unless `status` is set). */
  delay_ms?: number
  /** Drop the connection without an answer. */
  drop?: boolean
}

export interface AdminFault {
  id: string
  endpoint: VerifyEndpoint | 'any'
  remaining: number
  status: string | null
  /** The text asked for; `null`: the API's own text for the status on the endpoint called. */
  error_text: string | null
  /** The `network` asked for with status 7; `null`: DEFAULT_FAULT_NETWORK. */
  network: string | null
  delay_ms: number
  drop: boolean
  /**
   * A status 7 fault whose network is unblocked now (`POST /verify/network-unblock`): until when
   * it applies to no call, ISO 8601 UTC to the second (`2024-04-22T08:34:58Z`). Absent otherwise.
   */
  unblocked_until?: string
}

/** The `network` an injected status 7 answers by default (the API reference's example id). */
export const DEFAULT_FAULT_NETWORK = '244523'

/**
 * The codes (`HttpErrorBody`'s `error.code`, HTTP 400) of the admin API's refusals of a value:
 * a test number refused for its number (none given, or no phone number) answers `invalid_number`,
 * one refused for its PIN (not 4 to 10 digits) `invalid_pin`, so a form can show the refusal by
 * the field at fault; every other value refused (a body that is no object, a clock advance, a
 * fault, a limit…) answers `invalid_value`.
 */
export const ADMIN_REFUSAL_CODES = {
  number: 'invalid_number',
  pin: 'invalid_pin',
  value: 'invalid_value',
} as const

export interface TestNumber {
  /** International digits. */
  number: string
  /**
   * The PIN every verification to this number gets (4 to 10 digits), sent as it is whatever
   * `code_length` a request asks for.
   */
  pin: string
}

export interface AdminAccount {
  api_key: string
  account_id: string
  pin_code_allowed: boolean
  /** Requests per second before status 1; null when not throttled. */
  throttle_per_second: number | null
  /**
   * Searches per second before status 1, on top of `throttle_per_second` (opt-in: null, the
   * default, when searches have no limit of their own; 0 lets no search through).
   */
  search_per_second: number | null
  is_default: boolean
}

/** Server-Sent Events of `GET /__admin/events` (event name → data). */
export interface AdminStreamEvents {
  request: AdminRequest
  message: HandsetMessage
  clock: AdminClock
  reset: { at: string }
  /** Every change of the faults (added, used once, used up, removed, cleared): the whole list. */
  faults: { faults: AdminFault[] }
  /** Every change of the test numbers (set, removed, cleared): the whole list. */
  'test-numbers': { test_numbers: TestNumber[] }
}
