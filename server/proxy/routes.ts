/** Which paths under `/api` the proxy forwards, and with which methods. Pure: no I/O. */
import { ENVIRONMENT_IDS, type EnvironmentId } from '../../contract/desk.ts'
import { API_ROUTES, type ApiEndpoint } from '../../contract/routes.ts'

export { ENVIRONMENT_IDS, type EnvironmentId }
export type Endpoint = ApiEndpoint
export type Format = 'json' | 'xml'

export type Route =
  | { kind: 'environments' }
  | {
      kind: 'verify'
      environment: EnvironmentId
      endpoint: Endpoint
      format: Format
      /** Path on the upstream, e.g. `/verify/check/json`. */
      upstreamPath: string
      /** Starts, checks, controls, PSD2 calls and unblocks: they send messages or change state. */
      stateChanging: boolean
    }
  | {
      kind: 'admin'
      environment: 'sandbox'
      upstreamPath: string
      stateChanging: boolean
    }

export type RouteMatch =
  { ok: true; route: Route } | { ok: false; status: 404 | 405; message: string; allow?: string[] }

/**
 * The Verify v1 endpoints and their methods: the contract's table, by which the sandbox routes
 * too, so a call the sandbox takes on `/sandbox` is forwarded through `/api` and one it refuses
 * is refused here.
 */
export const VERIFY_ENDPOINTS: Readonly<
  Record<string, { endpoint: Endpoint; format: Format; methods: string[] }>
> = Object.fromEntries(
  [...API_ROUTES].map(([path, route]) => [
    path,
    { endpoint: route.endpoint, format: route.format, methods: [...route.methods] },
  ]),
)

/**
 * The methods forwarded to the sandbox admin API, whose paths each take a few of them: the sandbox
 * answers the others with 405 and an `Allow` naming that path's own methods (relayed as it is).
 */
const ADMIN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const ENVIRONMENTS_METHODS = ['GET', 'HEAD']
const SAFE_METHODS = new Set(['GET', 'HEAD'])
/** The sandbox admin API below the API mount point. */
const ADMIN_MOUNT = '/sandbox/__admin'

// Plain segments (a test number may carry `+` or `%2B`): no empty segment, no encoded `/`, `\` or `.`.
const ADMIN_REST = /^(?:\/(?:[A-Za-z0-9_\-.+~]|%(?![2][eEfF]|5[cC])[0-9A-Fa-f]{2})+)*\/?$/

const notFound = (pathname: string): RouteMatch => ({
  ok: false,
  status: 404,
  message:
    `No such API path: ${pathname.slice(0, 80)}. This server forwards only the Verify v1 endpoints ` +
    'under /api/{sandbox|live}/verify/… and the sandbox admin API under /api/sandbox/__admin/….',
})

const notAllowed = (method: string, what: string, allow: string[]): RouteMatch => ({
  ok: false,
  status: 405,
  message: `${what} does not accept ${method.slice(0, 10)} requests; use ${allow.join(' or ')}.`,
  allow,
})

/** Every Verify route by its full path (`/live/verify/check/json`), matched once at start-up. */
const VERIFY_ROUTES = new Map<
  string,
  { endpoint: Endpoint; methods: string[]; match: RouteMatch }
>()
for (const environment of ENVIRONMENT_IDS) {
  for (const [rest, verify] of Object.entries(VERIFY_ENDPOINTS)) {
    const route: Route = Object.freeze({
      kind: 'verify',
      environment,
      endpoint: verify.endpoint,
      format: verify.format,
      upstreamPath: rest,
      stateChanging: verify.endpoint !== 'search',
    })
    const entry = {
      endpoint: verify.endpoint,
      methods: verify.methods,
      match: Object.freeze({ ok: true, route }),
    }
    // With one trailing slash too (`/verify/json/`), as the contract's `apiRouteOf` reads a path:
    // it goes on to the endpoint's own path.
    VERIFY_ROUTES.set(`/${environment}${rest}`, entry)
    VERIFY_ROUTES.set(`/${environment}${rest}/`, entry)
  }
}

/**
 * Matches a path relative to the API mount point (`/sandbox/verify/json`, `/environments`) and a
 * method against the allowlist. Unknown paths answer 404, known paths with another method 405
 * (on a sandbox admin path, the sandbox itself answers the 405 of a method the path refuses).
 */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const upper = method.toUpperCase()
  // A Verify endpoint: the shared, frozen answer, or 405 for another method.
  const known = VERIFY_ROUTES.get(pathname)
  if (known !== undefined) {
    return known.methods.includes(upper)
      ? known.match
      : notAllowed(upper, `The Verify ${known.endpoint} endpoint`, known.methods)
  }
  if (pathname === '/environments') {
    return ENVIRONMENTS_METHODS.includes(upper)
      ? { ok: true, route: { kind: 'environments' } }
      : notAllowed(upper, '/api/environments', ENVIRONMENTS_METHODS)
  }
  // Every Verify path is in VERIFY_ROUTES: what is left is the sandbox admin API.
  if (pathname === ADMIN_MOUNT || pathname.startsWith(`${ADMIN_MOUNT}/`)) {
    const adminRest = pathname.slice(ADMIN_MOUNT.length)
    if (!ADMIN_REST.test(adminRest) || adminRest.split('/').some((s) => s === '.' || s === '..')) {
      return notFound(pathname)
    }
    if (!ADMIN_METHODS.includes(upper)) {
      // No path of it takes such a method (TRACE, CONNECT…). No `Allow`: which methods a path takes
      // is the sandbox's to say (an OPTIONS call to the path gets its 405 with them).
      return {
        ok: false,
        status: 405,
        message:
          `The sandbox admin API does not accept ${upper.slice(0, 10)} requests; each of its paths ` +
          'takes some of GET, HEAD, POST, PUT and DELETE (OPTIONS answers which).',
      }
    }
    return {
      ok: true,
      route: {
        kind: 'admin',
        environment: 'sandbox',
        upstreamPath: pathname.slice('/sandbox'.length),
        stateChanging: !SAFE_METHODS.has(upper),
      },
    }
  }
  return notFound(pathname)
}

/** Label of a route for the access log: `request`, `search`, `admin` … */
export function routeLabel(route: Route): string {
  if (route.kind === 'verify')
    return route.format === 'xml' ? `${route.endpoint}.xml` : route.endpoint
  return route.kind
}
