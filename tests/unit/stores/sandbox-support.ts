/** The sandbox api as the tests of the sandbox store and pages mock it. */
import type { Mock } from 'vitest'
import type { AdminClock } from '@contract/admin'

/** The reads the sandbox store makes when it loads, as a test mocks them. */
export interface SandboxReadMocks {
  listMessages: Mock
  listAdminRequests: Mock
  getClock: Mock
  listFaults: Mock
  listTestNumbers: Mock
}

/** Resets every mock of `api` and has the store's reads answer as an empty sandbox at `clock`. */
export function answerAsEmptySandbox(
  api: SandboxReadMocks & Record<string, Mock>,
  clock: AdminClock,
): void {
  for (const fn of Object.values(api)) fn.mockReset()
  api.listMessages.mockResolvedValue({ messages: [], total: 0 })
  api.listAdminRequests.mockResolvedValue({ requests: [], total: 0 })
  api.getClock.mockResolvedValue(clock)
  api.listFaults.mockResolvedValue({ faults: [] })
  api.listTestNumbers.mockResolvedValue({ test_numbers: [] })
}
