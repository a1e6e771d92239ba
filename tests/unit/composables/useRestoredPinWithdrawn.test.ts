/**
 * The code of a lost check, put back into the PIN field once a read showed it not processed, is
 * taken out again when a later read shows the check processed after all (sending it again would
 * use another attempt), unless the agent changed it meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { nextTick, ref } from 'vue'
import { useRestoredPin } from '@/composables/useRestoredPin'
import { runComposable, stopComposables } from './support'

afterEach(stopComposables)

describe('useRestoredPin: a code withdrawn', () => {
  it('empties the field that still holds the code put back, and says nothing more of it', async () => {
    const code = ref('')
    const lost = ref<{ code: string } | null>(null)
    const restored = runComposable(() => useRestoredPin(code, lost, () => undefined))
    lost.value = { code: '1111' }
    await nextTick()
    expect(code.value).toBe('1111')
    expect(restored.value).toBe('1111')
    lost.value = null
    await nextTick()
    expect(code.value).toBe('')
    expect(restored.value).toBeNull()
  })

  it('keeps what the agent typed since', async () => {
    const code = ref('')
    const lost = ref<{ code: string } | null>(null)
    runComposable(() => useRestoredPin(code, lost, () => undefined))
    lost.value = { code: '1111' }
    await nextTick()
    code.value = '2468'
    await nextTick()
    lost.value = null
    await nextTick()
    expect(code.value).toBe('2468')
  })
})
