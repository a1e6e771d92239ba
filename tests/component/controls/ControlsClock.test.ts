import { describe, expect, it } from 'vitest'
import { mount, type DOMWrapper } from '@vue/test-utils'
import ControlsClock from '@/components/controls/ControlsClock.vue'

const NOW = Date.parse('2026-11-25T20:00:00.000Z')

function buttons(wrapper: ReturnType<typeof mount>) {
  const all = wrapper.findAll('button')
  const byText = (start: string) => all.find((b) => b.text().startsWith(start))!
  return { plus30: byText('+30 s'), next: byText('To the next event'), expiry: byText('To expiry') }
}

const isDisabled = (button: DOMWrapper<Element>) => (button.element as HTMLButtonElement).disabled

describe('ControlsClock', () => {
  it('moves to the next event and to expiry by the seconds left, rounded up', async () => {
    const wrapper = mount(ControlsClock, {
      props: { now: NOW, nextEventAt: NOW + 124_200, expiryAt: NOW + 600_000 },
    })
    const { plus30, next, expiry } = buttons(wrapper)
    expect(next.text()).toBe('To the next event (+125 s)')
    expect(expiry.text()).toBe('To expiry (+600 s)')
    await plus30.trigger('click')
    await next.trigger('click')
    await expiry.trigger('click')
    expect(wrapper.emitted('advance')).toEqual([[30], [125], [600]])
  })

  it('explains why "next event" and "expiry" are off when nothing is in progress', () => {
    const wrapper = mount(ControlsClock, { props: { now: NOW, nextEventAt: null, expiryAt: null } })
    const { plus30, next, expiry } = buttons(wrapper)
    expect(isDisabled(plus30)).toBe(false)
    expect(isDisabled(next)).toBe(true)
    expect(isDisabled(expiry)).toBe(true)
    expect(next.attributes('aria-describedby')).toBe('clock-next-why')
    expect(wrapper.get('#clock-next-why').text()).toContain('No request is in progress')
  })

  it('says when only the expiry is left to move to', () => {
    const wrapper = mount(ControlsClock, {
      props: { now: NOW, nextEventAt: null, expiryAt: NOW + 35_000 },
    })
    const { next, expiry } = buttons(wrapper)
    expect(isDisabled(next)).toBe(true)
    expect(isDisabled(expiry)).toBe(false)
    expect(next.attributes('aria-describedby')).toBe('clock-next-why')
    expect(wrapper.get('#clock-next-why').text()).toBe(
      'No event is left to send: the requests in progress only wait for their expiry.',
    )
  })

  it('turns every move off while one is in flight, keeping them focusable, and says so', async () => {
    const wrapper = mount(ControlsClock, {
      props: { now: NOW, nextEventAt: NOW + 5000, expiryAt: NOW + 9000, busy: true },
    })
    const { plus30, next, expiry } = buttons(wrapper)
    // aria-disabled, not disabled: the button pressed keeps the focus while the clock moves.
    expect([plus30, next, expiry].map((b) => b.attributes('aria-disabled'))).toEqual([
      'true',
      'true',
      'true',
    ])
    expect([plus30, next, expiry].map(isDisabled)).toEqual([false, false, false])
    for (const button of [plus30, next, expiry]) await button.trigger('click')
    expect(wrapper.emitted('advance')).toBeUndefined()
    expect(wrapper.get('[role="status"]').text()).toContain('Moving')
  })
})
