import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import VerifyStartError from '@/components/verify/VerifyStartError.vue'

function mountRejected(status: string, errorText: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/', component: { render: () => null } }],
  })
  return mount(VerifyStartError, {
    props: {
      outcome: { type: 'rejected', answer: { status, error_text: errorText } },
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
})
