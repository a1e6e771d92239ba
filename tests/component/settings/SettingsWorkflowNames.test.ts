import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import SettingsDefaults from '@/components/settings/SettingsDefaults.vue'
import VerifyWorkflowSelect from '@/components/verify/VerifyWorkflowSelect.vue'
import { heldUntil, useDeskServer } from '../support/desk-server'

const server = useDeskServer()

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  setActivePinia(createPinia())
  // The list of environments is on its way for as long as the test runs.
  server.on('GET', 'environments', heldUntil(new Promise(() => {})))
})

/** The text of each choice of a list, in order. */
function choices(select: HTMLSelectElement): string[] {
  return [...select.options].map((option) => option.text.trim())
}

describe('the default workflow in Settings', () => {
  it('names each workflow as New verification does, with its waits', () => {
    const settings = choices(
      mount(SettingsDefaults).get<HTMLSelectElement>('#default-workflow').element,
    )
    const newVerification = choices(
      mount(VerifyWorkflowSelect, {
        props: { schedule: '', modelValue: '1' },
      }).get<HTMLSelectElement>('select').element,
    )
    expect(settings).toEqual(newVerification)
    expect(settings[0]).toBe('1: SMS → 125 s → TTS → 180 s → TTS (new PIN) → 300 s → expires')
    expect(settings).toHaveLength(7)
  })
})
