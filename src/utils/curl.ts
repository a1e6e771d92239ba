/**
 * "Copy as curl" in the style of Vonage's own snippets: credentials as `$VONAGE_API_KEY` and
 * `$VONAGE_API_SECRET`, GET with the parameters in the query, POST as a form body with one `-d` per
 * parameter. Pure: no DOM, no store.
 */
import { TOKEN_HEADER, type CredentialsPlacement, type EnvironmentId } from '@contract/desk'
import { LIVE_PIN_PLACEHOLDERS } from './call-log'

/** The API host of live Verify. */
export const VONAGE_API_HOST = 'https://api.nexmo.com'

const CREDENTIAL_PLACEHOLDERS = {
  api_key: '$VONAGE_API_KEY',
  api_secret: '$VONAGE_API_SECRET',
} as const

/** Values kept as shell variables: credentials, and the PIN of a live request read from history. */
const PLACEHOLDERS = new Set<string>([
  CREDENTIAL_PLACEHOLDERS.api_key,
  CREDENTIAL_PLACEHOLDERS.api_secret,
  ...Object.values(LIVE_PIN_PLACEHOLDERS),
])

export interface CurlCall {
  method: string
  /** Path on the upstream: `/verify/json`, `/__admin/clock`. */
  path: string
  query?: Record<string, string | readonly string[]>
  /** Form parameters (verify endpoints) or a JSON object (admin). */
  body?: Record<string, unknown> | null
}

export interface CurlOptions {
  /** Base URL the path is appended to. @default https://api.nexmo.com */
  baseUrl?: string
  /** Add `api_key`/`api_secret` placeholders. @default true for `/verify/` paths */
  credentials?: boolean
  /** Extra headers, e.g. the access token of a shared deployment as `$VERIFY_DESK_TOKEN`. */
  headers?: Record<string, string>
}

/** The access-token header for a sandbox on a deployment that requires one, as a shell variable. */
export const CURL_TOKEN_HEADERS: Readonly<Record<string, string>> = {
  [TOKEN_HEADER]: '$VERIFY_DESK_TOKEN',
}

/**
 * Quotes text as a double-quoted shell word. `$VONAGE_…`, `$VERIFY_DESK_TOKEN`, `$CODE` and `$PIN_CODE` placeholders stay
 * expandable; every other `$`, `"`, `` ` `` and `\` is escaped (values are URL-encoded first, so a
 * `$` typed by a user arrives here as `%24`).
 */
export function shellDoubleQuote(text: string): string {
  return `"${text.replace(/["\\`]|\$(?!VONAGE_|VERIFY_DESK_TOKEN\b|CODE\b|PIN_CODE\b)/g, (c) => `\\${c}`)}"`
}

/** Escapes text as a single-quoted shell word. */
function shellSingleQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** URL-encodes a value like a form would, keeping the placeholders readable. */
function encode(value: string): string {
  if (PLACEHOLDERS.has(value)) return value
  return encodeURIComponent(value)
}

/** Pairs in order, credentials first (placeholders), repeated keys expanded. */
function pairs(
  params: Record<string, unknown> | undefined | null,
  credentials: boolean,
): [string, string][] {
  const out: [string, string][] = []
  if (credentials) {
    out.push(['api_key', CREDENTIAL_PLACEHOLDERS.api_key])
    out.push(['api_secret', CREDENTIAL_PLACEHOLDERS.api_secret])
  }
  for (const [key, value] of Object.entries(params ?? {})) {
    if (key === 'api_key' || key === 'api_secret') continue
    if (Array.isArray(value)) for (const v of value) out.push([key, String(v)])
    else if (value !== undefined && value !== null) out.push([key, String(value)])
  }
  return out
}

function headerLines(headers: Record<string, string> | undefined): string[] {
  return Object.entries(headers ?? {}).map(
    ([name, value]) => `-H ${shellDoubleQuote(`${name}: ${value}`)}`,
  )
}

/** A curl command line for one call. */
export function toCurl(call: CurlCall, options: CurlOptions = {}): string {
  const base = (options.baseUrl ?? VONAGE_API_HOST).replace(/\/$/, '')
  const isVerify = call.path.startsWith('/verify/')
  const credentials = options.credentials ?? isVerify
  const method = call.method.toUpperCase()
  const isForm = isVerify || !call.body
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE') {
    const query = pairs(call.query, credentials)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encode(v)}`)
      .join('&')
    const url = `${base}${call.path}${query ? `?${query}` : ''}`
    return [`curl -X ${method} ${shellDoubleQuote(url)}`, ...headerLines(options.headers)].join(
      ' \\\n',
    )
  }
  const lines = [
    `curl -X ${method} ${shellDoubleQuote(`${base}${call.path}`)}`,
    ...headerLines(options.headers),
  ]
  if (isForm) {
    const body = pairs({ ...(call.query ?? {}), ...(call.body ?? {}) }, credentials)
    if (body.length > 0) {
      lines.push(`-H "Content-Type: application/x-www-form-urlencoded"`)
      for (const [k, v] of body)
        lines.push(`-d ${shellDoubleQuote(`${encodeURIComponent(k)}=${encode(v)}`)}`)
    }
  } else {
    lines.push(`-H "Content-Type: application/json"`)
    lines.push(`-d ${shellSingleQuote(JSON.stringify(call.body))}`)
  }
  return lines.join(' \\\n')
}

/**
 * Where a dashboard call (path below `/api`, e.g. `sandbox/verify/json`) goes upstream: live
 * verify calls go to the live host the server forwards to (`liveHost`: the origin of its
 * `VONAGE_API_HOST` as /api/environments gives it, e.g. a regional `https://api-eu.vonage.com`;
 * else Vonage's default), sandbox calls to the sandbox mounted at `/sandbox` of `origin`.
 */
export function upstreamOf(
  apiPath: string,
  origin: string,
  liveHost?: string | null,
): { baseUrl: string; path: string } | null {
  const match = /^(sandbox|live)(\/.*)$/.exec(apiPath.replace(/^\//, ''))
  if (!match) return null
  const [, env, path] = match as unknown as [string, string, string]
  return env === 'live'
    ? { baseUrl: liveHost || VONAGE_API_HOST, path }
    : { baseUrl: `${origin.replace(/\/$/, '')}/sandbox`, path }
}

/** Where the server puts its credentials, per environment (`GET /api/environments`). */
export type CredentialsByEnvironment = Partial<Record<EnvironmentId, CredentialsPlacement>>

/**
 * What the server adds to a Verify call it sends on (`apiPath` as called: `live/verify/json`): the
 * credentials, where the server says it puts them (the Basic header unless `VONAGE_AUTH=params`).
 * Null for a call that carries none (the sandbox's admin API).
 */
export function credentialsNote(
  apiPath: string,
  credentials: CredentialsByEnvironment,
): string | null {
  const match = /^\/?(sandbox|live)\/verify\//.exec(apiPath)
  if (!match) return null
  const env = match[1] as EnvironmentId
  const whose = env === 'live' ? 'the credentials' : "the sandbox account's credentials"
  const placement = credentials[env]
  if (placement === 'params') {
    const values = env === 'live' ? ' ($VONAGE_API_KEY, $VONAGE_API_SECRET)' : ''
    return `The server adds ${whose} as the api_key and api_secret parameters${values}.`
  }
  if (placement === 'basic') {
    const values = env === 'live' ? ' $VONAGE_API_KEY:$VONAGE_API_SECRET' : ''
    return `The server adds ${whose} (Authorization: Basic${values}).`
  }
  return `The server adds ${whose}.`
}
