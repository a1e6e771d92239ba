/**
 * Verify Desk's own `/api` wire, besides the Verify v1 calls it forwards: the environments answer,
 * where the access token travels, and the body of an error the proxy answers itself.
 */

/** The environments the dashboard can call: `/api/{environment}/verify/...`. */
export type EnvironmentId = 'sandbox' | 'live'

export const ENVIRONMENT_IDS: readonly EnvironmentId[] = ['sandbox', 'live']

/** Where the server puts its credentials on a forwarded call (see `Environment.credentials`). */
export type CredentialsPlacement = 'basic' | 'params'

/** One entry of `GET /api/environments`. */
export interface Environment {
  id: EnvironmentId
  label: string
  available: boolean
  /** Masked API key of live (`ab12…`); never the secret. */
  keyHint?: string
  /**
   * The origin live calls go to (`VONAGE_API_HOST`: `https://api.nexmo.com` unless set, a
   * regional host such as `https://api-eu.vonage.com`), for snippets such as Copy as curl.
   */
  apiHost?: string
  /**
   * The searches per second the server lets through to this environment (live: 1 unless
   * `VERIFY_DESK_SEARCH_RATE` says otherwise), when it paces them: the dashboard's status polling
   * keeps to it rather than queue behind it.
   */
  searchPerSecond?: number
  /**
   * Where the server puts its credentials on the calls it forwards: the `Authorization: Basic`
   * header (`basic`, the default) or `api_key` / `api_secret` parameters (`params`, `VONAGE_AUTH`).
   * Given for an available environment.
   */
  credentials?: CredentialsPlacement
  /** Why the environment is not available, when the server says so. */
  reason?: string
}

/** `GET /api/environments`. */
export interface EnvironmentsResponse {
  environments: Environment[]
  default: EnvironmentId
}

/** The header that carries the access token (`VERIFY_DESK_TOKEN`) when the server asks for one. */
export const TOKEN_HEADER = 'X-Verify-Desk-Token'
/** The query parameter accepted for the token on GET calls (an EventSource cannot set headers). */
export const TOKEN_QUERY_PARAM = 'verify_desk_token'

/**
 * Whether a browser can send `token` in a header: printable ASCII only (`!` to `~`). The server
 * refuses to start with any other token; the dashboard never sends one.
 */
export function isSendableToken(token: string): boolean {
  return /^[!-~]+$/.test(token)
}

/**
 * The header (value `1`) the dashboard sets on its background calls to `/api` (the status polling
 * of requests in progress): the proxy tells the embedded sandbox that no injected fault applies to
 * them, and never sends the header on to any upstream.
 */
export const BACKGROUND_HEADER = 'X-Verify-Desk-Background'

/**
 * Machine-readable codes of the proxy's own errors (API-level results are never wrapped).
 * `uri_too_long` (414, a request target past 16,000 bytes; a query past 8 KiB below that is
 * `payload_too_large`, 413, as Vonage answers) and `request_timeout` (408, a request body that
 * stopped arriving) only other clients meet: the dashboard never sends such a call.
 */
export type ProxyErrorCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'uri_too_long'
  | 'request_timeout'
  | 'environment_unavailable'
  | 'host_not_allowed'
  | 'cross_site_request'
  | 'unauthorized'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'queue_full'
  | 'server_closing'
  | 'upstream_timeout'
  | 'upstream_unreachable'
  | 'upstream_bad_response'
  | 'upstream_credentials_refused'
  | 'upstream_rate_limited'
  | 'internal_error'

/**
 * Whether a call the proxy failed to complete may have reached the upstream: `not_sent` (it never
 * left the server: sending it again is safe) or `maybe` (it may have been processed).
 */
export type CallDelivery = 'not_sent' | 'maybe'

// `upstream_credentials_refused`: Vonage answered HTTP 401 to this server's credentials (nothing was
// processed, and the same call will be refused again until the server's settings are fixed).
// `upstream_rate_limited`: Vonage answered HTTP 429 (not processed: send it again after
// `Retry-After`).

/**
 * The body of every error the proxy answers itself: `{"error":{"code":"...","message":"..."}}`,
 * with `delivery` once a call was on its way to the upstream (absent for a refusal).
 */
export interface ProxyErrorBody {
  error: { code: ProxyErrorCode; message: string; delivery?: CallDelivery }
}
