import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import SettingsDefaults from '@/components/settings/SettingsDefaults.vue'

describe('Settings: save defaults when storage is full', () => {
  it('says the defaults were not saved, and why', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const wrapper = mount(SettingsDefaults, { global: { plugins: [pinia] } })
    const setItem = vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    })
    try {
      await wrapper.get('#default-brand').setValue('Acme')
      await wrapper.get('form').trigger('submit')
      const status = wrapper.get('[role="status"]').text()
      expect(status).toMatch(/^Defaults not saved: the browser's storage is full/)
      expect(status).not.toMatch(/Defaults saved/)
    } finally {
      setItem.mockRestore()
    }
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('[role="status"]').text()).toBe(
      'Defaults saved: new verifications start with them.',
    )
  })
})
