import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import VerifyStartError from '@/components/verify/VerifyStartError.vue'

function mountRejected(status: string, errorText: string, fields: Record<string, string> = {}) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/', component: { render: () => null } }],
  })
  return mount(VerifyStartError, {
    props: {
      outcome: { type: 'rejected', answer: { status, error_text: errorText, ...fields } },
      environment: 'sandbox',
    },
    global: { plugins: [createPinia(), router] },
  })
}

/** How often `sentence` is said in the alert (case and end punctuation aside). */
function times(text: string, sentence: string): number {
  return text.toLowerCase().split(sentence.toLowerCase()).length - 1
}

describe('VerifyStartError', () => {
  it('says a status 15 once: its meaning is the same sentence as the API text', () => {
    const sentence = 'The destination number is not in a supported network'
    const wrapper = mountRejected('15', sentence)
    expect(wrapper.get('h2').text()).toBe('Status 15: Unsupported network')
    expect(times(wrapper.text(), sentence)).toBe(1)
    expect(wrapper.text()).toContain('Next: Use a different number.')
  })

  it('still gives the meaning when it says more than the API text', () => {
    const wrapper = mountRejected('15', 'Unsupported network')
    expect(wrapper.text()).toContain('The destination number is not in a supported network.')
  })

  it('names the network a status 7 blocks, and how to lift the block', () => {
    const wrapper = mountRejected('7', 'The number you are trying to verify is blacklisted', {
      network: '23410',
    })
    expect(wrapper.text()).toContain('anti-fraud rules block its network, 23410.')
    expect(wrapper.text()).toContain(
      'Next: Use a different number, or lift the block of network 23410 with network unblock',
    )
  })

  it('does not say a status 10 names the request in progress when its answer has no request_id', () => {
    const wrapper = mountRejected('10', 'Concurrent verifications to the same number')
    expect(wrapper.text()).toContain('the answer does not say which (it has no request_id)')
    expect(wrapper.text()).not.toContain('its request_id is returned')
  })
})
