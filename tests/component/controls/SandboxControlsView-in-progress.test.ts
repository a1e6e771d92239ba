/**
 * How many requests are in progress is said in the Clock card (the moves it offers depend on
 * them), once: with none, only the card's own "No request is in progress…" says so.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import SandboxControlsView from '@/views/SandboxControlsView.vue'
import { adminRequest } from '../verify/support'
import { answerSandboxReads, useDeskServer } from '../support/desk-server'

const server = useDeskServer()

const NOW = Date.parse('2026-11-25T20:00:00.000Z')
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

/** The page's text outside the Clock card, spaces collapsed. */
function textOutsideClock(page: HTMLElement): string {
  const copy = page.cloneNode(true) as HTMLElement
  copy.querySelector('section[aria-labelledby="clock-title"]')?.remove()
  return (copy.textContent ?? '').replace(/\s+/g, ' ')
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
  answerSandboxReads(server, { clock: CLOCK })
})

describe('requests in progress on Sandbox controls', () => {
  it.each([
    [1, '1 request in progress.'],
    [2, '2 requests in progress.'],
  ])('with %i, says "%s" in the Clock card, nowhere else', async (count, said) => {
    const requests = Array.from({ length: count }, (_, i) =>
      adminRequest(String(i + 1).repeat(32), Date.now()),
    )
    answerSandboxReads(server, { clock: CLOCK, requests })
    const wrapper = await mountView()
    const clock = wrapper.get('section[aria-labelledby="clock-title"]')
    expect(clock.text().replace(/\s+/g, ' ')).toContain(said)
    expect(textOutsideClock(wrapper.element as HTMLElement)).not.toContain('in progress.')
    wrapper.unmount()
  })

  it('with none, says so once: the Clock card\'s "No request is in progress…", no "0 requests"', async () => {
    const wrapper = await mountView()
    const page = (wrapper.element.textContent ?? '').replace(/\s+/g, ' ')
    expect(page).not.toContain('0 requests in progress')
    expect(page.match(/requests? (is )?in progress/g)).toEqual(['request is in progress'])
    expect(wrapper.get('section[aria-labelledby="clock-title"] #clock-next-why').text()).toBe(
      'No request is in progress: start a verification to have events to move to.',
    )
    wrapper.unmount()
  })
})
