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
    const badge = mount(AppEnvBadge)
    await flushPromises()
    expect(badge.text()).toBe('Environment: Sandbox')
    expect(badge.get('.visually-hidden').text()).toBe('Environment:')
    expect(badge.attributes('data-env')).toBe('sandbox')
    expect(badge.attributes('title')).toMatch(/no real SMS or calls/)
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
    const badge = mount(AppEnvBadge)
    await flushPromises()
    expect(useEnvironmentsStore().currentId).toBe('live')
    expect(badge.text()).toBe('Environment: Live')
    expect(badge.attributes('data-env')).toBe('live')
    expect(badge.attributes('title')).toBe(
      'Calls go to the real Vonage API (key ab12…): real SMS and calls are made and charged.',
    )
  })
})
