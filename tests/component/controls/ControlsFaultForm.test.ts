import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ControlsFaultForm from '@/components/controls/ControlsFaultForm.vue'

// What is typed is kept as a draft in session storage: each test starts from an empty form.
beforeEach(() => sessionStorage.clear())

describe('ControlsFaultForm', () => {
  it('sends a status fault for the chosen endpoint and number of calls', async () => {
    const wrapper = mount(ControlsFaultForm)
    await wrapper.get('#fault-endpoint').setValue('check')
    await wrapper.get('#fault-count').setValue('3')
    await wrapper.get('#fault-status').setValue('16')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([
      [{ endpoint: 'check', count: 3, kind: 'status', status: '16' }],
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

  it('labels every control and offers, per endpoint, the statuses that endpoint can answer', async () => {
    const wrapper = mount(ControlsFaultForm)
    for (const id of ['fault-endpoint', 'fault-count', 'fault-status']) {
      expect(wrapper.find(`label[for="${id}"]`).exists()).toBe(true)
    }
    const offered = () => wrapper.findAll('#fault-status option').map((o) => o.attributes('value'))
    const expected: Record<string, string[]> = {
      request: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '15', '20', '29', '999'],
      psd2: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '15', '21', '29', '999'],
      check: ['1', '2', '3', '4', '5', '6', '16', '17', '999'],
      search: ['1', '2', '3', '4', '5', '6', '18', '101', '999'],
      control: ['1', '2', '3', '4', '5', '6', '8', '9', '19', '999'],
      any: ['1', '2', '3', '4', '5', '6', '999'],
    }
    expect(offered()).toEqual(expected.request)
    for (const [endpoint, statuses] of Object.entries(expected)) {
      await wrapper.get('#fault-endpoint').setValue(endpoint)
      expect(offered(), endpoint).toEqual(statuses)
    }
  })

  it('labels each status with its meaning and explains the chosen one', async () => {
    const wrapper = mount(ControlsFaultForm)
    await wrapper.get('#fault-endpoint').setValue('check')
    const labels = wrapper.findAll('#fault-status option').map((o) => o.text())
    expect(labels).toContain('16 · Wrong code')
    expect(labels).toContain('17 · Too many wrong codes')
    await wrapper.get('#fault-status').setValue('16')
    expect(wrapper.get('#fault-status').attributes('aria-describedby')).toBe('fault-status-meaning')
    expect(wrapper.get('#fault-status-meaning').text()).toBe(
      'The code does not match the PIN that was sent.',
    )
  })

  it('reads a status 6 as the chosen endpoint answers it', async () => {
    const wrapper = mount(ControlsFaultForm)
    const label6 = () =>
      wrapper
        .findAll('#fault-status option')
        .find((o) => o.attributes('value') === '6')!
        .text()
    expect(label6()).toBe('6 · Could not be routed')
    await wrapper.get('#fault-status').setValue('6')
    expect(wrapper.get('#fault-status-meaning').text()).toContain('no request was created')
    await wrapper.get('#fault-endpoint').setValue('check')
    expect(label6()).toBe('6 · Unknown or inactive request')
    await wrapper.get('#fault-endpoint').setValue('search')
    expect(label6()).toBe('6 · Could not be processed')
  })

  it('keeps the chosen status when the new endpoint can answer it, and replaces it when not', async () => {
    const wrapper = mount(ControlsFaultForm)
    await wrapper.get('#fault-status').setValue('10')
    await wrapper.get('#fault-endpoint').setValue('psd2')
    expect((wrapper.get('#fault-status').element as HTMLSelectElement).value).toBe('10')
    await wrapper.get('#fault-endpoint').setValue('control')
    expect((wrapper.get('#fault-status').element as HTMLSelectElement).value).toBe('5')
    await wrapper.get('#fault-status').setValue('19')
    await wrapper.get('#fault-endpoint').setValue('search')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([
      [{ endpoint: 'search', count: 1, kind: 'status', status: '5' }],
    ])
  })

  it('never sends a status the new endpoint cannot answer, even when submitted right after the change', async () => {
    const wrapper = mount(ControlsFaultForm)
    await wrapper.get('#fault-status').setValue('10')
    const endpoint = wrapper.get('#fault-endpoint').element as HTMLSelectElement
    endpoint.value = 'check'
    // No render in between: the submit comes in the same task as the change.
    endpoint.dispatchEvent(new Event('change'))
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toEqual([
      [{ endpoint: 'check', count: 1, kind: 'status', status: '5' }],
    ])
  })
})
