/**
 * The text of a polite live region that is always in the page: `say()` empties it first, so the
 * same message said twice in a row (a second failed submit) is announced again.
 */
import { nextTick, ref } from 'vue'

export function useAnnouncement() {
  const text = ref('')
  let said = 0

  async function say(message: string): Promise<void> {
    const mine = ++said
    text.value = ''
    await nextTick()
    if (mine === said) text.value = message
  }

  function clear(): void {
    said++
    text.value = ''
  }

  return { text, say, clear }
}
