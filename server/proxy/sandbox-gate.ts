/**
 * The guards in front of the embedded sandbox mounted at `/sandbox` (its Verify v1 endpoints and its
 * `/__admin/` API): the Host check, the access token when one is configured, and the cross-site
 * refusal. Unlike `/api`, the `Authorization` header there belongs to the caller's sandbox account
 * (Basic auth), so the token travels in `X-Verify-Desk-Token`, as `Authorization: Bearer` (with the
 * account in `api_key`/`api_secret` parameters), as `?verify_desk_token=` on GET, or, for clients
 * that can set neither header nor query (an SDK given only a base URL), as a path prefix:
 * `/sandbox/token/<token>/verify/json`. A call that changes something and that the browser opened as
 * a page (a link in a mail or chat), or that an older browser sent from a page of another origin
 * (its `Referer`), is refused as on /api.
 */
import type { IncomingMessage } from 'node:http'
import { stripToken } from './credentials.ts'
import { ProxyError } from './errors.ts'
import {
  TOKEN_HEADER,
  crossSiteReason,
  hostRefusalMessage,
  stateChangeReason,
  isHostAllowed,
  tokenMatches,
  tokenOf,
} from './guards.ts'
import { matchRoute } from './routes.ts'

/** Path prefix (below the sandbox mount) that carries the token for base-URL-only clients. */
export const SANDBOX_TOKEN_PREFIX = '/token/'

export interface SandboxGateOptions {
  /** Accepted host names, as `isHostAllowed` reads them. */
  hosts: ReadonlySet<string>
  /** When set, every call must carry this token. */
  token?: string
  /** Extra origins allowed besides the page's own. */
  allowedOrigins: readonly string[]
}

/**
 * Checks a call to the sandbox mount (`req.url` relative to it). Throws a ProxyError to answer;
 * otherwise removes the token from the call (header, Bearer, query, path prefix) so the sandbox
 * never sees it, and returns.
 */
export function createSandboxGate(options: SandboxGateOptions): (req: IncomingMessage) => void {
  const { hosts, token, allowedOrigins } = options
  return function sandboxGate(req) {
    if (!isHostAllowed(req.headers.host, hosts)) {
      throw new ProxyError(403, 'host_not_allowed', hostRefusalMessage(req.headers.host))
    }
    if (token) {
      const method = (req.method ?? 'GET').toUpperCase()
      const raw = req.url ?? '/'
      const mark = raw.indexOf('?')
      let pathname = mark < 0 ? raw : raw.slice(0, mark)
      let search = mark < 0 ? '' : raw.slice(mark + 1)
      let presented: string | undefined
      if (pathname.startsWith(SANDBOX_TOKEN_PREFIX)) {
        const end = pathname.indexOf('/', SANDBOX_TOKEN_PREFIX.length)
        const segment = pathname.slice(SANDBOX_TOKEN_PREFIX.length, end < 0 ? undefined : end)
        presented = decodeSegment(segment)
        pathname = end < 0 ? '/' : pathname.slice(end)
      }
      const query = new URLSearchParams(search)
      presented ??= tokenOf(req.headers, method, query)
      if (!tokenMatches(presented, token)) {
        throw new ProxyError(
          401,
          'unauthorized',
          'This Verify Desk server needs its access token on /sandbox too: send it in the ' +
            'X-Verify-Desk-Token header, or use the base URL /sandbox/token/<token> with clients ' +
            'that cannot add a header (ask whoever runs the server for the VERIFY_DESK_TOKEN value).',
          { 'WWW-Authenticate': 'Bearer realm="verify-desk"' },
        )
      }
      delete req.headers[TOKEN_HEADER]
      if (/^Bearer\s/i.test(req.headers.authorization ?? '')) delete req.headers.authorization
      if (stripToken(query)) search = query.toString()
      req.url = search ? `${pathname}?${search}` : pathname
    }
    // The route is matched only for a call opened as a page or sent from another page (rare), not
    // for every client call.
    const opened = stateChangeReason(req.headers, allowedOrigins)
    const crossSite =
      crossSiteReason(req.headers, allowedOrigins) ??
      (opened && changesState(req) ? opened : undefined)
    if (crossSite) {
      throw new ProxyError(
        403,
        'cross_site_request',
        `Refused: ${crossSite}. Web pages on other sites may not use this server's sandbox.`,
      )
    }
  }
}

/**
 * Whether a call to the sandbox mount starts, checks or controls a request or changes the admin
 * state (the same rule as on /api): those are refused when a link opened them as a page, reads are
 * not (a tester may open `/sandbox/__admin/messages` in a tab).
 */
function changesState(req: IncomingMessage): boolean {
  const raw = req.url ?? '/'
  const mark = raw.indexOf('?')
  const match = matchRoute(req.method ?? 'GET', `/sandbox${mark < 0 ? raw : raw.slice(0, mark)}`)
  return match.ok && match.route.kind !== 'environments' && match.route.stateChanging
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}
