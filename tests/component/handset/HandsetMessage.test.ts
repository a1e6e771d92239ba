import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import HandsetMessage from '@/components/handset/HandsetMessage.vue'

const REQUEST_ID = 'abcdef0123456789abcdef0123456789'

function makeRouter() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<p>home</p>' } },
      { path: '/requests/:id', component: { template: '<p>request</p>' } },
    ],
  })
}

function mountMessage(props: Partial<InstanceType<typeof HandsetMessage>['$props']> = {}) {
  return mount(HandsetMessage, {
    props: {
      channel: 'sms',
      text: 'Your Acme Inc PIN is 4821. Valid for 5 minutes.',
      pin: '4821',
      sender: 'VERIFY',
      at: '2026-11-25 20:00:05',
      requestId: REQUEST_ID,
      ...props,
    },
    global: { plugins: [createPinia(), makeRouter()] },
  })
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('HandsetMessage', () => {
  it('shows an SMS as a bubble with the PIN highlighted in the text', () => {
    const wrapper = mountMessage()
    const bubble = wrapper.get('.handset-message__bubble')
    expect(bubble.text()).toBe('Your Acme Inc PIN is 4821. Valid for 5 minutes.')
    expect(bubble.get('mark').text()).toBe('4821')
    expect(wrapper.get('article').attributes('aria-label')).toBe('SMS from VERIFY')
  })

  it('shows a call as a transcript, the PIN still highlighted beside it', () => {
    const wrapper = mountMessage({
      channel: 'tts',
      text: 'Your Acme Inc PIN is 4, 8, 2, 1. I repeat: 4, 8, 2, 1.',
    })
    expect(wrapper.find('.handset-message__bubble').exists()).toBe(false)
    expect(wrapper.get('blockquote').text()).toContain('4, 8, 2, 1')
    expect(wrapper.get('[data-testid="pin"]').text()).toBe('4821')
    expect(wrapper.get('article').attributes('aria-label')).toBe('Voice call from VERIFY')
  })

  it('shows the time in local time with UTC on hover', () => {
    const wrapper = mountMessage()
    const time = wrapper.get('time')
    expect(time.attributes('datetime')).toBe('2026-11-25T20:00:05.000Z')
    expect(time.attributes('title')).toBe('2026-11-25 20:00:05 UTC')
  })

  it('copies the PIN to the clipboard and says so', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined)
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const wrapper = mountMessage()
    await wrapper.get('button[aria-label="Copy PIN 4821"]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith('4821')
    expect(wrapper.get('[role="status"]').text()).toBe('Copied to the clipboard.')
  })

  it('explains what to do when the clipboard is refused', async () => {
    const writeText = vi.fn().mockRejectedValue(new Error('NotAllowedError'))
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const wrapper = mountMessage()
    await wrapper.get('button[aria-label="Copy PIN 4821"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[role="status"]').text()).toContain('copy it by hand')
  })

  it('copies the PIN without the Clipboard API (plain http), through a selected text area', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined })
    let copied: string | undefined
    const execCommand = vi.fn((command: string) => {
      copied = document.querySelector('textarea')?.value
      return command === 'copy'
    })
    document.execCommand = execCommand as unknown as typeof document.execCommand
    const wrapper = mountMessage()
    await wrapper.get('button[aria-label="Copy PIN 4821"]').trigger('click')
    await flushPromises()
    expect(execCommand).toHaveBeenCalledWith('copy')
    expect(wrapper.get('[role="status"]').text()).toBe('Copied to the clipboard.')
    expect(copied).toBe('4821')
    expect(document.querySelector('textarea')).toBeNull()
  })

  it('marks the text with its own language, so a German SMS is read out in German', () => {
    const sms = mountMessage({ language: 'de', text: 'Ihr Acme Inc Code lautet 4821.' })
    expect(sms.get('.handset-message__bubble').attributes('lang')).toBe('de')
    const call = mountMessage({ language: 'de', channel: 'tts', text: 'Ihr Code: 4, 8, 2, 1.' })
    expect(call.get('blockquote [lang="de"]').text()).toBe('Ihr Code: 4, 8, 2, 1.')
    // The surrounding labels stay in the page's language.
    expect(call.get('article').attributes('lang')).toBeUndefined()
  })

  it('shows the lg in the meta line and marks the text with its full tag', () => {
    const us = mountMessage({ lg: 'en-us', language: 'en' })
    const gb = mountMessage({ lg: 'en-gb', language: 'en', channel: 'tts', text: 'Your PIN.' })
    expect(us.get('[data-testid="message-lg"]').text()).toBe('language en-us')
    expect(us.get('.handset-message__bubble').attributes('lang')).toBe('en-US')
    expect(gb.get('[data-testid="message-lg"]').text()).toBe('language en-gb')
    expect(gb.get('blockquote [lang="en-GB"]').text()).toBe('Your PIN.')
  })

  it('says when the text is not in the lg asked for, and marks it with its real language', () => {
    const wrapper = mountMessage({ lg: 'ja-jp', language: 'en' })
    expect(wrapper.get('[data-testid="message-lg"]').text()).toBe('language ja-jp (en text)')
    expect(wrapper.get('.handset-message__bubble').attributes('lang')).toBe('en')
  })

  it('shows no lg when the sandbox gave none', () => {
    const wrapper = mountMessage({ language: 'de' })
    expect(wrapper.find('[data-testid="message-lg"]').exists()).toBe(false)
  })

  it('links "enter on its request" to the request page with the PIN prefilled', () => {
    const wrapper = mountMessage()
    const link = wrapper.get('a[aria-label="Enter PIN 4821 on its request"]')
    expect(link.attributes('href')).toBe(`/requests/${REQUEST_ID}?pin=4821`)
  })

  it('says when the request is finished and its PIN can no longer be checked', () => {
    expect(mountMessage({ requestStatus: 'IN PROGRESS' }).text()).not.toContain('finished')
    expect(mountMessage({ requestStatus: 'SUCCESS' }).text()).toContain(
      'finished (Verified): this PIN can no longer be checked.',
    )
  })

  it('marks a PIN a newer one replaced, and offers no "Enter PIN" for it', () => {
    const current = mountMessage({ requestStatus: 'IN PROGRESS', currentPin: '4821' })
    expect(current.text()).not.toContain('replaced')
    expect(current.find('a[aria-label="Enter PIN 4821 on its request"]').exists()).toBe(true)

    const replaced = mountMessage({ requestStatus: 'IN PROGRESS', currentPin: '8696' })
    expect(replaced.get('.hint').text()).toContain(
      'replaced by a newer PIN: this one can no longer be checked.',
    )
    expect(replaced.find('a[aria-label^="Enter PIN"]').exists()).toBe(false)
    expect(replaced.text()).not.toContain('Enter PIN')
    // Still shown, still copyable, and its request a link away (without the spent PIN).
    expect(replaced.get('[data-testid="pin"]').text()).toBe('4821')
    expect(replaced.find('button[aria-label="Copy PIN 4821"]').exists()).toBe(true)
    expect(replaced.get('a').text()).toBe('Open its request')
    expect(replaced.get('a').attributes('href')).toBe(`/requests/${REQUEST_ID}`)
  })

  it('offers no "Enter PIN" once the request is finished', () => {
    const done = mountMessage({ requestStatus: 'EXPIRED', currentPin: '4821' })
    expect(done.find('a[aria-label^="Enter PIN"]').exists()).toBe(false)
    expect(done.get('a').attributes('href')).toBe(`/requests/${REQUEST_ID}`)
  })

  it("shows another account's message read-only, naming both accounts", () => {
    const wrapper = mountMessage({
      requestStatus: 'IN PROGRESS',
      currentPin: '4821',
      otherAccount: 'sandbox-pin',
      dashboardAccount: 'sandbox',
    })
    expect(wrapper.get('.hint').text()).toContain(
      'sent for account sandbox-pin: the dashboard acts as account sandbox, so it cannot check or cancel it.',
    )
    // Neither "Enter PIN" nor its request page (which cannot read it): the PIN and Copy only.
    expect(wrapper.find('a').exists()).toBe(false)
    expect(wrapper.get('[data-testid="pin"]').text()).toBe('4821')
  })

  it('offers no PIN actions for a message without a PIN', () => {
    const wrapper = mountMessage({ pin: '', text: 'Hello' })
    expect(wrapper.find('button').exists()).toBe(false)
    expect(wrapper.find('mark').exists()).toBe(false)
  })
})
