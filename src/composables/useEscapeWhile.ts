/**
 * Escape anywhere on the page while `open` is true calls `onEscape` (an inline confirmation closes
 * on Escape even when the focus has left it). The listener exists only while open.
 */
import { onBeforeUnmount, watch, type Ref } from 'vue'

export function useEscapeWhile(open: Ref<boolean>, onEscape: () => void): void {
  function onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault()
      onEscape()
    }
  }
  watch(open, (isOpen) => {
    if (isOpen) document.addEventListener('keydown', onKeydown)
    else document.removeEventListener('keydown', onKeydown)
  })
  onBeforeUnmount(() => document.removeEventListener('keydown', onKeydown))
}
