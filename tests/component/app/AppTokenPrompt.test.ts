import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import AppEnvBadge from '@/components/app/AppEnvBadge.vue'
import AppTokenPrompt from '@/components/app/AppTokenPrompt.vue'
import { useEnvironmentsStore } from '@/stores/environments'
import { useSettingsStore } from '@/stores/settings'
import { SANDBOX_ONLY } from '../verify/support'
import { heldUntil, json, useDeskServer } from '../support/desk-server'

const server = useDeskServer()

let wrapper: VueWrapper | null = null
beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  setActivePinia(createPinia())
  // The list of environments is on its way until a test says what the server answers.
  server.on('GET', 'environments', heldUntil(new Promise(() => {})))
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
})

/** The texts of the elements an element's aria-describedby names, in order. */
function description(el: Element): string {
  return (el.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent?.replace(/\s+/g, ' ').trim() ?? '')
    .join(' ')
}

describe('the access-token prompt', () => {
  it('ties "the token in use was refused" to the field, and heads the page at level 1', async () => {
    wrapper = mount(AppTokenPrompt, { props: { refused: true }, attachTo: document.body })
    await flushPromises()
    const field = wrapper.get('#access-token').element
    expect(document.activeElement).toBe(field)
    expect(description(field)).toContain('The token in use was refused: enter the current one.')
    expect(wrapper.get('#access-token-refused').attributes('role')).toBe('alert')
    // The page's one h1 while it is shown (the app hides the page under it meanwhile).
    const heading = wrapper.get('#token-title')
    expect(heading.element.tagName).toBe('H1')
    expect(heading.text()).toBe('This server needs an access token')
  })

  it('focuses the field and says what is missing on each empty submit', async () => {
    wrapper = mount(AppTokenPrompt, { attachTo: document.body })
    await flushPromises()
    const field = wrapper.get('#access-token')
    expect(description(field.element)).toBe('')
    ;(wrapper.get('button[type="submit"]').element as HTMLButtonElement).focus()
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(document.activeElement).toBe(field.element)
    const error = wrapper.get('#access-token-error')
    expect(error.attributes('role')).toBe('alert')
    const said = 'Enter the token (ask whoever runs this server for its VERIFY_DESK_TOKEN).'
    expect(error.text()).toBe(said)
    expect(description(field.element)).toBe(said)
    expect(field.attributes('aria-invalid')).toBe('true')

    const texts: string[] = []
    const observer = new MutationObserver(() => texts.push(error.element.textContent!.trim()))
    observer.observe(error.element, { childList: true, characterData: true, subtree: true })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    observer.disconnect()
    expect(texts[0]).toBe('')
    expect(texts.at(-1)).toBe(said)
  })

  it('refuses a token a browser cannot send in a header, naming the character, and keeps none', async () => {
    const reload = vi.fn()
    vi.stubGlobal('location', { ...window.location, reload })
    wrapper = mount(AppTokenPrompt, { attachTo: document.body })
    await flushPromises()
    const field = wrapper.get('#access-token')
    for (const [typed, named] of [
      ['tok€-0123456789abcdef0123', '“€”'],
      ['tok en-0123456789abcdef', 'a space'],
      ['tok\u0007-0123456789abcdef', 'a control character'],
    ] as const) {
      await field.setValue(typed)
      await wrapper.get('form').trigger('submit')
      await flushPromises()
      const said = wrapper.get('#access-token-error').text()
      expect(said).toContain(`it contains ${named}`)
      expect(said).toContain('printable ASCII')
      expect(document.activeElement).toBe(field.element)
      expect(field.attributes('aria-invalid')).toBe('true')
    }
    expect(useSettingsStore().accessToken).toBeNull()
    expect(wrapper.emitted('entered')).toBeUndefined()

    // Spaces around a pasted token are no part of it. The app takes it without reloading the tab.
    await field.setValue('  tok-0123456789abcdef0123 ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(useSettingsStore().accessToken).toBe('tok-0123456789abcdef0123')
    expect(wrapper.emitted('entered')).toHaveLength(1)
    expect(reload).not.toHaveBeenCalled()
  })

  it('says a token just entered and refused after it was taken was refused, in an alert region', async () => {
    const reload = vi.fn()
    vi.stubGlobal('location', { ...window.location, reload })
    wrapper = mount(AppTokenPrompt, { attachTo: document.body })
    await flushPromises()
    await wrapper.get('#access-token').setValue('not-the-token')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.emitted('entered')).toHaveLength(1)
    expect(reload).not.toHaveBeenCalled()
    wrapper.unmount()

    // The app loaded its data again with that token, and the server refused it.
    wrapper = mount(AppTokenPrompt, { props: { refused: true }, attachTo: document.body })
    // The alert region is in the page, empty, before it speaks.
    const region = wrapper.get('#access-token-refused')
    expect(region.attributes('role')).toBe('alert')
    expect(region.text()).toBe('')
    await flushPromises()
    const said = 'That token was refused: check it and enter it again.'
    expect(region.text()).toBe(said)
    expect(description(wrapper.get('#access-token').element)).toContain(said)
    expect(wrapper.text()).not.toContain('The token in use was refused')
    wrapper.unmount()
  })

  it('says "the token in use" for a token the server accepted before, however soon it is refused', async () => {
    const reload = vi.fn()
    vi.stubGlobal('location', { ...window.location, reload })
    wrapper = mount(AppTokenPrompt, { attachTo: document.body })
    await flushPromises()
    await wrapper.get('#access-token').setValue('tok-0123456789abcdef')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    wrapper.unmount()

    // Once taken, the server accepts it: the environments list loads (the badge shows it).
    server.on('GET', 'environments', json(SANDBOX_ONLY))
    const badge = mount(AppEnvBadge)
    await flushPromises()
    expect(useEnvironmentsStore().loaded).toBe(true)
    badge.unmount()

    // Then the server restarts with another token.
    wrapper = mount(AppTokenPrompt, { props: { refused: true }, attachTo: document.body })
    await flushPromises()
    expect(wrapper.get('#access-token-refused').text()).toBe(
      'The token in use was refused: enter the current one.',
    )
  })
})
