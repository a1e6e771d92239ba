/**
 * The warning of a cancel or next event with no answer yet comes into a live region that is in the
 * page before it: screen readers read out a region whose text changes, and often skip one that
 * appears already filled.
 */
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RequestActions from '@/components/request/RequestActions.vue'
import { eachTestInNewTab } from './support'

eachTestInNewTab()

const available = { allowed: true, reason: null, opensAt: null }

describe('RequestActions: the warning of an unanswered control call', () => {
  it('comes into a status region that was there, empty, before it', async () => {
    const wrapper = mount(RequestActions, {
      props: { cancel: available, next: available, busy: null, outcome: null, unanswered: null },
    })
    const region = () => wrapper.get('[data-test="control-unanswered-region"]')
    expect(region().attributes('role')).toBe('status')
    expect(region().text()).toBe('')

    await wrapper.setProps({ unanswered: { at: Date.UTC(2026, 0, 2, 3, 4, 5), action: 'cancel' } })
    expect(region().attributes('role')).toBe('status')
    expect(region().text()).toContain('A cancel sent at')
    expect(region().text()).toContain('it may still cancel the request')
    wrapper.unmount()
  })
})
