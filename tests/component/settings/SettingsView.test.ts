import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import SettingsDefaults from '@/components/settings/SettingsDefaults.vue'
import SettingsStatusHistory from '@/components/settings/SettingsStatusHistory.vue'
import SettingsEnvironments from '@/components/settings/SettingsEnvironments.vue'
import { useSettingsStore } from '@/stores/settings'
import { useRequestsStore } from '@/stores/requests'
import { entry, freshHistoryEnvironment, requestId } from '../../unit/stores/history-support'
import { errorAnswer, json, noAnswer, useDeskServer } from '../support/desk-server'
import { eventually } from '../support/eventually'

const server = useDeskServer()

/** The server's own refusal of a call without its access token. */
const TOKEN_REFUSAL = errorAnswer(
  401,
  'unauthorized',
  'This Verify Desk server needs its access token: send it in the X-Verify-Desk-Token header (or enter it in the dashboard).',
)
/** The message of a call the server did not answer (the connection failed: `cause`). */
const noAnswerMessage = (cause: string) =>
  `No answer: the connection to the server failed or was lost (${cause}).`

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  setActivePinia(createPinia())
})

describe('Settings', () => {
  it('saves defaults for new verifications, kept across a reload', async () => {
    const wrapper = mount(SettingsDefaults)
    await wrapper.get('#default-brand').setValue('Acme Shop')
    await wrapper.get('#default-workflow').setValue('4')
    await wrapper.get('#default-lg').setValue('fr-fr')
    await wrapper.get('#default-code-length').setValue('6')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(useSettingsStore().defaults).toMatchObject({
      brand: 'Acme Shop',
      workflow_id: '4',
      lg: 'fr-fr',
      code_length: '6',
    })
    expect(wrapper.get('[role="status"]').text()).toContain('Defaults saved')

    setActivePinia(createPinia())
    expect(useSettingsStore().defaults.brand).toBe('Acme Shop')
  })

  it('starts from the API default language (no lg sent), says what the sandbox does, and can go back to it', async () => {
    expect(useSettingsStore().defaults.lg).toBe('')
    const wrapper = mount(SettingsDefaults)
    const select = wrapper.get('#default-lg')
    expect((select.element as HTMLSelectElement).value).toBe('')
    expect(select.findAll('option')[0]?.text()).toBe('API default (by the number)')
    expect(select.attributes('aria-describedby')).toBe('default-lg-hint')
    expect(wrapper.get('#default-lg-hint').text()).toBe(
      "API default: no lg is sent, and Vonage and the sandbox write in the number's language (a +33 number gets French), else en-us (PSD2: en-gb).",
    )
    await select.setValue('de-de')
    await wrapper.get('form').trigger('submit')
    expect(useSettingsStore().defaults.lg).toBe('de-de')
    await select.setValue('')
    await wrapper.get('form').trigger('submit')
    expect(useSettingsStore().defaults.lg).toBe('')
    setActivePinia(createPinia())
    expect(useSettingsStore().defaults.lg).toBe('')
  })

  it('keeps a language saved before the API default existed as it is', () => {
    const defaults = { brand: 'Acme', workflow_id: '1', lg: 'en-us', code_length: '4' }
    localStorage.setItem('verify-desk:settings', JSON.stringify({ defaults }))
    setActivePinia(createPinia())
    expect(useSettingsStore().defaults.lg).toBe('en-us')
    const wrapper = mount(SettingsDefaults)
    expect((wrapper.get('#default-lg').element as HTMLSelectElement).value).toBe('en-us')
  })

  it('refuses a brand the API would reject, with its reason', async () => {
    const wrapper = mount(SettingsDefaults)
    await wrapper.get('#default-brand').setValue('A brand far too long for it')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.get('#default-brand').attributes('aria-invalid')).toBe('true')
    expect(wrapper.get('#default-brand-error').text()).toBe(
      'Brand is at most 18 characters (now 27 characters).',
    )
    expect(useSettingsStore().defaults.brand).toBe('Verify Desk')
  })

  it('saves polling intervals and retention, and rejects values out of range', async () => {
    const wrapper = mount(SettingsStatusHistory)
    await wrapper.get('#poll-live').setValue('0.5')
    await wrapper.get('#retention-days').setValue('1.5')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(wrapper.get('#poll-live-error').text()).toContain('from 1 to 300')
    expect(wrapper.get('#retention-days-error').text()).toContain('whole days')
    expect(useSettingsStore().pollLiveSeconds).toBe(10)

    await wrapper.get('#poll-sandbox').setValue('1')
    await wrapper.get('#poll-live').setValue('15')
    await wrapper.get('#retention-days').setValue('30')
    await wrapper.get('form').trigger('submit')
    // Retention is applied to the stored history before "Saved." shows.
    await eventually(() => expect(wrapper.get('[role="status"]').text()).toContain('Saved.'))
    const settings = useSettingsStore()
    expect(settings.pollSandboxSeconds).toBe(1)
    expect(settings.pollLiveSeconds).toBe(15)
    expect(settings.historyRetentionDays).toBe(30)
  })

  it('on a page that is not a secure context, says notifications need HTTPS, not site settings', () => {
    const secure = Object.getOwnPropertyDescriptor(window, 'isSecureContext')
    Object.defineProperty(window, 'isSecureContext', { value: false, configurable: true })
    try {
      const wrapper = mount(SettingsStatusHistory)
      const box = wrapper.get<HTMLInputElement>('input[type="checkbox"]')
      expect(box.element.disabled).toBe(true)
      expect(wrapper.text()).toContain('Notifications need a secure page')
      expect(wrapper.text()).toContain('over HTTPS or on localhost')
      expect(wrapper.text()).not.toContain('site settings')
    } finally {
      if (secure) Object.defineProperty(window, 'isSecureContext', secure)
      else Reflect.deleteProperty(window, 'isSecureContext')
    }
  })

  it('applies a new retention to stored history at once, keeping requests in progress', async () => {
    freshHistoryEnvironment()
    const history = useRequestsStore()
    const old = Date.now() - 40 * 86_400_000
    await history.importJson(
      JSON.stringify([
        entry(1, { status: 'SUCCESS', createdAt: old, updatedAt: old }),
        entry(2, { status: 'IN PROGRESS', createdAt: old, updatedAt: old }),
        entry(3, { status: 'EXPIRED', createdAt: Date.now(), updatedAt: Date.now() }),
      ]),
    )
    const wrapper = mount(SettingsStatusHistory)
    await wrapper.get('#retention-days').setValue('30')
    await wrapper.get('form').trigger('submit')
    await eventually(() =>
      expect(wrapper.get('[role="status"]').text()).toBe(
        'Saved. 1 old finished entry was removed from history.',
      ),
    )
    expect(history.byId(requestId(1))).toBeUndefined()
    expect(history.byId(requestId(2))?.status).toBe('IN PROGRESS')
    await history.dispose()

    // Stored too: a reload does not bring it back.
    setActivePinia(createPinia())
    const reloaded = useRequestsStore()
    await reloaded.ready
    expect(reloaded.entries.map((e) => e.request_id).sort()).toEqual([requestId(2), requestId(3)])
    await reloaded.dispose()
  })

  it("lists the server's environments with their state, the one in use and why live is off", async () => {
    server.on(
      'GET',
      'environments',
      json({
        environments: [
          { id: 'sandbox', label: 'Sandbox', available: true },
          { id: 'live', label: 'Live', available: false },
        ],
        default: 'sandbox',
      }),
    )
    const wrapper = mount(SettingsEnvironments)
    await flushPromises()
    const [sandbox, live] = wrapper.findAll('.settings-env li').map((li) => li.text())
    expect(sandbox).toMatch(/^Sandbox\s*available\s*\(in use\)/)
    expect(live).toMatch(/^Live\s*not available/)
    expect(live).not.toContain('(in use)')
    expect(live).toContain('VONAGE_API_KEY')

    server.on('GET', 'environments', () => Promise.reject(new TypeError('connection refused')))
    const failed = mount(SettingsEnvironments)
    // Asked twice more: a network failure is tried again once, after a short wait.
    await eventually(() => expect(failed.find('[role="alert"]').exists()).toBe(true))
    expect(server.callsTo('GET', 'environments')).toHaveLength(3)
    expect(failed.get('[role="alert"]').text()).toContain(
      `Could not ask the server which environments it offers: ${noAnswerMessage('connection refused')}`,
    )
    expect(failed.get('[role="alert"] button').text()).toBe('Try again')
    // Each waits for the server to come back on the event stream: that ends with them.
    wrapper.unmount()
    failed.unmount()
  })

  it('asks only for the access token while the server wants it: one message, no Try again', async () => {
    server.on('GET', 'environments', TOKEN_REFUSAL)
    const wrapper = mount(SettingsEnvironments)
    await flushPromises()
    const text = wrapper.text()
    expect(wrapper.get('[data-test="env-load-failure"]').text()).toBe(
      "Enter this server's access token first: the environments it offers are shown once it is accepted.",
    )
    expect(text.split('access token')).toHaveLength(2)
    expect(text).not.toContain('X-Verify-Desk-Token')
    expect(text).not.toContain('could not be')
    expect(wrapper.findAll('button').map((b) => b.text())).not.toContain('Try again')
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
  })

  it('says once why the list failed, without doubled punctuation, and Try again loads it', async () => {
    // No answer to the first ask nor to its one try again; then the list.
    server.on(
      'GET',
      'environments',
      noAnswer(),
      noAnswer(),
      json({
        environments: [
          { id: 'sandbox', label: 'Sandbox', available: true },
          { id: 'live', label: 'Live', available: true, keyHint: 'ab12…' },
        ],
        default: 'sandbox',
      }),
    )
    const wrapper = mount(SettingsEnvironments)
    await eventually(() => expect(wrapper.find('[role="alert"]').exists()).toBe(true))
    const alert = wrapper.get('[role="alert"]')
    expect(alert.text()).toBe(
      `Could not ask the server which environments it offers: ${noAnswerMessage('Failed to fetch')} Try again`,
    )
    expect(wrapper.text().split('failed or was lost')).toHaveLength(2)
    expect(wrapper.text()).not.toMatch(/\.\)|\.\./)
    await alert.get('button').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-test="env-load-failure"]').exists()).toBe(false)
    expect(wrapper.findAll('.settings-env li')[1]!.text()).toMatch(/^Live\s*available/)
  })
})

