/**
 * What the request page's actions may do now: each one as the request's state allows it (or will),
 * turned off while the server no longer offers the request's environment or while the request is
 * another sandbox account's, saying why.
 */
import { computed, type ComputedRef } from 'vue'
import type { RequestDetails } from './useRequestDetails'
import { useSandboxAccounts } from './useSandboxAccounts'
import { useEnvironmentOffered } from './useEnvironmentOffered'
import {
  availabilityFor,
  checkAvailability,
  type Availability,
  nextEventAvailability,
  requestCancelAvailability,
} from '@/utils/request-state'

/** A sandbox request of another account: its name, and the account the dashboard acts as. */
export interface OtherAccount {
  theirs: string
  dashboard: string
}

export function useRequestAvailability(details: RequestDetails) {
  const { model, environment, now, isLoading, gone, error, readAt } = details
  /**
   * The dashboard's own calls started the request or found it by search: the sandbox answers those
   * only for the account the dashboard acts as, so the request is that account's.
   */
  const ownCallsKnowIt = computed(
    () => details.entry.value?.source === 'started' || !!details.statusRecord.value?.lastSearch,
  )
  /**
   * The sandbox's accounts, read once the request's own account is known and the dashboard's calls
   * did not show it to be the dashboard's (nothing known of accounts when the read fails: the
   * sandbox answers for itself).
   */
  const accounts = useSandboxAccounts({
    when: () => !!details.adminAccount.value && !isLoading.value && !ownCallsKnowIt.value,
  })
  /**
   * A sandbox request of another account than the one the dashboard acts as (a client using
   * `sandbox-pin`, say): the dashboard's calls cannot check or cancel it (the sandbox would answer
   * as for an unknown request), so the page only watches it. Named as the Handset names them.
   */
  const otherAccount: ComputedRef<OtherAccount | null> = computed(() => {
    const account = details.adminAccount.value
    const theirs = environment.value === 'sandbox' && account ? accounts.foreign(account) : null
    return theirs ? { theirs, dashboard: accounts.dashboard.value!.api_key } : null
  })
  /** Where reading the request stands: what the actions say while it gives nothing usable. */
  const read = computed(() => ({ loading: isLoading.value, gone: gone.value !== null }))
  /** Whether the server still offers the request's environment (live may be taken away). */
  const offered = useEnvironmentOffered({ environment, error, readAt })
  /**
   * An action the request's state allows (or will), while the server no longer offers its
   * environment or the request is another sandbox account's: off, saying why (the notice says what
   * to do). One the request's state rules out keeps that reason ("request expired").
   */
  function whileOffered(availability: Availability): Availability {
    const ruledOut = !availability.allowed && availability.opensAt === null
    if (otherAccount.value && !ruledOut) {
      return {
        allowed: false,
        reason: `sent for account ${otherAccount.value.theirs}`,
        opensAt: null,
      }
    }
    if (offered.offReason.value === null) return availability
    if (!availability.allowed && availability.opensAt === null) return availability
    return {
      allowed: false,
      reason: `${offered.label.value} is not available on this server`,
      opensAt: null,
    }
  }
  const cancel = computed(() =>
    whileOffered(
      availabilityFor(model.value, read.value, (m) => requestCancelAvailability(m, now.value)),
    ),
  )
  const next = computed(() =>
    whileOffered(availabilityFor(model.value, read.value, nextEventAvailability)),
  )
  const check = computed(() =>
    whileOffered(availabilityFor(model.value, read.value, checkAvailability)),
  )
  return { otherAccount, offered, cancel, next, check }
}
