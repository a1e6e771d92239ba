import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ControlsTestNumbers from '@/components/controls/ControlsTestNumbers.vue'
import ControlsFaultForm from '@/components/controls/ControlsFaultForm.vue'

beforeEach(() => sessionStorage.clear())

/** The value a field shows. */
function valueOf(wrapper: ReturnType<typeof mount>, selector: string): string {
  return (wrapper.get(selector).element as HTMLInputElement).value
}

describe('Sandbox controls forms keep what was typed', () => {
  it('keeps a test number and PIN not yet added through a reload, and forgets them once added', async () => {
    const before = mount(ControlsTestNumbers, { props: { numbers: [] } })
    await before.get('#test-number').setValue('447712345678')
    await before.get('#test-pin').setValue('123456')
    before.unmount()

    // The page is reloaded (or left and opened again): the form comes back as it was typed.
    const after = mount(ControlsTestNumbers, { props: { numbers: [] } })
    expect(valueOf(after, '#test-number')).toBe('447712345678')
    expect(valueOf(after, '#test-pin')).toBe('123456')
    await after.get('form').trigger('submit')
    expect(after.emitted('add')).toEqual([[{ number: '447712345678', pin: '123456' }]])
    // Saved by the sandbox: only then is the form emptied.
    await after.setProps({ outcome: { ok: true } })
    after.unmount()

    const again = mount(ControlsTestNumbers, { props: { numbers: [] } })
    expect(valueOf(again, '#test-number')).toBe('')
    expect(valueOf(again, '#test-pin')).toBe('')
  })

  it('keeps the fault form as it was set through a reload', async () => {
    const before = mount(ControlsFaultForm)
    await before.get('#fault-endpoint').setValue('check')
    await before.get('#fault-count').setValue('3')
    await before.get('input[type="radio"][value="delay"]').setValue(true)
    await before.get('#fault-delay').setValue('9.5')
    before.unmount()

    const after = mount(ControlsFaultForm)
    expect(valueOf(after, '#fault-endpoint')).toBe('check')
    expect(valueOf(after, '#fault-count')).toBe('3')
    expect(valueOf(after, '#fault-delay')).toBe('9.5')
    await after.get('form').trigger('submit')
    expect(after.emitted('submit')).toEqual([
      [{ endpoint: 'check', count: 3, kind: 'delay', delayMs: 9500 }],
    ])
  })
})
