/**
 * Settings open in two tabs: what one saves shows in the other's form, in the fields not edited
 * there, and is never called "not saved yet" there; an edit in progress in the other keeps its value.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import SettingsDefaults from '@/components/settings/SettingsDefaults.vue'
import { freshSettingsPage, valueOf } from './support'
import { useDeskServer } from '../support/desk-server'

// No call is answered: one would fail the test.
useDeskServer()

const KEY = 'verify-desk:settings'
let wrapper: VueWrapper | null = null

/** What this tab sees when another tab of the same site saves defaults with these changes. */
async function anotherTabSaves(defaults: Record<string, string>): Promise<void> {
  const stored = JSON.parse(localStorage.getItem(KEY) ?? '{}') as {
    defaults?: Record<string, string>
  }
  const value = JSON.stringify({ ...stored, defaults: { ...stored.defaults, ...defaults } })
  localStorage.setItem(KEY, value)
  window.dispatchEvent(
    new StorageEvent('storage', { key: KEY, newValue: value, storageArea: localStorage }),
  )
  await flushPromises()
}

const unsavedNote = () => wrapper!.find('[data-test="defaults-unsaved"]')

beforeEach(freshSettingsPage)
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

describe('Settings defaults saved in another tab', () => {
  it("show in this tab's form where nothing was edited here, also after a reload", async () => {
    wrapper = mount(SettingsDefaults)
    await wrapper.get('#default-brand').setValue('SavedB')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(unsavedNote().exists()).toBe(false)

    await anotherTabSaves({ brand: 'DraftA', code_length: '6' })
    expect(valueOf(wrapper, '#default-brand')).toBe('DraftA')
    expect(valueOf(wrapper, '#default-code-length')).toBe('6')
    expect(unsavedNote().exists()).toBe(false)

    // A reload of this tab opens on what is saved, with nothing said to be unsaved.
    wrapper.unmount()
    setActivePinia(createPinia())
    wrapper = mount(SettingsDefaults)
    expect(valueOf(wrapper, '#default-brand')).toBe('DraftA')
    expect(unsavedNote().exists()).toBe(false)
  })

  it('show in a form left with an edit on another page, beside that edit, when it is opened again', async () => {
    wrapper = mount(SettingsDefaults)
    await wrapper.get('#default-brand').setValue('Typed here')
    // To another page: the form goes, its edit is kept for this tab.
    wrapper.unmount()
    await anotherTabSaves({ code_length: '6' })
    wrapper = mount(SettingsDefaults)
    expect(valueOf(wrapper, '#default-brand')).toBe('Typed here')
    expect(valueOf(wrapper, '#default-code-length')).toBe('6')
    expect(unsavedNote().exists()).toBe(true)
  })

  it('leave an edit in progress here as typed, still said to be unsaved', async () => {
    wrapper = mount(SettingsDefaults)
    await wrapper.get('#default-brand').setValue('Typing here')
    await anotherTabSaves({ brand: 'DraftA', code_length: '6' })
    expect(valueOf(wrapper, '#default-brand')).toBe('Typing here')
    // The field not edited here follows the other tab.
    expect(valueOf(wrapper, '#default-code-length')).toBe('6')
    expect(unsavedNote().exists()).toBe(true)
  })
})
