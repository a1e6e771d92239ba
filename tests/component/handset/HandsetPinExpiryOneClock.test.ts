/**
 * The handset page runs one clock for all its PIN countdowns, however many usable PINs it shows,
 * and they all count down on it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import HandsetPinExpiry from '@/components/handset/HandsetPinExpiry.vue'
import { provideHandsetNow } from '@/composables/useHandsetNow'

const T0 = Date.parse('2026-01-02T03:04:05.000Z')

afterEach(() => {
  vi.useRealTimers()
})

describe('HandsetPinExpiry on the handset page', () => {
  it('three usable PINs count down on the page’s one clock', async () => {
    vi.useFakeTimers({ now: T0 })
    const page = (lefts: number[]) =>
      defineComponent({
        setup() {
          provideHandsetNow()
          return () => lefts.map((left) => h(HandsetPinExpiry, { endsAt: T0 + left, offsetMs: 0 }))
        },
      })
    const one = mount(page([60_000]))
    const timersWithOne = vi.getTimerCount()
    one.unmount()

    const wrapper = mount(page([60_000, 120_000, 180_000]))
    // No more timers running for three PINs than for one.
    expect(vi.getTimerCount()).toBe(timersWithOne)
    const lefts = () =>
      wrapper
        .findAll('[data-testid="pin-valid-until"]')
        .map((p) => /\(in ([^)]+)\)/.exec(p.text())?.[1])
    expect(lefts()).toEqual(['1 min 00 s', '2 min 00 s', '3 min 00 s'])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(lefts()).toEqual(['59 s', '1 min 59 s', '2 min 59 s'])
    wrapper.unmount()
  })
})
