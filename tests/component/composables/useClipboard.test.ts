import { afterEach, describe, expect, it, vi } from 'vitest'
import { useClipboard } from '@/composables/useClipboard'

// Browsers without the Clipboard API (plain http on another host, older ones) copy through a
// hidden textarea, which takes the focus while it is selected.
describe('useClipboard without the Clipboard API', () => {
  const clipboard = Object.getOwnPropertyDescriptor(navigator, 'clipboard')
  afterEach(() => {
    if (clipboard) Object.defineProperty(navigator, 'clipboard', clipboard)
    vi.restoreAllMocks()
    document.body.innerHTML = ''
  })

  function withoutClipboardApi(): void {
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true })
  }

  it('copies the text and gives the focus back to the control used', async () => {
    withoutClipboardApi()
    let copiedText: string | undefined
    const exec = vi.fn((command: string) => {
      // As a browser does: the selected textarea has the focus while it is copied.
      const area = document.querySelector('textarea') as HTMLTextAreaElement
      area.focus()
      copiedText = area.value
      return command === 'copy'
    })
    Object.defineProperty(document, 'execCommand', { value: exec, configurable: true })
    const button = document.createElement('button')
    document.body.appendChild(button)
    button.focus()

    const { copy, copied } = useClipboard()
    expect(await copy('curl -X POST …')).toBe(true)
    expect(exec).toHaveBeenCalledWith('copy')
    expect(copiedText).toBe('curl -X POST …')
    expect(copied.value).toBe(true)
    expect(document.activeElement).toBe(button)
    expect(document.querySelector('textarea')).toBeNull()
  })

  it('gives the focus back and says it failed when the browser refuses to copy', async () => {
    withoutClipboardApi()
    const refuse = () => {
      document.querySelector('textarea')?.focus()
      return false
    }
    Object.defineProperty(document, 'execCommand', { value: refuse, configurable: true })
    const button = document.createElement('button')
    document.body.appendChild(button)
    button.focus()

    const { copy, failed } = useClipboard()
    expect(await copy('x')).toBe(false)
    expect(failed.value).toBe(true)
    expect(document.activeElement).toBe(button)
    expect(document.querySelector('textarea')).toBeNull()
  })
})
