import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { describe, expect, it } from 'vitest'
import { defineComponent } from 'vue'
import AppStorageNotice from '@/components/app/AppStorageNotice.vue'
import { useStorageProblemsStore } from '@/stores/storage-problems'

const ID = '0'.repeat(26) + '62a2d3'
const Page = defineComponent({ template: '<p>page</p>' })

async function mountAt(path: string) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Page },
      { path: '/requests/:id', name: 'request', component: Page },
    ],
  })
  await router.push(path)
  const wrapper = mount(AppStorageNotice, { global: { plugins: [pinia, router] } })
  return { wrapper, problems: useStorageProblemsStore(), router }
}

describe('AppStorageNotice', () => {
  it('shows nothing while everything is saved', async () => {
    const { wrapper } = await mountAt('/')
    expect(wrapper.find('[data-test="storage-notice"]').exists()).toBe(false)
  })

  it('names what was not saved as an alert, on any page, until it is saved', async () => {
    const { wrapper, problems } = await mountAt('/')
    problems.report({
      key: 'history-unsaved',
      area: 'history',
      message: "The request …62a2d3 could not be saved in this browser's history: full.",
      requestIds: [ID],
    })
    problems.report({
      key: 'settings',
      area: 'settings',
      message: 'Your settings could not be saved.',
    })
    await wrapper.vm.$nextTick()
    const notice = wrapper.get('[data-test="storage-notice"]')
    expect(notice.attributes('role')).toBe('alert')
    expect(notice.findAll('li').map((li) => li.text())).toEqual([
      "The request …62a2d3 could not be saved in this browser's history: full.",
      'Your settings could not be saved.',
    ])
    expect(notice.find('[data-test="storage-notice-this-request"]').exists()).toBe(false)
    problems.resolve('history-unsaved')
    problems.resolve('settings')
    await wrapper.vm.$nextTick()
    expect(wrapper.find('[data-test="storage-notice"]').exists()).toBe(false)
  })

  it("says so on the request's own page when its entry is not saved", async () => {
    const { wrapper, problems, router } = await mountAt(`/requests/${ID}`)
    problems.report({
      key: 'history-unsaved',
      area: 'history',
      message: 'The request …62a2d3 could not be saved.',
      requestIds: [ID],
    })
    await wrapper.vm.$nextTick()
    expect(wrapper.get('[data-test="storage-notice-this-request"]').text()).toMatch(
      /This request is not saved in history yet/,
    )
    await router.push(`/requests/${'f'.repeat(32)}`)
    expect(wrapper.find('[data-test="storage-notice-this-request"]').exists()).toBe(false)
  })
})
