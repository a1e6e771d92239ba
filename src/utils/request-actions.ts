/** The request actions (check, cancel, trigger-next-event) and what one of them came to. */
import type { Delivery } from '@/utils/call-failure'

export type ActionName = 'check' | 'cancel' | 'next'

/** Each action as a reason to wait names it ("waiting for the cancel to finish"). */
/** Check answers after which the code sent is spent: accepted (0), wrong (16), ended (17). */
export const CODE_USED_STATUSES: ReadonlySet<string> = new Set(['0', '16', '17'])

export const ACTION_NAMES: Readonly<Record<ActionName, string>> = {
  check: 'the code check',
  cancel: 'the cancel',
  next: 'the next event',
}

export interface ActionOutcome {
  action: ActionName
  ok: boolean
  /** The API status ("0", "16", …); empty when no API answer came (see `failure`). */
  status: string
  /** Without an API answer: whether the call may have reached Vonage. */
  failure: Delivery | null
  title: string
  message: string
  nextStep: string
  /**
   * The change of status the answer made, said with it (`Request …62a2d3 to +4477… is now failed
   * (FAILED).`); the app's announcer leaves it to the page, so it is said once. Empty: none.
   */
  statusChange: string
  /**
   * For a check: the typed code was used up (accepted, wrong, or the request failed) or may have
   * been, so it must not be sent again as it is. Kept for throttling and calls not sent.
   */
  codeUsed: boolean
  at: number
}
