import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { mount, type VueWrapper } from '@vue/test-utils'
import { useFocusWhenDisabled } from '@/composables/useFocusRescue'

// A control turned off from elsewhere while it has the focus: the focus goes to the sentence saying
// why, else the heading, never to the page's body; a focus elsewhere is left where it is.
const Panel = defineComponent({
  props: { off: { type: Boolean, default: false }, explain: { type: Boolean, default: true } },
  setup(props) {
    const control = ref<HTMLButtonElement | null>(null)
    const why = ref<HTMLElement | null>(null)
    const heading = ref<HTMLElement | null>(null)
    useFocusWhenDisabled(
      () => props.off,
      (focused) => focused === control.value,
      why,
      heading,
    )
    return () =>
      h('div', [
        h('h2', { ref: heading, tabindex: -1, id: 'heading' }, 'Panel'),
        props.off && props.explain
          ? h('p', { ref: why, tabindex: -1, id: 'why' }, 'Nothing to do')
          : null,
        h('button', { ref: control, id: 'control', disabled: props.off }, 'Do it'),
        h('button', { id: 'other' }, 'Other'),
      ])
  },
})

describe('useFocusWhenDisabled', () => {
  let wrapper: VueWrapper | undefined
  afterEach(() => {
    wrapper?.unmount()
    document.body.innerHTML = ''
  })

  function mountPanel(): VueWrapper {
    wrapper = mount(Panel, { attachTo: document.body })
    return wrapper
  }

  async function settle(): Promise<void> {
    await nextTick()
    await nextTick()
  }

  it('moves the focus from the control turned off to the sentence saying why', async () => {
    const w = mountPanel()
    ;(document.getElementById('control') as HTMLButtonElement).focus()
    await w.setProps({ off: true })
    await settle()
    expect(document.activeElement?.id).toBe('why')
  })

  it('falls back to the heading when no sentence says why', async () => {
    const w = mountPanel()
    await w.setProps({ explain: false })
    ;(document.getElementById('control') as HTMLButtonElement).focus()
    await w.setProps({ off: true })
    await settle()
    expect(document.activeElement?.id).toBe('heading')
  })

  it('leaves a focus outside the control where it is', async () => {
    const w = mountPanel()
    ;(document.getElementById('other') as HTMLButtonElement).focus()
    await w.setProps({ off: true })
    await settle()
    expect(document.activeElement?.id).toBe('other')
  })
})
