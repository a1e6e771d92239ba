/**
 * A start answered after the user left New verification: the dashboard never moves them away from
 * the page they are on now. The answer is said by the app's announcer and stays as a notice with a
 * link; a started request is in History; nothing typed is lost. The real API layer (only `fetch`
 * is replaced), the real page in a RouterView, with the app's notices and announcer beside it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, RouterView, type Router } from 'vue-router'
import { useRequestsStore } from '@/stores/requests'
import { useWatchStore } from '@/stores/watch'
import NewVerificationView from '@/views/NewVerificationView.vue'
import AppStartNotices from '@/components/app/AppStartNotices.vue'
import AppLiveStatus from '@/components/app/AppLiveStatus.vue'
import { json, useDeskServer } from '../support/desk-server'
import { fillField, REQUEST_ID } from './support'
import { answerEnvironments, startPath, startTimedOut } from './desk-support'

const server = useDeskServer()

/** The answers to starts, held until released. */
let held: ((response: Response) => void)[]
let wrapper: VueWrapper
let router: Router
let slowPage: Promise<typeof OtherRequest>
let loadSlowPage: () => void

/** Another request's page, with its code field (where the user is typing when the answer comes). */
const OtherRequest = defineComponent({
  render: () =>
    h('section', [h('h1', 'Request'), h('input', { id: 'code', 'aria-label': 'Code (code)' })]),
})

beforeEach(async () => {
  localStorage.clear()
  sessionStorage.clear()
  held = []
  slowPage = new Promise((resolve) => (loadSlowPage = () => resolve(OtherRequest)))
  answerEnvironments(server)
  server.on('POST', startPath(), () => new Promise<Response>((resolve) => held.push(resolve)))
  const pinia = createPinia()
  setActivePinia(pinia)
  // The announcer's own polling is not what is tested here.
  vi.spyOn(useWatchStore(), 'start').mockResolvedValue(undefined)
  vi.spyOn(useRequestsStore(), 'applyRetention').mockResolvedValue(0)
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'new', component: NewVerificationView },
      { path: '/requests/:id', name: 'request', component: OtherRequest },
      // A page whose code is still loading when the answer comes.
      { path: '/slow', component: () => slowPage },
      // A page that refuses to be opened (the navigation fails, New verification stays).
      { path: '/closed', component: OtherRequest, beforeEnter: () => false },
    ],
  })
  await router.push('/')
  const App = defineComponent({
    render: () => h('div', [h(AppStartNotices), h(RouterView), h(AppLiveStatus)]),
  })
  wrapper = mount(App, { global: { plugins: [pinia, router] }, attachTo: document.body })
  await flushPromises()
})
afterEach(async () => {
  wrapper.unmount()
  await useRequestsStore().dispose()
})

const OTHER_ID = 'c'.repeat(32)

const fill = (id: string, value: string) => fillField(wrapper, id, value)

/** Sends a start to `number` with brand `brand`; its answer is held. */
async function sendStart(number: string, brand = 'Live Shop') {
  await fill('number', number)
  await fill('brand', brand)
  await wrapper.get('form[aria-label="New verification"]').trigger('submit')
  await flushPromises()
  expect(held).toHaveLength(1)
  expect(server.callsTo('POST', startPath()), 'the start is sent once').toHaveLength(1)
}

/** Leaves for another request's page and types into its code field. */
async function leaveAndType(): Promise<HTMLInputElement> {
  await router.push(`/requests/${OTHER_ID}`)
  await flushPromises()
  const code = document.getElementById('code') as HTMLInputElement
  code.focus()
  await wrapper.get('#code').setValue('12')
  return code
}

async function answer(response: Response) {
  held.shift()!(response)
  await flushPromises()
  await flushPromises()
}

const said = () => wrapper.get('[data-testid="announcer"]').text()
const notices = () => wrapper.findAll('[data-test="start-notice-item"]')

