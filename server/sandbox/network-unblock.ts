/**
 * `POST /verify/network-unblock` in the sandbox. A network is blocked while a status 7 fault naming
 * it (`POST /__admin/faults` with `"status":"7"` and `"network"`, default 244523) is there; an
 * unblock lifts that block for `unblock_duration` seconds of the sandbox clock, during which the
 * fault applies to no start (and is not used up); the admin view shows it on the fault
 * (`unblocked_until`, gone from the event stream's list as the sandbox clock passes it), and it
 * goes with the block (a new status 7 fault blocks at once). Every account of the sandbox has the
 * feature switched on, so the spec's 403 is never answered; missing or wrong credentials answer
 * 401.
 */
import { NETWORK_UNBLOCK_PROBLEMS, readNetworkUnblock } from '../../contract/index.ts'
import type {
  NetworkUnblockResponse,
  ParamValue,
  Problem,
  ProblemDetails,
} from '../../contract/index.ts'
import type { Params } from './engine.ts'
import type { SandboxContext } from './context.ts'
import { cryptoId } from './ids.ts'

const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json' }

export interface UnblockAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

function problemAnswer(problem: Problem, extra: Record<string, string> = {}): UnblockAnswer {
  const { http, ...fields } = problem
  const body: ProblemDetails = {
    type: fields.type,
    title: fields.title,
    detail: fields.detail,
    instance: cryptoId(),
    ...(fields.invalid_parameters
      ? { invalid_parameters: fields.invalid_parameters.map((p) => ({ ...p })) }
      : {}),
  }
  return { status: http, headers: { ...JSON_HEADERS, ...extra }, body: JSON.stringify(body) }
}

/** The answer to a network unblock whose body could not be read (`text` says why): 422. */
export function unreadableNetworkUnblock(text: string): UnblockAnswer {
  return problemAnswer({
    http: 422,
    type: NETWORK_UNBLOCK_PROBLEMS.missingNetwork.type,
    title: 'Unprocessable Entity',
    detail: text,
  })
}

/**
 * Answers a network unblock whose parameters (query and body merged, Basic credentials added) are
 * `p`. Order: the credentials (401), the throttle (429), the values (422), the block (404).
 */
export function answerNetworkUnblock(ctx: SandboxContext, p: Params): UnblockAnswer {
  const admitted = ctx.engine.admit(p)
  if (admitted === 'unauthorized') {
    return problemAnswer(NETWORK_UNBLOCK_PROBLEMS.unauthorized, {
      'www-authenticate': 'Basic realm="Verify"',
    })
  }
  if (admitted === 'throttled') return problemAnswer(NETWORK_UNBLOCK_PROBLEMS.throttled)
  const read = readNetworkUnblock({
    network: first(p.network),
    unblock_duration: first(p.unblock_duration),
  })
  if ('http' in read) return problemAnswer(read)
  if (!ctx.faults.blocks(read.network)) return problemAnswer(NETWORK_UNBLOCK_PROBLEMS.notBlocked)
  // To the whole second the answer states: the block is back at the time it names.
  const until = Math.floor((ctx.clock.now() + read.seconds * 1000) / 1000) * 1000
  const body: NetworkUnblockResponse = {
    network: read.network,
    unblocked_until: ctx.faults.unblock(read.network, until),
  }
  return { status: 202, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) }
}

/** A parameter's value: the first of a repeated one, `NOT_SCALAR` (a JSON array or object) kept. */
function first(value: Params[string]): ParamValue {
  return Array.isArray(value) ? value[0] : value
}
