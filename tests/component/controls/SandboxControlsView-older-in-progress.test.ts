/**
 * The sandbox lists its newest requests first, and the page loads only the newest few: a request
 * started before them and still in progress (a long pin_expiry, a QA run of hundreds of starts
 * since) is still counted by the Clock card, and its expiry is the one the moves go to.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import SandboxControlsView from '@/views/SandboxControlsView.vue'
import { adminRequest } from '../verify/support'
import { answerSandboxReads, json, useDeskServer } from '../support/desk-server'

const server = useDeskServer()

/** The page reads the sandbox clock as real time plus its offset (none here). */
const NOW = Date.now()
const CLOCK = { now: new Date(NOW).toISOString(), now_ms: NOW, offset_ms: 0, next_due_at: null }
const REQUESTS = 'sandbox/__admin/requests'

/** Started 10 minutes ago, its last event sent: it expires in 50 s, before any other. */
const OLD = adminRequest('0'.repeat(31) + 'a', NOW - 600_000, {
  normalized_number: '447700900099',
  next_event_at: null,
  expires_at: new Date(NOW + 50_000).toISOString(),
})
/** Started now: its next event in 125 s, its expiry in 605 s. */
const NEWEST = adminRequest('b'.repeat(32), NOW, { normalized_number: '447700900001' })

async function mountView() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/controls', component: SandboxControlsView }],
  })
  await router.push('/controls')
  const wrapper = mount({ template: '<RouterView />' }, { global: { plugins: [router] } })
  await flushPromises()
  return wrapper
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  answerSandboxReads(server, { clock: CLOCK })
  // 301 requests: the newest (in progress) in the page's first read, the old one in progress past
  // it, and 299 finished ones between them that no read of those in progress lists.
  server.on('GET', REQUESTS, (call) =>
    call.query.status === 'IN PROGRESS'
      ? json({ requests: [NEWEST, OLD], total: 2 })
      : json({ requests: [NEWEST], total: 301 }),
  )
})

describe('an older request in progress on Sandbox controls', () => {
  it('is counted, and "To expiry" names it, the first to expire, not a later one', async () => {
    const wrapper = await mountView()
    const clock = wrapper.get('section[aria-labelledby="clock-title"]')
    const text = () => clock.text().replace(/\s+/g, ' ')
    expect(text()).toContain('2 requests in progress.')
    expect(text()).toContain('First to expire: request …00000a to +447700900099.')
    wrapper.unmount()
  })
})
