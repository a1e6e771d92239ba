/**
 * Injected faults: the next N calls to an endpoint answer a chosen status, answer late, or drop.
 * The dashboard's own background calls (its status polling, through the proxy in-process) are
 * marked with `BACKGROUND_CALL` and never take one: faults are for the tester's application, and
 * for what the tester does in the dashboard.
 */
import {
  DEFAULT_FAULT_NETWORK,
  FAULT_STATUSES,
  VERIFY_ENDPOINTS,
  isNetworkCode,
  type FaultEndpoint,
} from '../../contract/index.ts'
import type { AdminFault, VerifyEndpoint } from '../../contract/index.ts'

const MAX_FAULT_DELAY_MS = 120_000

/**
 * The mark of a call no fault applies to: a property only code in this process can set on the
 * call object (the proxy, for the dashboard's background polling). No header, parameter or body of
 * an HTTP call can set it, so a client calling the sandbox itself always meets the faults.
 * `Symbol.for`: the same symbol in modules loaded twice (Vite's config and its SSR loader).
 */
export const BACKGROUND_CALL: unique symbol = Symbol.for('verify-desk.sandbox.background-call')

/** Whether `call` carries the in-process background mark. */
export function isBackgroundCall(call: object | undefined): boolean {
  return call !== undefined && (call as { [BACKGROUND_CALL]?: unknown })[BACKGROUND_CALL] === true
}

