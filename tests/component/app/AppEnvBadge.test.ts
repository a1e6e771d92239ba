import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import AppEnvBadge from '@/components/app/AppEnvBadge.vue'
import { configureClient } from '@/api/client'
import { useEnvironmentsStore } from '@/stores/environments'

function serve(body: unknown): void {
  configureClient({
    prefixUrl: 'http://localhost/api',
    fetch: async () =>
      new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
  })
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})

describe('AppEnvBadge', () => {
  it('names the sandbox, for screen readers too, and says no real messages are sent', async () => {
    serve({
      environments: [
        { id: 'sandbox', label: 'Sandbox', available: true },
        { id: 'live', label: 'Live', available: false },
      ],
      default: 'sandbox',
    })
    const wrapper = mount(AppEnvBadge)
    await flushPromises()
    const badge = wrapper.get('.env-badge')
    // Read with the badge by screen readers, not only a hover title.
    expect(badge.text()).toBe(
      'Environment: Sandbox — Calls go to the embedded sandbox: no real SMS or calls are made.',
    )
    expect(badge.get('.visually-hidden').text()).toBe('Environment:')
    expect(badge.attributes('data-env')).toBe('sandbox')
    expect(badge.attributes('title')).toMatch(/no real SMS or calls/)
    expect(wrapper.find('[data-testid="env-live-note"]').exists()).toBe(false)
  })

  it('marks live, with the key hint, as sending real, charged messages', async () => {
    serve({
      environments: [
        { id: 'sandbox', label: 'Sandbox', available: true },
        { id: 'live', label: 'Live', available: true, keyHint: 'ab12…' },
      ],
      default: 'live',
    })
    localStorage.setItem('verify-desk:environment', 'live')
    setActivePinia(createPinia())
    const wrapper = mount(AppEnvBadge)
    await flushPromises()
    expect(useEnvironmentsStore().currentId).toBe('live')
    const badge = wrapper.get('.env-badge')
    const warning =
      'Calls go to the real Vonage API (key ab12…): real SMS and calls are made and charged.'
    expect(badge.text()).toBe(`Environment: Live — ${warning}`)
    expect(badge.attributes('data-env')).toBe('live')
    expect(badge.attributes('title')).toBe(warning)
    // Seen without hovering (touch, keyboard): a short visible note beside the badge.
    expect(wrapper.get('[data-testid="env-live-note"]').text()).toBe('Real SMS and calls, charged')
  })
})