describe('a start answered after the user left New verification', () => {
  it('started: stays on the page the user is on, says it, links to it, and it is in History', async () => {
    await sendStart('+447700900123')
    const code = await leaveAndType()
    await answer(json({ request_id: REQUEST_ID, status: '0' }))

    // Not moved: same page, the focus still in the field being typed into.
    expect(router.currentRoute.value.fullPath).toBe(`/requests/${OTHER_ID}`)
    expect(document.activeElement).toBe(code)
    expect(code.value).toBe('12')

    const message = `Request to +447700900123 on Sandbox started (…${REQUEST_ID.slice(-6)}), after you left New verification. It is in History.`
    expect(said()).toBe(message)
    expect(notices()).toHaveLength(1)
    const notice = notices()[0]!
    expect(notice.text()).toContain(message)
    const link = notice.get('a')
    expect(link.text()).toBe('Open the request')
    // Its accessible name holds its visible text (label in name), then says which request.
    expect(link.attributes('aria-label')).toBe('Open the request to +447700900123')
    expect(link.attributes('href')).toBe(`/requests/${REQUEST_ID}`)
    expect(useRequestsStore().byId(REQUEST_ID)).toMatchObject({
      number: '447700900123',
      brand: 'Live Shop',
      status: 'IN PROGRESS',
      source: 'started',
    })

    // Opened from the notice: the notice has done its job.
    await link.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe(`/requests/${REQUEST_ID}`)
    expect(notices()).toHaveLength(0)
    // The draft was for the request now started: New verification starts afresh.
    await router.push('/')
    await flushPromises()
    expect((wrapper.get('#number').element as HTMLInputElement).value).toBe('')
    expect(server.callsTo('POST', startPath()), 'nothing sent again').toHaveLength(1)
  })

  it('may have gone out: says it on the page the user is on, and New verification still lists it', async () => {
    await sendStart('+447700900123')
    await leaveAndType()
    await answer(startTimedOut())
    expect(router.currentRoute.value.fullPath).toBe(`/requests/${OTHER_ID}`)
    expect(said()).toContain('The start to +447700900123 on Sandbox got no answer:')
    expect(said()).toContain('(upstream_timeout)')
    expect(said()).toContain('It is listed under Starts without an answer on New verification')
    const notice = notices()[0]!
    expect(notice.attributes('data-type')).toBe('failed')
    const link = notice.get('a')
    expect(link.text()).toBe('Open New verification')

    // There: what was typed is in the form, and the start is listed to send again.
    await link.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/')
    expect((wrapper.get('#number').element as HTMLInputElement).value).toBe('+447700900123')
    expect((wrapper.get('#brand').element as HTMLInputElement).value).toBe('Live Shop')
    const listed = wrapper.findAll('[data-test="unanswered-start"]')
    expect(listed).toHaveLength(1)
    expect(listed[0]!.text()).toContain('+447700900123')
    expect(listed[0]!.text()).toContain('Live Shop')
    // Still on screen until dismissed, and gone once dismissed.
    expect(notices()).toHaveLength(1)
    await wrapper
      .get('button[aria-label="Dismiss the notice about +447700900123"]')
      .trigger('click')
    expect(notices()).toHaveLength(0)
    expect(server.callsTo('POST', startPath()), 'nothing sent again').toHaveLength(1)
  })

  it('refused: says the status, and the form on New verification still holds what was typed', async () => {
    await sendStart('+447700900123')
    await leaveAndType()
    await answer(json({ status: '3', error_text: 'Invalid value for param: number' }))
    expect(router.currentRoute.value.fullPath).toBe(`/requests/${OTHER_ID}`)
    expect(said()).toContain(
      'The start to +447700900123 on Sandbox was refused with status 3: Invalid value (Invalid value for param: number). What you typed is still in the form on New verification.',
    )
    expect(notices()[0]!.get('a').attributes('href')).toBe('/')
    await router.push('/')
    await flushPromises()
    expect((wrapper.get('#number').element as HTMLInputElement).value).toBe('+447700900123')
    expect((wrapper.get('#brand').element as HTMLInputElement).value).toBe('Live Shop')
  })

  it('back on New verification before the answer: no navigation, and what is typed anew is kept', async () => {
    await sendStart('+447700900123')
    await leaveAndType()
    await router.push('/')
    await flushPromises()
    // The page shown again holds the draft; the user starts typing another start.
    await fill('number', '+447700900999')
    await answer(json({ request_id: REQUEST_ID, status: '0' }))
    expect(router.currentRoute.value.fullPath).toBe('/')
    expect(notices()).toHaveLength(1)
    expect(notices()[0]!.text()).toContain('Request to +447700900123 on Sandbox started')
    expect((wrapper.get('#number').element as HTMLInputElement).value).toBe('+447700900999')
    // Kept for a reload of the page too.
    expect(sessionStorage.getItem('verify-desk:new-verification-draft')).toContain('447700900999')
  })

  it('left while the next page is still loading: that page opens, not the request', async () => {
    await sendStart('+447700900123')
    const leaving = router.push('/slow')
    await flushPromises()
    await answer(json({ request_id: REQUEST_ID, status: '0' }))
    loadSlowPage()
    await leaving
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/slow')
    expect(notices()).toHaveLength(1)
    expect(said()).toContain('Request to +447700900123 on Sandbox started')
  })

  it('left, then elsewhere while the first page still loads: the second page opens, not the request', async () => {
    await sendStart('+447700900123')
    let loadOther: () => void = () => {}
    const otherPage = new Promise<typeof OtherRequest>(
      (resolve) => (loadOther = () => resolve(OtherRequest)),
    )
    router.addRoute({ path: '/other', component: () => otherPage })
    const first = router.push('/slow')
    await flushPromises()
    const second = router.push('/other')
    await flushPromises()
    // The first page arrives: its navigation ends cancelled, replaced by the second one.
    loadSlowPage()
    await first
    await flushPromises()
    await answer(json({ request_id: REQUEST_ID, status: '0' }))
    loadOther()
    await second
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/other')
    expect(notices()).toHaveLength(1)
    expect(said()).toContain('Request to +447700900123 on Sandbox started')
  })

  it('left, then the navigation replacing it failed: New verification is shown, the request opens', async () => {
    await sendStart('+447700900123')
    const first = router.push('/slow')
    await flushPromises()
    await router.push('/closed')
    await flushPromises()
    loadSlowPage()
    await first
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/')
    await answer(json({ request_id: REQUEST_ID, status: '0' }))
    expect(router.currentRoute.value.fullPath).toBe(`/requests/${REQUEST_ID}`)
    expect(notices()).toHaveLength(0)
  })

  it('a navigation away that failed leaves New verification shown: the request opens', async () => {
    await sendStart('+447700900123')
    await router.push('/closed')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/')
    await answer(json({ request_id: REQUEST_ID, status: '0' }))
    expect(router.currentRoute.value.fullPath).toBe(`/requests/${REQUEST_ID}`)
    expect(notices()).toHaveLength(0)
  })

  it('still on New verification: the same submission opens the request, with no notice', async () => {
    await sendStart('+447700900123')
    await answer(json({ request_id: REQUEST_ID, status: '0' }))
    expect(router.currentRoute.value.fullPath).toBe(`/requests/${REQUEST_ID}`)
    expect(notices()).toHaveLength(0)
  })
})