/** `2024-04-22T08:34:58Z`: ISO 8601 UTC to the second, as the unblock's answer states it. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export class Faults {
  private faults: AdminFault[] = []
  private seq = 0
  /** Networks unblocked (`POST /verify/network-unblock`): until when, on the sandbox clock (ms). */
  private unblocked = new Map<string, number>()

  /**
   * `onChange` hears of every change of the list (the admin event stream's `faults` event): a
   * fault added, used once (its `remaining` down by one, or gone when used up), removed, cleared,
   * an unblock begun or over (see `runDue`). `now` is the sandbox clock, which ends unblocks.
   */
  constructor(
    private readonly onChange: () => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** The network a fault blocks: the one its status 7 names (`null` for any other fault). */
  private static blockOf(fault: AdminFault): string | null {
    return fault.status === '7' ? (fault.network ?? DEFAULT_FAULT_NETWORK) : null
  }

  /** Whether a status 7 fault naming `network` is there (whether or not it is unblocked now). */
  blocks(network: string): boolean {
    return this.faults.some((f) => Faults.blockOf(f) === network)
  }

  /**
   * Lifts the block of `network` until `untilMs` on the sandbox clock: until then, a status 7
   * fault naming it applies to no call (nor is it used up); after, it applies again while it lasts.
   * The unblock goes with the block: once no status 7 fault names the network, a new one blocks it
   * at once. The faults it lifts say until when (`unblocked_until`), so it is a change of the list.
   * Returns that end as the answer and the list state it.
   */
  unblock(network: string, untilMs: number): string {
    // An end already passed (a duration of 0) lifts nothing: it ends an unblock still running.
    if (untilMs > this.now()) this.unblocked.set(network, untilMs)
    else this.unblocked.delete(network)
    this.onChange()
    return isoSeconds(untilMs)
  }

  /**
   * When the next unblock ends (ms on the sandbox clock), for the sandbox's one timer: the host
   * calls `runDue()` then, and after moving the clock. Undefined when no unblock runs.
   */
  nextDueAt(): number | undefined {
    return this.unblocked.size === 0 ? undefined : Math.min(...this.unblocked.values())
  }

  /**
   * Forgets the unblocks over at the sandbox clock's time: the faults they lifted block again, so
   * `onChange` hears of it (the admin event stream sends the list without their `unblocked_until`).
   */
  runDue(): void {
    const now = this.now()
    let ended = false
    for (const [network, until] of this.unblocked) {
      if (until > now) continue
      this.unblocked.delete(network)
      if (this.blocks(network)) ended = true
    }
    if (ended) this.onChange()
  }

  /** Until when a fault's block is lifted now (ms on the sandbox clock), else null. */
  private liftedUntil(fault: AdminFault): number | null {
    const network = Faults.blockOf(fault)
    if (network === null) return null
    const until = this.unblocked.get(network)
    return until !== undefined && this.now() < until ? until : null
  }

  /** Forgets the unblocks of networks no fault blocks any more, and those that are over. */
  private dropStaleUnblocks(): void {
    const now = this.now()
    for (const [network, until] of this.unblocked) {
      if (until <= now || !this.blocks(network)) this.unblocked.delete(network)
    }
  }

  list(): AdminFault[] {
    return this.faults.map((f) => {
      const until = this.liftedUntil(f)
      return until === null ? { ...f } : { ...f, unblocked_until: isoSeconds(until) }
    })
  }

  /** Validates and adds a fault; returns an error message for bad input. */
  add(input: unknown): AdminFault | { error: string } {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { error: 'Body must be a JSON object.' }
    }
    const i = input as Record<string, unknown>
    const endpoint = i.endpoint ?? 'any'
    if (
      typeof endpoint !== 'string' ||
      (endpoint !== 'any' && !(VERIFY_ENDPOINTS as readonly string[]).includes(endpoint))
    ) {
      return { error: `endpoint must be one of any, ${VERIFY_ENDPOINTS.join(', ')}.` }
    }
    const count = i.count ?? 1
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 10_000) {
      return { error: 'count must be an integer from 1 to 10000.' }
    }
    let status: string | null = null
    if (i.status !== undefined && i.status !== null) {
      status = String(i.status)
      // What the endpoint answers: the statuses a message may suggest, as no other is taken.
      const allowed = FAULT_STATUSES[endpoint as FaultEndpoint]
      const where = endpoint === 'any' ? 'every endpoint' : endpoint
      if (!/^[0-9]+$/.test(status) || status === '0') {
        return {
          error:
            `status must be a non-zero API status code the API answers on ${where}: ` +
            `give one of ${allowed.join(', ')}.`,
        }
      }
      if (!allowed.includes(status)) {
        return {
          error:
            `status ${status} is not one the API answers on ${where}: ` +
            `give one of ${allowed.join(', ')}.`,
        }
      }
    }
    const errorText = i.error_text
    if (errorText !== undefined && errorText !== null && typeof errorText !== 'string') {
      return { error: 'error_text must be a string.' }
    }
    const network = i.network ?? null
    if (network !== null && (typeof network !== 'string' || !isNetworkCode(network))) {
      return { error: 'network must be a network id of 5 or 6 digits (country and network code).' }
    }
    const delay = i.delay_ms ?? 0
    if (
      typeof delay !== 'number' ||
      !Number.isInteger(delay) ||
      delay < 0 ||
      delay > MAX_FAULT_DELAY_MS
    ) {
      return { error: `delay_ms must be an integer from 0 to ${MAX_FAULT_DELAY_MS}.` }
    }
    const drop = i.drop ?? false
    if (typeof drop !== 'boolean') return { error: 'drop must be true or false.' }
    if (status === null && delay === 0 && !drop) {
      return { error: 'Give at least one of status, delay_ms or drop.' }
    }
    const fault: AdminFault = {
      id: `f${++this.seq}`,
      endpoint: endpoint as VerifyEndpoint | 'any',
      remaining: count,
      status,
      error_text: status !== null && typeof errorText === 'string' ? errorText : null,
      network: status === '7' ? network : null,
      delay_ms: delay,
      drop,
    }
    this.faults.push(fault)
    this.onChange()
    return { ...fault }
  }

  /**
   * Takes one use of the first fault matching the endpoint, if any; never for a `call` carrying the
   * background mark (see `BACKGROUND_CALL`).
   */
  take(endpoint: VerifyEndpoint, call?: object): AdminFault | undefined {
    if (this.faults.length === 0 || isBackgroundCall(call)) return undefined
    const index = this.faults.findIndex(
      (f) => (f.endpoint === endpoint || f.endpoint === 'any') && this.liftedUntil(f) === null,
    )
    if (index < 0) return undefined
    const fault = this.faults[index] as AdminFault
    fault.remaining--
    if (fault.remaining <= 0) {
      this.faults.splice(index, 1)
      this.dropStaleUnblocks()
    }
    this.onChange()
    return { ...fault }
  }

  remove(id: string): boolean {
    const before = this.faults.length
    this.faults = this.faults.filter((f) => f.id !== id)
    if (this.faults.length === before) return false
    this.dropStaleUnblocks()
    this.onChange()
    return true
  }

  clear(): void {
    this.unblocked.clear()
    if (this.faults.length === 0) return
    this.faults = []
    this.onChange()
  }

  get size(): number {
    return this.faults.length
  }
}
