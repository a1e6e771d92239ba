/**
 * Where the keyboard focus goes on the request page when a control it holds is turned off: by the
 * control's own answer (the code field of a request just verified, the next event button with no
 * event left), from elsewhere (the request expired, was verified by another client), or with the
 * whole request gone. Without it the focus would drop to the page's body.
 */
import { toValue, watch, type MaybeRefOrGetter } from 'vue'
import type { ActionOutcome } from '@/utils/request-actions'
import type { Availability } from '@/utils/request-state'
import { focusedElement, rescueFocus } from './useFocusRescue'

export interface RequestFocusSources {
  /** The page's element: the controls are looked for within it. */
  view: MaybeRefOrGetter<HTMLElement | null>
  check: MaybeRefOrGetter<Availability>
  next: MaybeRefOrGetter<Availability>
  cancel: MaybeRefOrGetter<Availability>
  /** The answer to the last action sent from the page. */
  outcome: MaybeRefOrGetter<ActionOutcome | null>
  /** Why the request is gone (the sandbox no longer knows it); null while it is not. */
  gone: MaybeRefOrGetter<string | null>
}

/**
 * The controls the request's state turns off, in the order watched below: what holds each one
 * (the code field and its button are one), and the id of the reason said next to it once off.
 */
const CONTROLS = [
  { within: 'form.pin-entry', reason: 'pin-reason' },
  { within: '#next-event', reason: 'next-event-reason' },
  { within: '#cancel', reason: 'cancel-reason' },
] as const

/** The answer to the last action: where the focus goes when the control used is gone. */
const outcomeElement = () => document.getElementById('action-outcome')

/**
 * Looks after the focus on the request page; `act` runs each action sent from it. The card saying
 * the request is gone is the element with id `request-gone`, the answer `action-outcome`.
 */
export function useRequestFocus(sources: RequestFocusSources) {
  /** Actions on their way from this page: the focus they started from is theirs to look after. */
  let acting = 0
  /** The control the last action started from: a later change may still disable it. */
  let lastActionFrom: HTMLElement | null = null
  /**
   * Runs an action; a control its answer disabled (the code field of a verified request, the next
   * event button with no event left) hands the focus to the answer instead of the page's body.
   */
  async function act(run: () => Promise<unknown>): Promise<void> {
    const from = focusedElement()
    lastActionFrom = from
    acting++
    try {
      await run()
    } finally {
      acting--
    }
    await rescueFocus(from, outcomeElement)
  }

  // A control turned off while it has the focus (by its own answer, or from elsewhere: the request
  // expired, was verified by another client, its next event sent) would drop the focus to the
  // page's body: it goes to what says the new state instead. The answer to this page's action, when
  // that action made the change; else the reason now said next to the control ("Check not
  // possible: request expired"). A focus elsewhere on the page is left where it is.
  // Watched as one string: a new array each second (the cancel countdown) would run it every tick.
  // Before the page is updated: the control still holds the focus then, even in a browser that
  // drops it at once when the control is disabled.
  watch(
    () =>
      `${toValue(sources.check).allowed} ${toValue(sources.next).allowed} ${toValue(sources.cancel).allowed}`,
    (allowed, before) => {
      const was = before?.split(' ') ?? []
      const off = allowed.split(' ').map((now, i) => now === 'false' && was[i] === 'true')
      // A request gone: the card saying so takes the focus (below).
      if (!off.includes(true) || toValue(sources.gone)) return
      const own = lastActionFrom
      const focused = focusedElement()
      // The control an action on its way started from: its answer takes the focus, once it is in
      // (until then the action looks after its focus itself, see act).
      if (acting > 0 && own && own === focused) {
        if (outcomeElement()) void rescueFocus(own, outcomeElement)
        return
      }
      lastActionFrom = null
      const view = toValue(sources.view)
      const control = CONTROLS.find(
        (c, i) => off[i] && focused && view?.querySelector(c.within)?.contains(focused),
      )
      if (!focused || !control) {
        // The focus already left the control the last action started from: only a lost focus moves.
        if (own) void rescueFocus(own, outcomeElement)
        return
      }
      // The last action's answer says the change it made; any other change, the control's reason.
      const answer =
        own === focused && toValue(sources.outcome)?.statusChange ? [outcomeElement] : []
      void rescueFocus(focused, ...answer, () => document.getElementById(control.reason))
    },
    { flush: 'pre' },
  )
  // The card saying the request is gone takes the focus a control it disabled held.
  watch(
    () => toValue(sources.gone),
    (now, before) => {
      if (!now || before) return
      void rescueFocus(focusedElement(), () => document.getElementById('request-gone'))
    },
    { flush: 'pre' },
  )
  return { act }
}
