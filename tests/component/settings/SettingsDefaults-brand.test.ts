import { beforeEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import SettingsDefaults from '@/components/settings/SettingsDefaults.vue'
import { useSettingsStore } from '@/stores/settings'

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  setActivePinia(createPinia())
})

/** Types `brand` and presses Save defaults. */
async function saveBrand(brand: string): Promise<VueWrapper> {
  const wrapper = mount(SettingsDefaults)
  await wrapper.get('#default-brand').setValue(brand)
  await wrapper.get('form').trigger('submit')
  return wrapper
}

describe('Settings: a default brand refused, in the words of New verification', () => {
  it('a brand of 21 characters: says the limit and the length, with the API text as a detail', async () => {
    const wrapper = await saveBrand('A'.repeat(21))
    expect(wrapper.get('#default-brand-error').text()).toBe(
      'Brand is at most 18 characters (now 21 characters).',
    )
    expect(wrapper.get('.api-text').text()).toBe(
      'The API would answer: Invalid value for param: brand. Parameter is too long.',
    )
    expect(useSettingsStore().defaults.brand).toBe('Verify Desk')
  })

  it('a brand holding a tab: says to remove the control character', async () => {
    const wrapper = await saveBrand('Acme\tShop')
    expect(wrapper.get('#default-brand-error').text()).toBe(
      'Remove the control characters (such as a tab or a line break): no message can show them.',
    )
    expect(wrapper.get('.api-text').text()).toBe(
      'The API would answer: Invalid value for param: brand',
    )
  })

  it('no brand: says it is required, with no API text', async () => {
    const wrapper = await saveBrand('  ')
    expect(wrapper.get('#default-brand-error').text()).toBe(
      'Enter a brand: it is required on every verification.',
    )
    expect(wrapper.find('.api-text').exists()).toBe(false)
  })

  it('has the hint New verification gives the brand', () => {
    const wrapper = mount(SettingsDefaults)
    expect(wrapper.get('#default-brand-hint').text()).toBe(
      'Up to 18 characters, shown in the message.',
    )
  })
})
