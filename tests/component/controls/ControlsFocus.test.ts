/**
 * A control of Sandbox controls taken away from under the focus by something outside the page
 * (your application verifies the last request in progress, uses up the last fault; Live chosen in
 * another tab): the focus goes to the sentence saying why, else to the section's heading, never to
 * the page's body.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import type { AdminFault } from '@contract/admin'
import ControlsClock from '@/components/controls/ControlsClock.vue'
import ControlsFaultList from '@/components/controls/ControlsFaultList.vue'

const NOW = Date.parse('2026-11-26T13:42:00.000Z')
const FAULT: AdminFault = {
  id: 'f1',
  endpoint: 'search',
  remaining: 1,
  status: null,
  error_text: null,
  network: null,
  delay_ms: 0,
  drop: true,
}

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

function button(w: VueWrapper, start: string): HTMLButtonElement {
  const found = w.findAll('button').find((b) => b.text().startsWith(start))
  expect(found, start).toBeDefined()
  return found!.element as HTMLButtonElement
}

describe('ControlsClock: a move taken away under the focus', () => {
  function mountClock(props: Partial<InstanceType<typeof ControlsClock>['$props']> = {}) {
    wrapper = mount(ControlsClock, {
      attachTo: document.body,
      props: { now: NOW, nextEventAt: NOW + 60_000, expiryAt: NOW + 601_000, ...props },
    })
    return wrapper
  }

  it('"To expiry": the only request in progress verified elsewhere → the focus is on why', async () => {
    const w = mountClock({ nextEventAt: null })
    const expiry = button(w, 'To expiry')
    expect(expiry.textContent?.trim()).toBe('To expiry (+601 s)')
    expiry.focus()
    await w.setProps({ expiryAt: null })
    await flushPromises()
    expect(expiry.disabled).toBe(true)
    const why = w.get('#clock-next-why').element
    expect(why.textContent).toContain('No request is in progress')
    expect(document.activeElement).toBe(why)
  })

  it('"To the next event": the last event sent → the focus is on why, "To expiry" stays', async () => {
    const w = mountClock()
    const next = button(w, 'To the next event')
    next.focus()
    await w.setProps({ nextEventAt: null })
    await flushPromises()
    expect(next.disabled).toBe(true)
    expect(button(w, 'To expiry').disabled).toBe(false)
    expect(document.activeElement).toBe(w.get('#clock-next-why').element)
    expect(document.activeElement?.textContent).toContain('No event is left to send')
  })

  it('"+30 s" when Live is chosen elsewhere → the focus is on the "Clock" heading', async () => {
    const w = mountClock()
    const plus30 = button(w, '+30 s')
    plus30.focus()
    await w.setProps({ disabled: true })
    await flushPromises()
    expect(plus30.disabled).toBe(true)
    expect(document.activeElement).toBe(w.get('h2#clock-title').element)
  })

  it('the sentence focused goes when a request starts → the focus is on the heading', async () => {
    const w = mountClock({ nextEventAt: null })
    button(w, 'To expiry').focus()
    await w.setProps({ expiryAt: null })
    await flushPromises()
    expect(document.activeElement?.id).toBe('clock-next-why')
    await w.setProps({ nextEventAt: NOW + 60_000, expiryAt: NOW + 300_000 })
    await flushPromises()
    expect(w.find('#clock-next-why').exists()).toBe(false)
    expect(document.activeElement).toBe(w.get('h2#clock-title').element)
  })

  it('leaves the focus alone when it is elsewhere, or on a move still usable', async () => {
    const outside = document.createElement('button')
    document.body.append(outside)
    const w = mountClock()
    outside.focus()
    await w.setProps({ nextEventAt: null, expiryAt: null })
    await flushPromises()
    expect(document.activeElement).toBe(outside)

    const plus30 = button(w, '+30 s')
    plus30.focus()
    await w.setProps({ nextEventAt: NOW + 10_000, expiryAt: NOW + 20_000 })
    await flushPromises()
    expect(document.activeElement).toBe(plus30)
  })
})

describe('ControlsFaultList: "Clear all faults" taken away under the focus', () => {
  function mountList(faults: AdminFault[]) {
    wrapper = mount(ControlsFaultList, { attachTo: document.body, props: { faults } })
    return wrapper
  }

  it('the fault used up by an application call → the focus is on "No fault is active"', async () => {
    const w = mountList([FAULT])
    const clear = button(w, 'Clear all faults')
    clear.focus()
    await w.setProps({ faults: [] })
    await flushPromises()
    expect(clear.disabled).toBe(true)
    expect(document.activeElement).toBe(w.get('#faults-none').element)
    expect(w.emitted('clear')).toBeUndefined()
  })

  it('Live chosen elsewhere with faults left → the focus is on the "Active faults" heading', async () => {
    const w = mountList([FAULT])
    const clear = button(w, 'Clear all faults')
    clear.focus()
    await w.setProps({ disabled: true })
    await flushPromises()
    expect(clear.disabled).toBe(true)
    expect(document.activeElement).toBe(w.get('h3').element)
  })

  it('"No fault is active" focused goes when a fault is added → the heading', async () => {
    const w = mountList([])
    ;(w.get('#faults-none').element as HTMLElement).focus()
    await w.setProps({ faults: [FAULT] })
    await flushPromises()
    expect(w.find('#faults-none').exists()).toBe(false)
    expect(document.activeElement).toBe(w.get('h3').element)
  })
})
