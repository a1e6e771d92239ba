import { beforeEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import ControlsTestNumbers from '@/components/controls/ControlsTestNumbers.vue'

// What is typed is kept as a draft in session storage: each test starts from an empty form.
beforeEach(() => sessionStorage.clear())

function valueOf(wrapper: VueWrapper, selector: string): string {
  return (wrapper.get(selector).element as HTMLInputElement).value
}

/** Types a number and a PIN and presses "Add test number". */
async function add(wrapper: VueWrapper, number: string, pin: string): Promise<void> {
  await wrapper.get('#test-number').setValue(number)
  await wrapper.get('#test-pin').setValue(pin)
  await wrapper.get('form').trigger('submit')
}

describe('ControlsTestNumbers: a number the sandbox would refuse', () => {
  it('refuses a national number (07700 900124) and says to use the international format', async () => {
    const wrapper = mount(ControlsTestNumbers, { props: { numbers: [] } })
    await add(wrapper, '07700 900124', '5678')
    expect(wrapper.emitted('add')).toBeUndefined()
    expect(wrapper.get('#test-number').attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('#test-number-error').text()).toBe(
      'Use the international format: the country code, then the number without its leading 0 (447700900000, not 07700 900000).',
    )
    expect(valueOf(wrapper, '#test-number')).toBe('07700 900124')
  })

  it('sends the number as the sandbox reads it: 0044 and a (0) after the calling code', async () => {
    const wrapper = mount(ControlsTestNumbers, { props: { numbers: [] } })
    await add(wrapper, '0044 (0)7700 900124', '5678')
    expect(wrapper.emitted('add')).toEqual([[{ number: '447700900124', pin: '5678' }]])
  })
})

describe('ControlsTestNumbers: the form is emptied only once saved', () => {
  it('keeps what was typed while the save is on its way, and empties the form once saved', async () => {
    const wrapper = mount(ControlsTestNumbers, { props: { numbers: [] } })
    await add(wrapper, '447700900124', '5678')
    expect(wrapper.emitted('add')).toEqual([[{ number: '447700900124', pin: '5678' }]])
    expect(valueOf(wrapper, '#test-number')).toBe('447700900124')
    expect(valueOf(wrapper, '#test-pin')).toBe('5678')

    await wrapper.setProps({ outcome: { ok: true } })
    expect(valueOf(wrapper, '#test-number')).toBe('')
    expect(valueOf(wrapper, '#test-pin')).toBe('')
    expect(wrapper.get('#test-number-error').text()).toBe('')
  })

  it('keeps what was typed when the save fails, and says why by the form', async () => {
    const wrapper = mount(ControlsTestNumbers, { props: { numbers: [] } })
    // The alert region is in the page, empty, before there is anything to say (so it is read out).
    const region = wrapper.get('[data-test="test-number-save-failure-region"]')
    expect(region.attributes('role')).toBe('alert')
    expect(region.text()).toBe('')
    await add(wrapper, '447700900124', '5678')
    const message = 'Saving the test number failed: the sandbox did not answer.'
    await wrapper.setProps({ outcome: { ok: false, message, field: null } })
    expect(valueOf(wrapper, '#test-number')).toBe('447700900124')
    expect(valueOf(wrapper, '#test-pin')).toBe('5678')
    expect(wrapper.get('[data-test="test-number-save-failure-region"]').element).toBe(
      region.element,
    )
    expect(region.get('[data-test="test-number-save-failure"]').text()).toBe(message)

    // Changing what was typed puts the failure away; the region stays, empty.
    await wrapper.get('#test-pin').setValue('5679')
    expect(wrapper.find('[data-test="test-number-save-failure"]').exists()).toBe(false)
    expect(wrapper.get('[data-test="test-number-save-failure-region"]').element).toBe(
      region.element,
    )
    expect(region.text()).toBe('')
  })

  it('shows a refusal of the number as the number field’s error', async () => {
    const wrapper = mount(ControlsTestNumbers, { props: { numbers: [] } })
    await add(wrapper, '447700900124', '5678')
    const message = 'Saving the test number failed: 447700900124 is not a phone number.'
    await wrapper.setProps({ outcome: { ok: false, message, field: 'number' } })
    expect(wrapper.get('#test-number').attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('#test-number-error').text()).toBe(message)
    expect(wrapper.find('[data-test="test-number-save-failure"]').exists()).toBe(false)
    expect(valueOf(wrapper, '#test-number')).toBe('447700900124')
  })
})
