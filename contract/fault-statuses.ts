/**
 * The API statuses an injected fault can answer on each endpoint: the ones the Verify v1 API itself
 * answers there, as each endpoint's `status` enum lists them in Vonage's public Verify v1 OpenAPI
 * definition (`definitions/verify.yml` of https://github.com/Vonage/api-specification). The
 * sandbox shapes an injected status as that endpoint would: 10 on a start names the request in
 * progress, 16 and 6 on check carry the request_id sent, 19 belongs to control… The sandbox's
 * admin API refuses any other; the dashboard's fault picker offers exactly these.
 *
 * - 1 to 5 on every endpoint; 6 too ("unable to process": a start that could not be routed, a
 *   check or control of a request not found, a search with wrong parameters).
 * - 7, 10 and 15 on starts (request and PSD2); 8 and 9 on starts and control.
 * - 20 (pin_code not enabled) on request only: PSD2 takes no pin_code. 21 (PSD2 not enabled) on
 *   PSD2 only. 29 (non-permitted destination) on both starts.
 * - 16 and 17 on check; 18 (more than ten ids) and 101 on search; 19 on control.
 * - 999 (a JSON body that cannot be parsed) on every endpoint.
 */
import type { VerifyEndpoint } from './types.ts'

/** Where a fault applies: one endpoint, or `any` (the next call to whichever endpoint). */
export type FaultEndpoint = VerifyEndpoint | 'any'

/** Statuses common to every start (request and PSD2). */
const START = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '15'] as const

export const FAULT_STATUSES: Readonly<Record<FaultEndpoint, readonly string[]>> = {
  request: [...START, '20', '29', '999'],
  psd2: [...START, '21', '29', '999'],
  check: ['1', '2', '3', '4', '5', '6', '16', '17', '999'],
  search: ['1', '2', '3', '4', '5', '6', '18', '101', '999'],
  control: ['1', '2', '3', '4', '5', '6', '8', '9', '19', '999'],
  // Only what every endpoint can answer.
  any: ['1', '2', '3', '4', '5', '6', '999'],
}
