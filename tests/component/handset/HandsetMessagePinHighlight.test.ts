/**
 * The PIN is highlighted in an SMS where it stands, not where its digits happen to appear inside
 * an amount or a brand (a test number's fixed PIN 1000 and a payment of 1000.00 EUR): the user
 * reads the highlighted code as the one to enter.
 */
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import HandsetMessage from '@/components/handset/HandsetMessage.vue'

function mountSms(text: string, pin: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', component: { template: '<p>page</p>' } }],
  })
  return mount(HandsetMessage, {
    props: {
      channel: 'sms',
      text,
      pin,
      sender: 'VERIFY',
      at: '2026-11-25 20:00:05',
      requestId: 'abcdef0123456789abcdef0123456789',
    },
    global: { plugins: [createPinia(), router] },
  })
}

/** The bubble's text with each highlight in brackets. */
function marked(wrapper: ReturnType<typeof mountSms>): string {
  return wrapper
    .get('.handset-message__bubble')
    .element.innerHTML.replace(/<!--.*?-->/g, '')
    .replace(/<mark[^>]*>(.*?)<\/mark>/g, '[$1]')
}

describe('the PIN highlighted in an SMS', () => {
  it.each([
    [
      'a PSD2 amount holding its digits',
      'Your code to confirm the payment of 1000.00 EUR to Shop is: 1000. Valid for 5 minutes.',
      '1000',
      'Your code to confirm the payment of 1000.00 EUR to Shop is: [1000]. Valid for 5 minutes.',
    ],
    [
      'an amount written with a decimal comma',
      'Ihr Code zur Bestätigung der Zahlung von 4321,00 EUR an Shop lautet: 4321. Gültig für 5 Minuten.',
      '4321',
      'Ihr Code zur Bestätigung der Zahlung von 4321,00 EUR an Shop lautet: [4321]. Gültig für 5 Minuten.',
    ],
    [
      'a brand ending in its digits',
      'Your Shop2024 PIN is: 2024. Valid for 5 minutes.',
      '2024',
      'Your Shop2024 PIN is: [2024]. Valid for 5 minutes.',
    ],
    [
      'a custom PIN',
      'Your Acme PIN is: AKFG-3424. Valid for 5 minutes.',
      'AKFG-3424',
      'Your Acme PIN is: [AKFG-3424]. Valid for 5 minutes.',
    ],
  ])('with %s: only the PIN itself', (_, text, pin, expected) => {
    const wrapper = mountSms(text, pin)
    expect(marked(wrapper)).toBe(expected)
    expect(wrapper.get('.handset-message__bubble').text()).toBe(text)
  })
})
