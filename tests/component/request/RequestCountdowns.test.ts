import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RequestCountdowns from '@/components/request/RequestCountdowns.vue'
import { fromAdmin } from '@/utils/request-model'
import { LONG_WAIT, T0 } from '../../unit/utils/admin-request-support'
import { eachTestInNewTab } from './support'

eachTestInNewTab()

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
  it('says the PIN has expired once its time is up, while the request goes on', () => {
    const wrapper = mountAt(T0 + 301_000)
    expect(wrapper.get('[data-test="countdown-pin"] .value').text()).toBe('expired')
    expect(wrapper.get('[data-test="countdown-expiry"] .value').text()).toBe('in 39 min 59 s')
  })

  it('counts down to the PIN expiry while the PIN can be checked', () => {
    const wrapper = mountAt(T0 + 299_000)
    expect(wrapper.get('[data-test="countdown-pin"] .value').text()).toBe('in 1 s')
  })

  it("says the time it was last read at is this computer's when the page shows the sandbox clock", () => {
    const props = {
      model: fromAdmin(LONG_WAIT),
      now: T0 + 10_000,
      cancel: { allowed: true, reason: null, opensAt: null },
      staleSince: T0,
    }
    const stale = (computerClockSaid: boolean) =>
      mount(RequestCountdowns, { props: { ...props, computerClockSaid } })
        .get('[data-test="countdown-stale"]')
        .text()
        .replace(/\s+/g, ' ')
    expect(stale(true)).toMatch(
      /^The request could not be refreshed: these count from what was last read at .+ \(this computer's clock\), and may be out of date\.$/,
    )
    expect(stale(false)).toMatch(/last read at [^(]+, and may be out of date\.$/)
  })
})
