/**
 * What a verification start came to. `Earlier` is the earlier start without an answer a status 10
 * is probably about (the unanswered-starts store's entry); code that only reads the outcome's kind
 * and flags leaves it unknown.
 */
import type { ApiError } from '@/api/client'
import type { StartResult } from '@/api/verify'

export type StartOutcome<Earlier = unknown> =
  | { type: 'started'; requestId: string }
  | {
      type: 'rejected'
      answer: StartResult & { error_text: string }
      /** For status 10: the earlier start to this number in this tab that got no sure answer. */
      earlierUncertain?: Earlier
      /**
       * That earlier start is now the named request in History, with what was entered for it
       * (and no longer listed under "Starts without an answer").
       */
      earlierInHistory?: boolean
    }
  | {
      type: 'failed'
      error: ApiError
      number: string
      /** Kept under "Starts without an answer" (it may have gone out, or was not sent). */
      listed?: boolean
    }
