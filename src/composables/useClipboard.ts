/** Copies text to the clipboard and says so for a moment; falls back to a hidden textarea. */
import { getCurrentScope, onScopeDispose, ref } from 'vue'

export function useClipboard(resetAfterMs = 2000) {
  const copied = ref(false)
  const failed = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined

  async function copy(text: string): Promise<boolean> {
    failed.value = false
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text)
      } else {
        // Selecting the textarea takes the focus: it goes back to the control used afterwards.
        const before = document.activeElement
        const area = document.createElement('textarea')
        area.value = text
        area.setAttribute('readonly', '')
        area.style.position = 'absolute'
        area.style.left = '-9999px'
        document.body.appendChild(area)
        area.select()
        let ok = false
        try {
          ok = document.execCommand('copy')
        } finally {
          area.remove()
          if (before instanceof HTMLElement && before !== document.body) before.focus()
        }
        if (!ok) throw new Error('copy refused')
      }
      copied.value = true
      clearTimeout(timer)
      timer = setTimeout(() => (copied.value = false), resetAfterMs)
      return true
    } catch {
      failed.value = true
      return false
    }
  }

  if (getCurrentScope()) onScopeDispose(() => clearTimeout(timer))
  return { copied, failed, copy }
}
