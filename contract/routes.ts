/**
 * Which paths and methods the Verify v1 API takes: one rule for the sandbox's router and the
 * proxy's allowlist, so a call is taken (or refused) alike on the sandbox and through the proxy.
 */
import { NETWORK_UNBLOCK_PATH } from './network-unblock.ts'
import type { VerifyEndpoint } from './types.ts'

/** The endpoints by name, network unblock included. */
export type ApiEndpoint = VerifyEndpoint | 'network-unblock'

/** The methods an endpoint of the API may take. */
export type ApiMethod = 'GET' | 'POST'

/** One endpoint of the API: what it is, the format it answers in and the methods it takes. */
export type ApiRoute =
  | {
      readonly endpoint: VerifyEndpoint
      readonly format: 'json' | 'xml'
      readonly methods: readonly ApiMethod[]
    }
  | {
      readonly endpoint: 'network-unblock'
      readonly format: 'json'
      readonly methods: readonly ApiMethod[]
    }

const GET_OR_POST: readonly ApiMethod[] = Object.freeze(['GET', 'POST'])
const POST_ONLY: readonly ApiMethod[] = Object.freeze(['POST'])

/**
 * The endpoints by path below the API root. Start, check, search and control take GET and POST
 * (spec 1.1.x: "available by GET request as well as POST", search the other way round). PSD2 takes
 * both too: the spec has documented it as POST since 1.1.0 with no word on GET, which was its only
 * method in 1.0.x; nothing says GET stopped working, so it is taken as on every other endpoint.
 * PSD2 has no XML form ("XML format is not supported for the Payment Services Directive
 * endpoint"). Network unblock (spec 1.2.4) is POST only, JSON, with no format in its path.
 */
export const API_ROUTES: ReadonlyMap<string, ApiRoute> = new Map<string, ApiRoute>([
  ['/verify/json', { endpoint: 'request', format: 'json', methods: GET_OR_POST }],
  ['/verify/xml', { endpoint: 'request', format: 'xml', methods: GET_OR_POST }],
  ['/verify/check/json', { endpoint: 'check', format: 'json', methods: GET_OR_POST }],
  ['/verify/check/xml', { endpoint: 'check', format: 'xml', methods: GET_OR_POST }],
  ['/verify/search/json', { endpoint: 'search', format: 'json', methods: GET_OR_POST }],
  ['/verify/search/xml', { endpoint: 'search', format: 'xml', methods: GET_OR_POST }],
  ['/verify/control/json', { endpoint: 'control', format: 'json', methods: GET_OR_POST }],
  ['/verify/control/xml', { endpoint: 'control', format: 'xml', methods: GET_OR_POST }],
  ['/verify/psd2/json', { endpoint: 'psd2', format: 'json', methods: GET_OR_POST }],
  [NETWORK_UNBLOCK_PATH, { endpoint: 'network-unblock', format: 'json', methods: POST_ONLY }],
])

/**
 * The endpoint a path names, or `undefined`. One trailing `/` is allowed (`/verify/json/` is
 * `/verify/json`): the reference says nothing of trailing slashes, and the sandbox has always
 * taken one, so that is the rule on both sides. Anything else must be written exactly: no second
 * slash, no empty segment, no other case.
 */
export function apiRouteOf(path: string): ApiRoute | undefined {
  const route = API_ROUTES.get(path)
  if (route !== undefined || path.length < 2 || path.charCodeAt(path.length - 1) !== 0x2f) {
    return route
  }
  return API_ROUTES.get(path.slice(0, -1))
}
