import { afterEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import ControlsReset from '@/components/controls/ControlsReset.vue'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

function mountReset(props: { busy?: boolean; disabled?: boolean } = {}) {
  const outside = document.createElement('button')
  outside.textContent = 'Elsewhere'
  document.body.append(outside)
  wrapper = mount(ControlsReset, { props, attachTo: document.body })
  const start = () => wrapper!.get('button')
  return { wrapper, start, outside }
}

function pressEscape(target: EventTarget): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
}

describe('ControlsReset confirmation', () => {
  it('is an inline group named by its question, not a dialog', async () => {
    const { wrapper: w, start } = mountReset()
    await start().trigger('click')
    expect(w.find('[role="alertdialog"]').exists()).toBe(false)
    const group = w.get('[role="group"]')
    expect(document.getElementById(group.attributes('aria-labelledby')!)?.textContent).toBe(
      'Reset the sandbox?',
    )
    expect(group.element.contains(document.activeElement)).toBe(true)
  })

  it('closes on Escape pressed anywhere on the page, and gives the focus back to its button', async () => {
    const { wrapper: w, start, outside } = mountReset()
    await start().trigger('click')
    outside.focus()
    pressEscape(outside)
    await w.vm.$nextTick()
    await w.vm.$nextTick()
    expect(w.find('[role="group"]').exists()).toBe(false)
    expect(document.activeElement).toBe(start().element)
    expect(w.emitted('confirm')).toBeUndefined()

    // Escape inside it too; a later Escape elsewhere does nothing more.
    await start().trigger('click')
    pressEscape(document.activeElement!)
    await w.vm.$nextTick()
    await w.vm.$nextTick()
    expect(w.find('[role="group"]').exists()).toBe(false)
    expect(document.activeElement).toBe(start().element)
    outside.focus()
    pressEscape(outside)
    expect(document.activeElement).toBe(outside)
  })

  it('after "Yes, reset everything" the focus is on the reset button, busy but focusable', async () => {
    const { wrapper: w, start } = mountReset()
    await start().trigger('click')
    await w.get('[role="group"] button.danger').trigger('click')
    expect(w.emitted('confirm')).toHaveLength(1)
    await w.setProps({ busy: true })
    const button = start().element as HTMLButtonElement
    expect(document.activeElement).toBe(button)
    expect(button.disabled).toBe(false)
    expect(button.getAttribute('aria-disabled')).toBe('true')
    // Pressed again while busy: nothing opens.
    await start().trigger('click')
    expect(w.find('[role="group"]').exists()).toBe(false)
  })
})