describe('Settings: refused values are focused and said', () => {
  const focused = () => document.activeElement

  it('a brand of 25 characters: the field gets the focus and its error is said, each time', async () => {
    const wrapper = mount(SettingsDefaults, { attachTo: document.body })
    await wrapper.get('#default-brand').setValue('A'.repeat(25))
    ;(wrapper.get('button[type="submit"]').element as HTMLButtonElement).focus()
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const field = wrapper.get('#default-brand')
    expect(focused()).toBe(field.element)
    expect(field.attributes('aria-describedby')).toContain('default-brand-error')
    const said = wrapper.get('[data-test="defaults-refused"]')
    expect(said.attributes('role')).toBe('status')
    expect(said.text()).toBe(`Brand: ${wrapper.get('#default-brand-error').text()}`)
    expect(said.text()).toBe('Brand: Brand is at most 18 characters (now 25 characters).')
    // Again from the field itself (Enter): emptied, then said again.
    const texts: string[] = []
    const observer = new MutationObserver(() => texts.push(said.element.textContent!.trim()))
    observer.observe(said.element, { childList: true, characterData: true, subtree: true })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    observer.disconnect()
    expect(texts[0]).toBe('')
    expect(texts.at(-1)).toBe(said.text())
    wrapper.unmount()
  })

  it('says "Defaults saved" again when Save is pressed again', async () => {
    const wrapper = mount(SettingsDefaults, { attachTo: document.body })
    const region = wrapper.get('.settings-saved')
    const texts: string[] = []
    const observer = new MutationObserver(() => texts.push(region.element.textContent!.trim()))
    observer.observe(region.element, { childList: true, characterData: true, subtree: true })
    for (let i = 0; i < 2; i++) {
      await wrapper.get('form').trigger('submit')
      await flushPromises()
    }
    observer.disconnect()
    const saved = 'Defaults saved: new verifications start with them.'
    expect(texts.filter((t) => t === saved)).toHaveLength(2)
    expect(region.text()).toBe(saved)
    wrapper.unmount()
  })

  it('a polling interval of 0.1 s: focused, and several refused fields summed up', async () => {
    const wrapper = mount(SettingsStatusHistory, { attachTo: document.body })
    await wrapper.get('#poll-sandbox').setValue('0.1')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(focused()).toBe(wrapper.get('#poll-sandbox').element)
    const said = wrapper.get('[data-test="status-history-refused"]')
    expect(said.text()).toBe('Polling interval, sandbox (seconds): Enter seconds from 0.5 to 60.')

    await wrapper.get('#retention-days').setValue('-1')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(focused()).toBe(wrapper.get('#poll-sandbox').element)
    expect(said.text()).toBe(
      '2 fields need attention: Polling interval, sandbox (seconds), Keep history (days, 0 = forever).',
    )
    expect(useSettingsStore().pollSandboxSeconds).not.toBe(0.1)
    wrapper.unmount()
  })
})
