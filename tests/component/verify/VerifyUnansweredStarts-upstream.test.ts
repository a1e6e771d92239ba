import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import VerifyUnansweredStarts from '@/components/verify/VerifyUnansweredStarts.vue'
import { useUnansweredStartsStore } from '@/stores/unanswered-starts'
import { recordUnanswered } from '../../unit/stores/unanswered-support'

function start(environment: 'sandbox' | 'live', number: string, at: number) {
  return {
    at,
    environment,
    kind: 'request' as const,
    number,
    brand: 'Acme',
    params: { number, brand: 'Acme' },
    code: 'upstream_timeout',
    httpStatus: 504,
    message: 'No answer in time.',
    delivery: 'maybe' as const,
  }
}

function view() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', component: { template: '<div />' } }],
  })
  return mount(VerifyUnansweredStarts, { global: { plugins: [router] } })
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})

describe('starts without an answer name where they went', () => {
  it('on the sandbox: got no answer from the sandbox, which answers 10 to a resend', async () => {
    const store = useUnansweredStartsStore()
    recordUnanswered(store, start('sandbox', '447700900111', 1_000))
    const wrapper = view()
    const text = wrapper.text().replace(/\s+/g, ' ')
    expect(text).toContain(
      'These starts got no answer from the sandbox, so they have no request_id',
    )
    expect(text).toContain('if it went through, the sandbox answers status 10 and names it')
    expect(text).not.toMatch(/Vonage/)
  })

  it('on live: Vonage, as before; for both: the sandbox or Vonage', async () => {
    const store = useUnansweredStartsStore()
    recordUnanswered(store, start('live', '447700900222', 1_000))
    let text = view().text().replace(/\s+/g, ' ')
    expect(text).toContain('These starts got no answer from Vonage, so')
    expect(text).toContain('if it went through, Vonage answers status 10 and names it')
    recordUnanswered(store, start('sandbox', '447700900333', 2_000))
    text = view().text().replace(/\s+/g, ' ')
    expect(text).toContain('These starts got no answer from the sandbox or Vonage, so')
  })
})

describe('a start whose fate is known offers no resend', () => {
  it('once a later start to the number went through: dismiss only, no "send it again" advice', async () => {
    const store = useUnansweredStartsStore()
    recordUnanswered(store, start('sandbox', '447700900444', 1_000))
    const before = view()
    expect(before.find('[aria-label="Send again to +447700900444"]').exists()).toBe(true)
    store.answered('sandbox', '447700900444', 'c'.repeat(32))
    const wrapper = view()
    const text = wrapper.text().replace(/\s+/g, ' ')
    expect(text).toContain('A later start to this number went through as')
    expect(text).not.toContain('send it again')
    expect(wrapper.find('[aria-label="Send again to +447700900444"]').exists()).toBe(false)
    expect(wrapper.find('[aria-label="Dismiss the start to +447700900444"]').exists()).toBe(true)
  })

  it('once the API named the request it probably made (status 10)', async () => {
    const store = useUnansweredStartsStore()
    const entry = recordUnanswered(store, start('live', '447700900555', 1_000))
    store.nameRequest(entry.id, 'd'.repeat(32))
    const wrapper = view()
    expect(wrapper.text().replace(/\s+/g, ' ')).toContain('probably this start')
    expect(wrapper.find('[aria-label="Send again to +447700900555"]').exists()).toBe(false)
    expect(wrapper.find('[aria-label="Dismiss the start to +447700900555"]').exists()).toBe(true)
  })
})
