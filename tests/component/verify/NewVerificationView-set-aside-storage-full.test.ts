/**
 * With the tab's storage full, what "Send again" set aside still lasts as long as the page: leaving
 * New verification and coming back (no reload) still offers to restore it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { getActivePinia } from 'pinia'
import type { Router } from 'vue-router'
import { useRequestsStore } from '@/stores/requests'
import NewVerificationView from '@/views/NewVerificationView.vue'
import { useDeskServer } from '../support/desk-server'
import { fillField, mountNewVerification } from './support'
import { answerEnvironments, sendUnansweredStart } from './desk-support'

const server = useDeskServer()

const SET_ASIDE_KEY = 'verify-desk:new-verification-set-aside'
const UNDO_SECOND = 'Undo: restore what you had typed (+447700900777 · SecondCo)'
let wrapper: VueWrapper
let router: Router

beforeEach(async () => {
  answerEnvironments(server)
  ;({ wrapper, router } = await mountNewVerification())
  await flushPromises()
  const setItem = Storage.prototype.setItem
  vi.spyOn(Storage.prototype, 'setItem').mockImplementation(function (
    this: Storage,
    key: string,
    value: string,
  ) {
    if (key === SET_ASIDE_KEY) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    }
    setItem.call(this, key, value)
  })
})
afterEach(async () => {
  vi.restoreAllMocks()
  wrapper.unmount()
  await useRequestsStore().dispose()
})

describe('what "Send again" set aside, with the storage full', () => {
  it('is still offered after leaving the page and coming back', async () => {
    await sendUnansweredStart(server, wrapper, '+447700900501', 'FirstCo')
    await fillField(wrapper, 'number', '+447700900777')
    await fillField(wrapper, 'brand', 'SecondCo')
    await wrapper.get('button[aria-label="Send again to +447700900501"]').trigger('click')
    await flushPromises()
    expect(wrapper.find(`button[aria-label="${UNDO_SECOND}"]`).exists()).toBe(true)
    expect(sessionStorage.getItem(SET_ASIDE_KEY)).toBeNull()

    // Another page, then back to New verification: the same app, no reload.
    wrapper.unmount()
    wrapper = mount(NewVerificationView, {
      global: { plugins: [getActivePinia()!, router] },
      attachTo: document.body,
    })
    await flushPromises()
    expect(wrapper.find(`button[aria-label="${UNDO_SECOND}"]`).exists()).toBe(true)
  })
})
