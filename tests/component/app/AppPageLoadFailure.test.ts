import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { listAccounts } from '@/api/sandbox'
import AppPageLoadFailure from '@/components/app/AppPageLoadFailure.vue'
import {
  pageLoadFailure,
  recoverFromChunkErrors,
  type PageLoadFailure,
} from '@/router/chunk-reload'
import { json, useDeskServer } from '../support/desk-server'
import { eventually } from '../support/eventually'

const server = useDeskServer()

const ID = 'e'.repeat(32)

// A page left mounted would go on listening for the server in the next test.
enableAutoUnmount(afterEach)
afterEach(() => {
  pageLoadFailure.value = null
})

/**
 * The app's recovery from pages that fail to load, on a router of its own: full page loads are
 * listed in `loaded`, and whether the server answers is `answers.now`.
 */
function recovering(answers: { now: boolean }): string[] {
  const loaded: string[] = []
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', component: { render: () => null } }],
  })
  recoverFromChunkErrors(router, {
    assign: (url) => loaded.push(url),
    storage: null,
    reachable: async () => answers.now,
  })
  return loaded
}

/** The page `href` ("Handset" when it is /handset) failed to load; `patch` says how. */
function failed(patch: Partial<PageLoadFailure>): void {
  pageLoadFailure.value = {
    href: '/handset',
    title: 'Handset',
    blank: true,
    message: 'Failed to fetch dynamically imported module: /src/views/HandsetView.vue',
    startedRequestId: null,
    unreachable: true,
    ...patch,
  }
}

describe('AppPageLoadFailure', () => {
  it('shows nothing while pages load', () => {
    expect(mount(AppPageLoadFailure).find('[data-test="page-load-failure"]').exists()).toBe(false)
  })

  it('is the page (its h1) when nothing else loaded, naming the started request', () => {
    pageLoadFailure.value = {
      href: `/requests/${ID}`,
      title: 'Request',
      blank: true,
      message: 'Failed to fetch dynamically imported module',
      startedRequestId: ID,
      unreachable: false,
    }
    const wrapper = mount(AppPageLoadFailure)
    const alert = wrapper.get('[data-test="page-load-failure"]')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.get('h1').text()).toBe('The Request page could not be loaded')
    expect(alert.get('[data-test="page-load-failure-started"]').text()).toBe(
      `Your verification was started: request_id ${ID}. It is in History; its page is /requests/${ID}.`,
    )
    expect(alert.get('a').attributes('href')).toBe(`/requests/${ID}`)
    expect(alert.get('button').text()).toBe('Reload')
  })

  it('is a section below the page still shown (h2), without a started request', () => {
    pageLoadFailure.value = {
      href: '/history',
      title: 'History',
      blank: false,
      message: 'Importing a module script failed.',
      startedRequestId: null,
      unreachable: false,
    }
    const alert = mount(AppPageLoadFailure).get('[data-test="page-load-failure"]')
    expect(alert.find('h1').exists()).toBe(false)
    expect(alert.get('h2').text()).toBe('The History page could not be loaded')
    expect(alert.find('[data-test="page-load-failure-started"]').exists()).toBe(false)
  })

  it('says the server does not answer, and Reload loads the page only once it does', async () => {
    const server = { up: false }
    const loaded = recovering({
      get now() {
        return server.up
      },
    })
    pageLoadFailure.value = {
      href: '/history',
      title: 'History',
      blank: false,
      message: 'Failed to fetch dynamically imported module: /src/views/HistoryView.vue',
      startedRequestId: null,
      unreachable: true,
    }
    const wrapper = mount(AppPageLoadFailure)
    const alert = () => wrapper.get('[data-test="page-load-failure"]')
    expect(alert().get('h2').text()).toBe('The History page could not be loaded')
    expect(alert().text()).toContain(
      'The server does not answer (it may be restarting, or the connection dropped). Reload ' +
        'once it is back; nothing you did is lost.',
    )
    expect(alert().text()).not.toContain('Its code did not arrive')
    // Still down: nothing is loaded (the browser would show its own error page), the message says so.
    await alert().get('button').trigger('click')
    await flushPromises()
    expect(loaded).toEqual([])
    expect(alert().get('[data-test="page-load-failure-still"]').text()).toBe(
      'The server still does not answer: try again in a moment.',
    )
    expect(alert().get('button').text()).toBe('Reload')
    // Back: Reload loads the page.
    server.up = true
    await alert().get('button').trigger('click')
    await flushPromises()
    expect(loaded).toEqual(['/history'])
    wrapper.unmount()
  })

  it('loads the page by itself once a call of the app is answered again', async () => {
    const answers = { now: true }
    const loaded = recovering(answers)
    failed({})
    const wrapper = mount(AppPageLoadFailure)
    await flushPromises()
    // Nothing heard from the server yet: the page waits, no load.
    expect(loaded).toEqual([])
    server.on('GET', 'sandbox/__admin/accounts', json({ accounts: [] }))
    await listAccounts()
    await eventually(() => expect(loaded).toEqual(['/handset']))
    wrapper.unmount()
  })

  it('does not load by itself a page whose code failed while the server answered', async () => {
    const answers = { now: true }
    const loaded = recovering(answers)
    failed({ message: 'Importing a module script failed.', unreachable: false })
    const wrapper = mount(AppPageLoadFailure)
    server.on('GET', 'sandbox/__admin/accounts', json({ accounts: [] }))
    await listAccounts()
    await flushPromises()
    // A second full load after one failed already would loop: Reload stays the user's choice.
    expect(loaded).toEqual([])
    wrapper.unmount()
  })

  it('does not take the user off the page still shown: it says Reload now works', async () => {
    const answers = { now: true }
    const loaded = recovering(answers)
    failed({ blank: false })
    const wrapper = mount(AppPageLoadFailure)
    const alert = () => wrapper.get('[data-test="page-load-failure"]')
    expect(alert().text()).toContain('Reload once it is back; nothing you did is lost.')
    expect(alert().find('[data-test="page-load-failure-back"]').exists()).toBe(false)
    // Reload while the server is still down says so.
    answers.now = false
    await alert().get('button').trigger('click')
    await flushPromises()
    expect(alert().find('[data-test="page-load-failure-still"]').exists()).toBe(true)
    answers.now = true
    // A call of the page still shown (the user checking a code, say) is answered.
    server.on('GET', 'sandbox/__admin/accounts', json({ accounts: [] }))
    await listAccounts()
    await eventually(() =>
      expect(alert().get('[data-test="page-load-failure-back"]').text()).toBe(
        'The server answers again: Reload opens the page.',
      ),
    )
    expect(alert().find('[data-test="page-load-failure-still"]').exists()).toBe(false)
    expect(loaded).toEqual([])
    await alert().get('button').trigger('click')
    await flushPromises()
    expect(loaded).toEqual(['/handset'])
  })
})
