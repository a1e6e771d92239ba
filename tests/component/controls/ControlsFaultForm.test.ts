import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ControlsFaultForm from '@/components/controls/ControlsFaultForm.vue'

describe('ControlsFaultForm', () => {
  it('sends a status fault for the chosen endpoint and number of calls', async () => {
    const wrapper = mount(ControlsFaultForm)
    await wrapper.get('#fault-endpoint').setValue('check')
    await wrapper.get('#fault-count').setValue('3')
    await wrapper.get('#fault-status').setValue('29')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([
      [{ endpoint: 'check', count: 3, kind: 'status', status: '29' }],
    ])
  })

  it('rejects a count that is not a whole number from 1 to 100, with the reason next to it', async () => {
    const wrapper = mount(ControlsFaultForm)
    for (const bad of ['0', '-2', '1.5', 'abc', '101', '']) {
      await wrapper.get('#fault-count').setValue(bad)
      await wrapper.get('form').trigger('submit')
      expect(wrapper.emitted('submit')).toBeUndefined()
      expect(wrapper.get('#fault-count').attributes('aria-invalid')).toBe('true')
      expect(wrapper.get('#fault-count-error').text()).toBe(
        'Enter a whole number of calls from 1 to 100.',
      )
    }
  })

  it('turns a delay in seconds into milliseconds and rejects an impossible delay', async () => {
    const wrapper = mount(ControlsFaultForm)
    await wrapper.get('input[value="delay"]').setValue(true)
    await wrapper.get('#fault-delay').setValue('0')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toBeUndefined()
    expect(wrapper.get('#fault-delay-error').text()).toContain('more than 0 and at most 120')

    await wrapper.get('#fault-delay').setValue('2.5')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([
      [{ endpoint: 'request', count: 1, kind: 'delay', delayMs: 2500 }],
    ])
    expect(wrapper.get('#fault-delay-error').text()).toBe('')
  })

  it('sends a dropped-connection fault without a status or delay', async () => {
    const wrapper = mount(ControlsFaultForm)
    await wrapper.get('input[value="drop"]').setValue(true)
    expect(wrapper.find('#fault-status').exists()).toBe(false)
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([[{ endpoint: 'request', count: 1, kind: 'drop' }]])
  })

  it('labels every control and offers the documented fault statuses', () => {
    const wrapper = mount(ControlsFaultForm)
    for (const id of ['fault-endpoint', 'fault-count', 'fault-status']) {
      expect(wrapper.find(`label[for="${id}"]`).exists()).toBe(true)
    }
    const statuses = wrapper.findAll('#fault-status option').map((o) => o.attributes('value'))
    expect(statuses).toEqual(['1', '5', '7', '15', '29'])
  })
})
