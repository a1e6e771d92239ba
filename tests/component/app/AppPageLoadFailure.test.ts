import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import AppPageLoadFailure from '@/components/app/AppPageLoadFailure.vue'
import { pageLoadFailure } from '@/utils/chunk-reload'

const ID = 'e'.repeat(32)

afterEach(() => {
  pageLoadFailure.value = null
})

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
    }
    const alert = mount(AppPageLoadFailure).get('[data-test="page-load-failure"]')
    expect(alert.find('h1').exists()).toBe(false)
    expect(alert.get('h2').text()).toBe('The History page could not be loaded')
    expect(alert.find('[data-test="page-load-failure-started"]').exists()).toBe(false)
  })
})
