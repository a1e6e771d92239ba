/**
 * The API statuses a sandbox fault can answer on each endpoint: the ones the Verify v1 API itself
 * answers there (the sandbox shapes an injected status as that endpoint would: 10 on a start names
 * the request in progress, 16 and 6 on check carry the request_id sent, 19 belongs to control…).
 */
import type { VerifyEndpoint } from '@contract/types'

export type FaultEndpoint = VerifyEndpoint | 'any'

/** Statuses common to every start (request and PSD2). */
const START = ['1', '2', '3', '4', '5', '7', '8', '9', '10', '15'] as const

export const FAULT_STATUSES: Readonly<Record<FaultEndpoint, readonly string[]>> = {
  request: [...START, '20', '29'],
  psd2: [...START, '21', '29'],
  check: ['1', '2', '3', '4', '5', '6', '16', '17'],
  search: ['1', '2', '3', '4', '5', '101'],
  control: ['1', '2', '3', '4', '5', '6', '8', '9', '19'],
  // Only what every endpoint can answer.
  any: ['1', '2', '3', '4', '5'],
}

/** The status to keep when the endpoint changes: the chosen one if it fits, else 5 (or the first). */
export function faultStatusFor(endpoint: FaultEndpoint, chosen: string): string {
  const offered = FAULT_STATUSES[endpoint]
  if (offered.includes(chosen)) return chosen
  return offered.includes('5') ? '5' : (offered[0] ?? '5')
}
