/**
 * The code field's notes say only what holds while the field can be used: a lost check's code put
 * back is not said to be "back in the field" once the request is gone or ended (the field is off).
 */
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RequestPinEntry from '@/components/request/RequestPinEntry.vue'
import { eachTestInNewTab } from './support'

eachTestInNewTab()

const OPEN = { allowed: true, reason: null, opensAt: null }
const GONE = { allowed: false, reason: 'the request no longer exists', opensAt: null }

describe('RequestPinEntry: a lost check code put back, then the request is gone', () => {
  it('no longer says the code is back in the field', async () => {
    const wrapper = mount(RequestPinEntry, {
      props: { availability: OPEN, attemptsLeft: 3, restoredCode: { code: '2222' } },
    })
    expect(wrapper.get('[data-test="pin-restored"]').text()).toBe(
      'The code 2222 from the lost check is back in the field: it was not processed.',
    )
    await wrapper.setProps({ availability: GONE, attemptsLeft: null })
    expect(wrapper.find('[data-test="pin-restored"]').exists()).toBe(false)
    expect(wrapper.get('#pin-code').attributes('aria-describedby')).not.toContain('pin-restored')
    expect(wrapper.get('#pin-reason').text()).toBe(
      'Check not possible: the request no longer exists',
    )
  })
})
