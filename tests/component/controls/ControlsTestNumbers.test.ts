import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ControlsTestNumbers from '@/components/controls/ControlsTestNumbers.vue'

// What is typed is kept as a draft in session storage: each test starts from an empty form.
beforeEach(() => sessionStorage.clear())

describe('ControlsTestNumbers', () => {
  it('adds a number in international digits with its fixed PIN', async () => {
    const wrapper = mount(ControlsTestNumbers, { props: { numbers: [] } })
    await wrapper.get('#test-number').setValue('+44 7712 345678')
    await wrapper.get('#test-pin').setValue('123456')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('add')).toEqual([[{ number: '447712345678', pin: '123456' }]])
  })

  it('rejects a bad number, a bad PIN and a number that already has a PIN', async () => {
    const wrapper = mount(ControlsTestNumbers, {
      props: { numbers: [{ number: '447712345678', pin: '1111' }] },
    })
    await wrapper.get('#test-number').setValue('12ab')
    await wrapper.get('#test-pin').setValue('12')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('add')).toBeUndefined()
    expect(wrapper.get('#test-number-error').text()).toContain('E.164')
    expect(wrapper.get('#test-pin-error').text()).toBe('Enter a PIN of 4 to 10 digits.')

    await wrapper.get('#test-number').setValue('447712345678')
    await wrapper.get('#test-pin').setValue('4321')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('add')).toBeUndefined()
    expect(wrapper.get('#test-number-error').text()).toBe('This number already has a fixed PIN.')
  })

  it('removes a number from its own labelled button', async () => {
    const wrapper = mount(ControlsTestNumbers, {
      props: { numbers: [{ number: '447712345678', pin: '1111' }] },
    })
    await wrapper.get('button[aria-label="Remove test number 447712345678"]').trigger('click')
    expect(wrapper.emitted('remove')).toEqual([['447712345678']])
  })
})
