/**
 * The sandbox's accounts (`GET /__admin/accounts`), read once when a page opens (or once `when`
 * first holds), and which of them
 * the dashboard acts as: the proxy sends every sandbox call with the default account's key, so a
 * request of another account (a client using `sandbox-pin`, say) cannot be checked or cancelled
 * from the dashboard.
 */
import { computed, ref, shallowRef, watch, type ComputedRef, type Ref } from 'vue'
import type { AdminAccount } from '@contract/admin'
import { listAccounts } from '@/api/sandbox'

export interface SandboxAccounts {
  /** Every account, once read (null before, or when they could not be read). */
  accounts: Ref<readonly AdminAccount[] | null>
  /** Whether the read is over (read, or failed: then nothing is known of accounts). */
  settled: Ref<boolean>
  /** The account the dashboard acts as (the sandbox's default account), once known. */
  dashboard: ComputedRef<AdminAccount | null>
  /**
   * The name of `accountId` when it is known not to be the dashboard's account, else null (the
   * dashboard's own, or nothing known of the accounts).
   */
  foreign(accountId: string): string | null
}

export interface SandboxAccountsOptions {
  /** Read only once this first holds (a page that needs the accounts only sometimes). @default at once */
  when?: () => boolean
}

export function useSandboxAccounts(options: SandboxAccountsOptions = {}): SandboxAccounts {
  const accounts = shallowRef<readonly AdminAccount[] | null>(null)
  const settled = ref(false)
  let asked = false
  function read(): void {
    asked = true
    listAccounts()
      .then((answer) => (accounts.value = answer.accounts))
      // Unknown accounts: every request is offered as before (the sandbox answers for itself).
      .catch(() => (accounts.value = null))
      .finally(() => (settled.value = true))
  }
  const when = options.when
  if (!when) read()
  else watch(when, (now) => now && !asked && read(), { immediate: true })

  const dashboard = computed(() => accounts.value?.find((a) => a.is_default) ?? null)

  /** How to name an account to a user: its API key (what a client is configured with). */
  function nameOf(accountId: string): string {
    return accounts.value?.find((a) => a.account_id === accountId)?.api_key ?? accountId
  }

  function foreign(accountId: string): string | null {
    const own = dashboard.value
    return own && accountId !== own.account_id ? nameOf(accountId) : null
  }

  return { accounts, settled, dashboard, foreign }
}
