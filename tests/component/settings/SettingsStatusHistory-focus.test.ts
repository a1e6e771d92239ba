import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import SettingsStatusHistory from '@/components/settings/SettingsStatusHistory.vue'
import { useRequestsStore } from '@/stores/requests'
import { useSettingsStore } from '@/stores/settings'
import { deferred } from '../../support/deferred'
import { freshSettingsPage } from './support'

let wrapper: VueWrapper | undefined
beforeEach(() => freshSettingsPage())
afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
})

describe('Settings: Save of live status and history', () => {
  it('keeps the focus on Save while a new retention is applied, and a second press does nothing', async () => {
    const removed = deferred<number>()
    const history = useRequestsStore()
    const applyRetention = vi.spyOn(history, 'applyRetention').mockReturnValue(removed.promise)
    wrapper = mount(SettingsStatusHistory, { attachTo: document.body })
    await wrapper.get('#retention-days').setValue('30')
    const save = wrapper.get('button[type="submit"]')
    const button = save.element as HTMLButtonElement
    button.focus()
    await wrapper.get('form').trigger('submit')

    expect(button.disabled).toBe(false)
    expect(save.attributes('aria-disabled')).toBe('true')
    expect(document.activeElement).toBe(button)
    await wrapper.get('form').trigger('submit')
    expect(applyRetention).toHaveBeenCalledTimes(1)

    removed.resolve(2430)
    await flushPromises()
    expect(save.attributes('aria-disabled')).toBeUndefined()
    expect(document.activeElement).toBe(button)
    expect(useSettingsStore().historyRetentionDays).toBe(30)
    // The count written as every count of the app is (2,430 where commas group thousands).
    expect(wrapper.get('.settings-saved').text()).toBe(
      `Saved. ${(2430).toLocaleString()} old finished entries were removed from history.`,
    )
  })
})
