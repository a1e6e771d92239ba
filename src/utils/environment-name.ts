/**
 * How the dashboard's texts name an environment: on its own (a label, a table cell, a choice) it
 * is `Sandbox` or `Live`; inside a sentence it is `the sandbox` or `Live` ("in the sandbox", "on
 * Live"). The environments are this server's, not the upstream behind them (see `upstreamName`).
 */
import type { EnvironmentId } from '@contract/desk'

/** The environment's name on its own: `Sandbox`, `Live`. */
export function environmentName(environment: EnvironmentId): 'Sandbox' | 'Live' {
  return environment === 'live' ? 'Live' : 'Sandbox'
}

/** The environment's name inside a sentence: `the sandbox`, `Live`. */
export function environmentInSentence(environment: EnvironmentId): 'the sandbox' | 'Live' {
  return environment === 'live' ? 'Live' : 'the sandbox'
}
