/**
 * Keeps the keyboard focus somewhere sensible after an action: a button disabled or removed by its
 * own answer (a verified request's code field, a deleted row) would otherwise drop the focus to the
 * page's body, and a keyboard or screen-reader user would have to start again from the top.
 */
import { nextTick, toValue, watch, type MaybeRefOrGetter, type WatchSource } from 'vue'

/** Where the focus may go instead: an element, or a function finding it when the time comes. */
export type FocusTarget = MaybeRefOrGetter<HTMLElement | null | undefined>

/** The element that has the focus now, or null when nothing (the body) has it. */
export function focusedElement(): HTMLElement | null {
  if (typeof document === 'undefined') return null
  const el = document.activeElement
  return el instanceof HTMLElement && el !== document.body ? el : null
}

/** Whether `el` can hold the focus: in the page, not disabled, not inside an inert part. */
function canFocus(el: HTMLElement | null | undefined): el is HTMLElement {
  return !!el && el.isConnected && !el.matches(':disabled') && !el.closest('[inert]')
}

/**
 * After the DOM has caught up with an action started from `from` (the element focused when it
 * began): if the focus was lost (back on the body, or on `from` now disabled), puts it back on
 * `from` when it is still usable, else on the first usable target. Does nothing when the focus moved
 * elsewhere meanwhile (the user went on), or when the action did not start from a focused element.
 * Returns the element focused, if it moved it.
 */
export async function rescueFocus(
  from: HTMLElement | null,
  ...targets: FocusTarget[]
): Promise<HTMLElement | null> {
  if (!from) return null
  await nextTick()
  const now = focusedElement()
  const lost = now === null || (now === from && !canFocus(from))
  if (!lost) return null
  for (const candidate of [from, ...targets.map((t) => toValue(t))]) {
    if (canFocus(candidate)) {
      candidate.focus()
      if (document.activeElement === candidate) return candidate
    }
  }
  return null
}

/**
 * For a control something else can turn off under the focus (the request ended elsewhere, the last
 * fault used up): whenever `state` changes, a focus `holds` says is the control's goes to the first
 * usable target once the page is updated, if the control can no longer hold it. Watched before the
 * page is updated: the control still has the focus then, even in a browser that drops it at once
 * when the control is disabled.
 */
export function useFocusWhenDisabled(
  state: WatchSource<unknown> | WatchSource<unknown>[],
  holds: (focused: HTMLElement) => boolean,
  ...targets: FocusTarget[]
): void {
  watch(
    state,
    () => {
      const from = focusedElement()
      if (from && holds(from)) void rescueFocus(from, ...targets)
    },
    { flush: 'pre' },
  )
}
