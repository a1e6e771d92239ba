/**
 * A settings form keeps an edit not saved yet in this tab's session storage, and only an edit: a
 * form left as saved keeps no draft, so settings saved meanwhile (in another tab, another page)
 * are what it opens on next time; and a stored draft whose field has the wrong type (an older
 * version's, a hand-edited one) is ignored, never put into the field.
 */
import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import SettingsStatusHistory from '@/components/settings/SettingsStatusHistory.vue'
import { useSettingsStore } from '@/stores/settings'
import { freshSettingsPage, valueOf } from './support'
import { useDeskServer } from '../support/desk-server'

// No call is answered: one would fail the test.
useDeskServer()

const DRAFT_KEY = 'verify-desk:settings-status-draft'

beforeEach(freshSettingsPage)

const notificationsBox = (wrapper: ReturnType<typeof mount>) =>
  wrapper.get('input[type="checkbox"]').element as HTMLInputElement
const unsavedNote = (wrapper: ReturnType<typeof mount>) =>
  wrapper.find('[data-test="status-history-unsaved"]')

/** Saves settings as another tab (or page) does, then reloads this one: a new store reads them. */
async function savedElsewhere(change: (settings: ReturnType<typeof useSettingsStore>) => void) {
  change(useSettingsStore())
  await flushPromises()
  setActivePinia(createPinia())
}

describe('Settings: a form left as saved keeps no draft', () => {
  it('opened and left without an edit: opens next time on settings saved meanwhile', async () => {
    const first = mount(SettingsStatusHistory)
    expect(valueOf(first, '#retention-days')).toBe('0')
    await flushPromises()
    first.unmount()

    await savedElsewhere((settings) => {
      settings.historyRetentionDays = 30
      settings.pollSandboxSeconds = 7
    })
    expect(useSettingsStore().historyRetentionDays).toBe(30)
    const again = mount(SettingsStatusHistory)
    expect(valueOf(again, '#retention-days')).toBe('30')
    expect(valueOf(again, '#poll-sandbox')).toBe('7')
    expect(unsavedNote(again).exists()).toBe(false)
  })

  it('edited and set back to what is saved: opens next time on settings saved meanwhile', async () => {
    const first = mount(SettingsStatusHistory)
    await first.get('#retention-days').setValue('12')
    expect(unsavedNote(first).exists()).toBe(true)
    await first.get('#retention-days').setValue('0')
    expect(unsavedNote(first).exists()).toBe(false)
    first.unmount()

    await savedElsewhere((settings) => (settings.historyRetentionDays = 30))
    const again = mount(SettingsStatusHistory)
    expect(valueOf(again, '#retention-days')).toBe('30')
    expect(unsavedNote(again).exists()).toBe(false)
  })
})

describe('Settings: a stored draft of the wrong type', () => {
  it('is ignored field by field: the saved value is shown, a right-typed field is restored', () => {
    sessionStorage.setItem(
      DRAFT_KEY,
      JSON.stringify({ retention: 30, notifications: 'true', sandbox: '7' }),
    )
    const wrapper = mount(SettingsStatusHistory)
    // A number where text is kept, text where a yes/no is kept: the saved values instead.
    expect(valueOf(wrapper, '#retention-days')).toBe('0')
    expect(notificationsBox(wrapper).checked).toBe(false)
    // The field of the right type is the edit not saved yet.
    expect(valueOf(wrapper, '#poll-sandbox')).toBe('7')
    expect(unsavedNote(wrapper).text()).toBe('Not saved yet.')
  })

  it('of wrong types only: the form opens as saved, with nothing said to be unsaved', () => {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ retention: 30, notifications: 1 }))
    const wrapper = mount(SettingsStatusHistory)
    expect(valueOf(wrapper, '#retention-days')).toBe('0')
    expect(notificationsBox(wrapper).checked).toBe(false)
    expect(unsavedNote(wrapper).exists()).toBe(false)
  })
})
