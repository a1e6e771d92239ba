import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import SettingsDefaults from '@/components/settings/SettingsDefaults.vue'
import SettingsStatusHistory from '@/components/settings/SettingsStatusHistory.vue'
import { useSettingsStore } from '@/stores/settings'
import { freshSettingsPage, valueOf } from './support'
import { useDeskServer } from '../support/desk-server'
import { eventually } from '../support/eventually'

// No call is answered: one would fail the test.
useDeskServer()

beforeEach(freshSettingsPage)

describe('Settings edits not saved yet', () => {
  it('are kept, and said to be unsaved, when the page is left and opened again (or reloaded)', async () => {
    const before = mount(SettingsDefaults)
    await before.get('#default-brand').setValue('Unsaved')
    before.unmount()

    // A reload: a new store reads the saved settings, which are unchanged.
    setActivePinia(createPinia())
    expect(useSettingsStore().defaults.brand).toBe('Verify Desk')
    const after = mount(SettingsDefaults)
    expect(valueOf(after, '#default-brand')).toBe('Unsaved')
    expect(after.get('[data-test="defaults-unsaved"]').text()).toBe(
      'Not saved yet: new verifications start with the saved defaults.',
    )

    await after.get('#default-brand').setValue('Saved brand ')
    await after.get('form').trigger('submit')
    await flushPromises()
    expect(useSettingsStore().defaults.brand).toBe('Saved brand')
    expect(after.find('[data-test="defaults-unsaved"]').exists()).toBe(false)
    after.unmount()

    // Once saved, the form opens on what is saved.
    setActivePinia(createPinia())
    const again = mount(SettingsDefaults)
    expect(valueOf(again, '#default-brand')).toBe('Saved brand')
    expect(again.find('[data-test="defaults-unsaved"]').exists()).toBe(false)
  })

  it('keep the polling and retention fields through a reload until they are saved', async () => {
    const before = mount(SettingsStatusHistory)
    await before.get('#poll-sandbox').setValue('7')
    await before.get('#retention-days').setValue('30')
    before.unmount()

    setActivePinia(createPinia())
    const after = mount(SettingsStatusHistory)
    expect(valueOf(after, '#poll-sandbox')).toBe('7')
    expect(valueOf(after, '#retention-days')).toBe('30')
    expect(after.get('[data-test="status-history-unsaved"]').text()).toBe('Not saved yet.')
    await after.get('#poll-sandbox').setValue('7.0')
    await after.get('form').trigger('submit')
    await eventually(() => expect(after.text()).toContain('Saved.'))
    expect(useSettingsStore().pollSandboxSeconds).toBe(7)
    expect(valueOf(after, '#poll-sandbox')).toBe('7')
    expect(after.find('[data-test="status-history-unsaved"]').exists()).toBe(false)
  })
})
