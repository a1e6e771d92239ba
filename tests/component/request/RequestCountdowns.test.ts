import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RequestCountdowns from '@/components/request/RequestCountdowns.vue'
import { fromAdmin } from '@/utils/request-model'
import { LONG_WAIT, T0 } from '../../unit/utils/admin-request-support'

function mountAt(now: number) {
  return mount(RequestCountdowns, {
    props: {
      model: fromAdmin(LONG_WAIT),
      now,
      cancel: { allowed: true, reason: null, opensAt: null },
    },
  })
}

describe('RequestCountdowns', () => {
  it('warns once the PIN has expired that a check now uses an attempt, and says what to do', () => {
    const wrapper = mountAt(T0 + 301_000)
    expect(wrapper.get('[data-test="countdown-pin"] .value').text()).toBe('expired')
    const warning = wrapper.get('[data-test="pin-expired"]').text()
    expect(warning).toContain('a code checked now, even this PIN, is answered as a wrong code')
    expect(warning).toContain('Next: wait for the next message or call (in 9 min 59 s)')
  })

  it('gives no warning while the PIN can be checked', () => {
    const wrapper = mountAt(T0 + 299_000)
    expect(wrapper.get('[data-test="countdown-pin"] .value').text()).toBe('in 1 s')
    expect(wrapper.find('[data-test="pin-expired"]').exists()).toBe(false)
  })
})
