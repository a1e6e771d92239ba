/** Request guards: Host allowlist (DNS rebinding), cross-site refusal (CSRF), access token. Pure. */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { isIP } from 'node:net'
import { TOKEN_HEADER as DESK_TOKEN_HEADER, TOKEN_QUERY_PARAM } from '../../contract/desk.ts'

/** The token header as node:http names it (alternatively `Authorization: Bearer <token>`). */
export const TOKEN_HEADER = DESK_TOKEN_HEADER.toLowerCase()
export { TOKEN_QUERY_PARAM }

/** Whether a configured listen host (Vite's `server.host` / `preview.host`) stays on loopback. */
export function isLoopbackListenHost(host: string | boolean | undefined): boolean {
  if (host === undefined || host === false) return true // Vite's default: localhost
  if (host === true) return false // --host without value: all interfaces
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
  return name === 'localhost' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name)
}

/**
 * The set `isHostAllowed` reads: the configured entries as they are written (trimmed), as Vite
 * reads its `allowedHosts`.
 */
export function hostAllowlist(entries: readonly string[]): Set<string> {
  return new Set(entries.map((entry) => entry.trim()).filter(Boolean))
}

/** A `Host` of a browser page in a file or an extension (Vite accepts them). */
const FILE_OR_EXTENSION = /^(?:file|.+-extension):/i

/**
 * Whether a `Host` header is acceptable: the very rule of Vite's own host check (its
 * `server.allowedHosts` / `preview.allowedHosts`), so that `/api` answers for exactly the names
 * the page is served for. Accepted: any IP address (IPv4, or IPv6 in brackets), `localhost` and
 * the names under `.localhost` (none of which a DNS answer can point elsewhere), and the entries
 * of `allowed`, compared as written (an entry starting with `.` allows a domain and its
 * subdomains: `.example.com`). Like Vite, no case is folded (`LOCALHOST` is another name) and a
 * trailing dot is kept. Unlike Vite, a call without any `Host` (HTTP/1.0) is refused: no browser
 * sends one.
 */
export function isHostAllowed(
  hostHeader: string | undefined,
  allowed: ReadonlySet<string>,
): boolean {
  if (hostHeader === undefined) return false
  if (FILE_OR_EXTENSION.test(hostHeader)) return true
  const host = hostHeader.trim()
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    return end > 0 && isIP(host.slice(1, end)) === 6
  }
  const colon = host.indexOf(':')
  const name = colon < 0 ? host : host.slice(0, colon)
  if (isIP(name) === 4) return true
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  if (allowed.has(name)) return true
  for (const entry of allowed) {
    if (entry.startsWith('.') && (name === entry.slice(1) || name.endsWith(entry))) return true
  }
  return false
}

/**
 * Why a request counts as cross-site, or undefined when it is same-origin (or not from a browser:
 * no `Origin`, no `Sec-Fetch-Site`). `allowedOrigins` lists extra origins (`https://desk.example`).
 */
export function crossSiteReason(
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[] = [],
): string | undefined {
  const site = headerValue(headers['sec-fetch-site'])?.toLowerCase()
  const origin = headerValue(headers.origin)
  if (origin !== undefined) {
    if (allowedOrigins.includes(origin)) return undefined
    let originHost: string | undefined
    try {
      originHost = origin === 'null' ? undefined : new URL(origin).host.toLowerCase()
    } catch {
      originHost = undefined
    }
    if (originHost === undefined || originHost !== headerValue(headers.host)?.toLowerCase()) {
      return `the request comes from another origin (${origin.slice(0, 100)})`
    }
    return undefined
  }
  if (site === 'cross-site' || site === 'same-site') {
    return `the browser marked the request as ${site}`
  }
  return undefined
}

/**
 * Why a state-changing call is refused as a page load, or undefined. A link opened from a mail or
 * chat app, or a URL typed in the address bar, arrives as a navigation with `Sec-Fetch-Site: none`,
 * which `crossSiteReason` cannot tell from the dashboard's own calls; the dashboard sends its
 * calls with `fetch` (`Sec-Fetch-Mode: cors` or `same-origin`, `Sec-Fetch-Dest: empty`).
 */
export function navigationReason(headers: IncomingHttpHeaders): string | undefined {
  const mode = headerValue(headers['sec-fetch-mode'])?.toLowerCase()
  const dest = headerValue(headers['sec-fetch-dest'])?.toLowerCase()
  if (mode === 'navigate' || mode === 'nested-navigate' || (dest && dest !== 'empty')) {
    return 'the browser opened it as a page (a link or the address bar)'
  }
  return undefined
}

/**
 * Why a state-changing call from a browser that sends neither `Origin` nor Fetch Metadata is
 * refused, or undefined. Such browsers (older ones, and an `<img>` or a form on another site in
 * some) still send the page it came from in `Referer`: a page of another origin (not the `Host`
 * called, nor one of `allowedOrigins`) is refused as another origin's `Origin` would be. Without a
 * `Referer` (curl, scripts, the SDKs) the call is accepted.
 */
export function refererReason(
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[] = [],
): string | undefined {
  const referer = headerValue(headers.referer)
  if (referer === undefined || headers.origin !== undefined) return undefined
  for (const name of FETCH_METADATA) if (headers[name] !== undefined) return undefined
  let url: URL | undefined
  try {
    url = new URL(referer)
  } catch {
    url = undefined
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
    if (allowedOrigins.includes(url.origin)) return undefined
    if (url.host.toLowerCase() === headerValue(headers.host)?.trim().toLowerCase()) return undefined
  }
  const from = url && url.origin !== 'null' ? url.origin : 'an unreadable Referer'
  return `the request comes from a page of another origin (${from.slice(0, 100)})`
}

/**
 * Why a state-changing call (a start, check or control, an admin change) is refused beyond
 * `crossSiteReason`, or undefined: opened as a page, or sent by an older browser from a page of
 * another origin. The one rule of `/api` and `/sandbox`.
 */
export function stateChangeReason(
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[] = [],
): string | undefined {
  return navigationReason(headers) ?? refererReason(headers, allowedOrigins)
}

/** The Fetch Metadata request headers, as node:http names them. */
const FETCH_METADATA = ['sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest', 'sec-fetch-user']

/** The access token a request carries, from the header, a Bearer Authorization, or (GET) the query. */
export function tokenOf(
  headers: IncomingHttpHeaders,
  method: string,
  query: URLSearchParams,
): string | undefined {
  const header = headerValue(headers[TOKEN_HEADER])
  if (header) return header.trim()
  const authorization = headerValue(headers.authorization)
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)
  if (bearer?.[1]) return bearer[1].trim()
  if (method === 'GET' || method === 'HEAD') return query.get(TOKEN_QUERY_PARAM) ?? undefined
  return undefined
}

/** Constant-time comparison of a presented token with the configured one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false
  const a = createHash('sha256').update(presented).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** Why a call with this `Host` is refused, and what to do about it (403 `host_not_allowed`). */
export function hostRefusalMessage(host: string | string[] | undefined): string {
  return (
    `This server does not answer for the host name "${String(host ?? '').slice(0, 100)}". ` +
    'Open the dashboard as http://localhost:<port>, or add the name to VERIFY_DESK_ALLOWED_HOSTS.'
  )
}
