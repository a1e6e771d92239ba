import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ControlsReset from '@/components/controls/ControlsReset.vue'

describe('ControlsReset', () => {
  it('asks for confirmation before resetting', async () => {
    const wrapper = mount(ControlsReset, { attachTo: document.body })
    await wrapper.get('button').trigger('click')
    expect(wrapper.emitted('confirm')).toBeUndefined()
    const dialog = wrapper.get('[role="group"]')
    expect(dialog.text()).toContain('Reset the sandbox?')
    await wrapper.get('button.danger').trigger('click')
    expect(wrapper.emitted('confirm')).toHaveLength(1)
    expect(wrapper.find('[role="group"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('moves focus to "Keep it", the safe choice, and "Keep it" resets nothing', async () => {
    const wrapper = mount(ControlsReset, { attachTo: document.body })
    await wrapper.get('button').trigger('click')
    await wrapper.vm.$nextTick()
    expect(document.activeElement?.textContent?.trim()).toBe('Keep it')
    const keep = wrapper.findAll('button').find((b) => b.text() === 'Keep it')
    await keep!.trigger('click')
    expect(wrapper.emitted('confirm')).toBeUndefined()
    expect(wrapper.get('button').text()).toContain('Reset the sandbox')
    wrapper.unmount()
  })

  it('never resets on Enter held on "Reset the sandbox…" (each repeat activates what has the focus)', async () => {
    const wrapper = mount(ControlsReset, { attachTo: document.body })
    const start = wrapper.get('button').element as HTMLButtonElement
    start.focus()
    // Enter pressed on the focused button, then repeated by the keyboard: each press activates
    // whatever has the focus by then.
    for (let press = 0; press < 6; press++) {
      ;(document.activeElement as HTMLElement).click()
      await wrapper.vm.$nextTick()
      await wrapper.vm.$nextTick()
    }
    expect(wrapper.emitted('confirm')).toBeUndefined()
    wrapper.unmount()
  })

  it('cannot be started while disabled', () => {
    const wrapper = mount(ControlsReset, { props: { disabled: true } })
    const start = wrapper.get('button')
    expect(start.text()).toBe('Reset the sandbox…')
    expect((start.element as HTMLButtonElement).disabled).toBe(true)
  })
})
