/**
 * While the sandbox's state is not known (being read, or the read failed), the Clock card does not
 * say that no request is in progress: there may be many, and the moves are off only for want of
 * the state.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import SandboxControlsView from '@/views/SandboxControlsView.vue'
import { answerSandboxReads, noAnswer, useDeskServer } from '../support/desk-server'

const server = useDeskServer()

const NOW = Date.now()
const CLOCK = { now: new Date(NOW).toISOString(), now_ms: NOW, offset_ms: 0, next_due_at: null }

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
  sessionStorage.clear()
  setActivePinia(createPinia())
  answerSandboxReads(server, { clock: CLOCK })
})

describe('the Clock card while the sandbox state is not known', () => {
  it('says the state could not be read, and not that no request is in progress', async () => {
    server.on('GET', 'sandbox/__admin/clock', noAnswer())
    const wrapper = await mountView()
    expect(wrapper.get('[role="alert"]').text()).toContain('The sandbox could not be read')
    const clock = wrapper.get('section[aria-labelledby="clock-title"]')
    expect(clock.text()).not.toContain('No request is in progress')
    // Its time is not known, and not being read: no "loading…" spinner that never ends.
    expect(clock.text()).toContain('Sandbox time: not known (the sandbox could not be read)')
    expect(clock.find('.spinner').exists()).toBe(false)
    expect(clock.find('#clock-next-why').exists()).toBe(false)
    const moves = clock.findAll('button').filter((b) => !b.text().startsWith('+30 s'))
    expect(moves.map((b) => (b.element as HTMLButtonElement).disabled)).toEqual([true, true])
    // Described by nothing that is not there.
    expect(moves.map((b) => b.attributes('aria-describedby'))).toEqual([undefined, undefined])
    wrapper.unmount()
  })

  it('says it once the state is read and none is in progress', async () => {
    const wrapper = await mountView()
    expect(wrapper.get('#clock-next-why').text()).toBe(
      'No request is in progress: start a verification to have events to move to.',
    )
    wrapper.unmount()
  })
})
