import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import AppLiveStatus from '@/components/app/AppLiveStatus.vue'
import { useRequestsStore } from '@/stores/requests'
import { useSettingsStore } from '@/stores/settings'
import { useWatchStore } from '@/stores/watch'

afterEach(() => {
  vi.useRealTimers()
})

describe('AppLiveStatus history retention', () => {
  it('applies the retention on each visit and again every hour while the tab stays open', async () => {
    vi.useFakeTimers()
    const pinia = createPinia()
    setActivePinia(pinia)
    vi.spyOn(useWatchStore(), 'start').mockResolvedValue(undefined)
    const settings = useSettingsStore()
    settings.historyRetentionDays = 30
    const retention = vi.spyOn(useRequestsStore(), 'applyRetention').mockResolvedValue(0)

    const wrapper = mount(AppLiveStatus, { global: { plugins: [pinia] } })
    expect(retention.mock.calls).toEqual([[30]])

    await vi.advanceTimersByTimeAsync(60 * 60 * 1000 - 1)
    expect(retention).toHaveBeenCalledTimes(1)
    settings.historyRetentionDays = 7
    await vi.advanceTimersByTimeAsync(1)
    expect(retention.mock.calls).toEqual([[30], [7]])

    wrapper.unmount()
    await vi.advanceTimersByTimeAsync(3 * 60 * 60 * 1000)
    expect(retention).toHaveBeenCalledTimes(2)
  })
})
