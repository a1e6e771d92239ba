/**
 * A list whose items each end in a row of buttons, one of which removes its item (a set-aside
 * draft discarded, an unanswered start dismissed): the focus goes on to the item now in its place,
 * never down to the page's body.
 */
import { nextTick, type Ref } from 'vue'
import { neighbourAfterRemoval } from '@/utils/neighbour'

/**
 * For the list `list` (its template ref): `removeAt(index, take)` runs `take` (which removes the
 * item at `index`), then, once the page is updated, focuses the first button of the item now at
 * `index` (the next one), else of the one before; with no item left, calls `emptied` (the list is
 * gone, and the focus with it).
 */
export function useRemovalFocus(
  list: Readonly<Ref<HTMLElement | null>>,
  emptied: () => void,
): (index: number, take: () => void) => void {
  return function removeAt(index: number, take: () => void): void {
    take()
    void nextTick(() => {
      const buttons = list.value?.querySelectorAll<HTMLElement>('li .row button:first-child') ?? []
      const next = neighbourAfterRemoval(buttons, index)
      if (next) next.focus()
      else emptied()
    })
  }
}
