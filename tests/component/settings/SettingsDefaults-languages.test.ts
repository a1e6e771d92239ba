import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { REQUEST_LANGUAGES } from '@contract/params'
import SettingsDefaults from '@/components/settings/SettingsDefaults.vue'
import { mountNewVerification, SANDBOX_ONLY } from '../verify/support'
import { json, useDeskServer } from '../support/desk-server'

const server = useDeskServer()

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  setActivePinia(createPinia())
  server.on('GET', 'environments', json(SANDBOX_ONLY))
})

/** The text of each choice of a language list, in order. */
function choices(select: HTMLSelectElement): string[] {
  return [...select.options].map((option) => option.text.trim())
}

describe('the default language in Settings', () => {
  it('names each language as New verification does ("ar-xa · Arabic"), not by its bare code', async () => {
    const settings = mount(SettingsDefaults)
    const offered = choices(settings.get<HTMLSelectElement>('#default-lg').element)
    expect(offered[0]).toBe('API default (by the number)')
    expect(offered).toContain('ar-xa · Arabic')
    expect(offered).toContain('cy-cy · Welsh')
    expect(offered).toContain('cs-cz · Czech (Czechia)')
    expect(offered).not.toContain('cs-cz')
    settings.unmount()

    // The same words for the same languages on New verification.
    const { wrapper } = await mountNewVerification()
    await flushPromises()
    const onNewVerification = choices(wrapper.get<HTMLSelectElement>('#lg').element)
    wrapper.unmount()
    expect(offered.slice(1)).toHaveLength(REQUEST_LANGUAGES.length)
    expect(offered.slice(1)).toEqual(onNewVerification.slice(1))
  })
})
