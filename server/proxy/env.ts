/** Reads the server-side settings from the environment (process env and `.env*` files). Pure. */
import { isSendableToken } from '../../contract/index.ts'
import type { AuthMode, Credentials } from './credentials.ts'

/** The only variable prefixes the server reads; none reaches the browser (Vite exposes `VITE_` only). */
export const ENV_PREFIXES = ['VONAGE_', 'VERIFY_DESK_']

export const DEFAULT_LIVE_HOST = 'https://api.nexmo.com'

export interface LiveSettings {
  credentials: Credentials
  /** Base URL of the upstream, e.g. `https://api.nexmo.com`. */
  host: string
  auth: AuthMode
}

export interface ServerSettings {
  live?: LiveSettings
  token?: string
  allowedHosts: string[]
  /** Extra origins allowed to call `/api` (VERIFY_DESK_ALLOWED_ORIGINS), e.g. a reverse proxy's. */
  allowedOrigins: string[]
  /** Live searches per second, when set by VERIFY_DESK_SEARCH_RATE. */
  liveSearchPerSecond?: number
  /** Things worth telling whoever starts the server (half-configured live, short token). */
  warnings: string[]
}

export interface SettingDefaults {
  liveHost: string
  liveAuth: AuthMode
}

/** Thrown for a setting that cannot work; the server refuses to start with this message. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SettingsError'
  }
}

export function resolveSettings(
  env: Readonly<Record<string, string | undefined>>,
  defaults: SettingDefaults,
): ServerSettings {
  const value = (name: string) => {
    const raw = env[name]?.trim()
    return raw ? raw : undefined
  }
  const warnings: string[] = []
  const apiKey = value('VONAGE_API_KEY')
  const apiSecret = value('VONAGE_API_SECRET')
  let live: LiveSettings | undefined
  if (apiKey && apiSecret) {
    live = {
      credentials: { apiKey, apiSecret },
      host: normaliseHost(value('VONAGE_API_HOST') ?? defaults.liveHost),
      auth: authMode(value('VONAGE_AUTH') ?? defaults.liveAuth),
    }
  } else if (apiKey || apiSecret) {
    warnings.push(
      `The live environment is off: ${apiKey ? 'VONAGE_API_SECRET' : 'VONAGE_API_KEY'} is not set (both are needed).`,
    )
  }

  const token = value('VERIFY_DESK_TOKEN')
  // Sent by the browser in a header: a character outside printable ASCII cannot be sent there.
  if (token && !isSendableToken(token)) {
    throw new SettingsError(
      'VERIFY_DESK_TOKEN may hold only printable ASCII characters (letters, digits and signs ' +
        'such as - _ . ~; no spaces, accents or symbols like €): a browser cannot send others ' +
        'in a header. Use a long random value, e.g. `openssl rand -hex 24`.',
    )
  }
  if (token && token.length < 16) {
    warnings.push('VERIFY_DESK_TOKEN is shorter than 16 characters; use a long random value.')
  }
  const list = (name: string) =>
    (value(name) ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
  const allowedHosts = list('VERIFY_DESK_ALLOWED_HOSTS')
  const allowedOrigins = list('VERIFY_DESK_ALLOWED_ORIGINS').map((origin) => {
    try {
      return new URL(origin).origin
    } catch {
      throw new SettingsError(
        `VERIFY_DESK_ALLOWED_ORIGINS must list origins such as https://desk.example.com, not "${origin}".`,
      )
    }
  })

  let liveSearchPerSecond: number | undefined
  const rate = value('VERIFY_DESK_SEARCH_RATE')
  if (rate !== undefined) {
    liveSearchPerSecond = Number(rate)
    if (!(liveSearchPerSecond > 0 && liveSearchPerSecond <= 30)) {
      throw new SettingsError(
        `VERIFY_DESK_SEARCH_RATE must be a number of searches per second above 0 and at most 30 (1, 2.5 and 0.5 are all fine), not "${rate}".`,
      )
    }
  }
  return { live, token, allowedHosts, allowedOrigins, liveSearchPerSecond, warnings }
}

function authMode(raw: string): AuthMode {
  const mode = raw.toLowerCase()
  if (mode === 'basic' || mode === 'params') return mode
  throw new SettingsError(
    `VONAGE_AUTH must be "basic" (Authorization header) or "params" (api_key/api_secret parameters), not "${raw}".`,
  )
}

/** Accepts a full base URL or a bare host name (`api-eu.vonage.com`, https assumed). */
function normaliseHost(raw: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new SettingsError(`VONAGE_API_HOST is not a valid URL or host name: "${raw}".`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SettingsError(`VONAGE_API_HOST must use http or https, not ${url.protocol}`)
  }
  // Basic auth (or the key and secret as parameters) in clear text: only to this very machine.
  if (url.protocol === 'http:' && !isLoopbackName(url.hostname)) {
    throw new SettingsError(
      `VONAGE_API_HOST must use https for a host other than this machine: over ${url.origin} ` +
        `the API secret would travel unencrypted. Use https://${url.host} (http:// is accepted ` +
        'only for localhost, 127.0.0.1 or [::1], e.g. a test double).',
    )
  }
  if (url.username || url.password) {
    throw new SettingsError(
      'VONAGE_API_HOST must not contain credentials; use VONAGE_API_KEY and VONAGE_API_SECRET.',
    )
  }
  return url.origin + url.pathname.replace(/\/$/, '')
}

/** Whether a URL's host name is this machine's loopback: localhost, 127.x.x.x or [::1]. */
function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname)
}
