/**
 * The statuses a sandbox fault can answer on each endpoint (the table lives in the contract, where
 * the sandbox's admin API checks against it too), and the picker's choice when the endpoint changes.
 */
import { FAULT_STATUSES, type FaultEndpoint } from '@contract/fault-statuses'

export { FAULT_STATUSES, type FaultEndpoint }

/** The status to keep when the endpoint changes: the chosen one if it fits, else 5 (or the first). */
export function faultStatusFor(endpoint: FaultEndpoint, chosen: string): string {
  const offered = FAULT_STATUSES[endpoint]
  if (offered.includes(chosen)) return chosen
  return offered.includes('5') ? '5' : (offered[0] ?? '5')
}
