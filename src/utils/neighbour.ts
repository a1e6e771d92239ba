/**
 * Where the focus goes once an item is removed from a list (a row added elsewhere, a test number
 * removed, a notice dismissed): to the same control of the item now in its place (the next one),
 * else of the one before; with nothing left, the caller's fallback takes it.
 */

/**
 * Of the controls left after the item at `index` was removed: the one now at `index` (the next
 * item's), else the last (the previous item's); undefined when none is left or the item was not in
 * the list (`index` -1).
 */
export function neighbourAfterRemoval<T>(left: ArrayLike<T>, index: number): T | undefined {
  if (index < 0 || left.length === 0) return undefined
  return left[Math.min(index, left.length - 1)]
}
