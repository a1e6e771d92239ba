/**
 * A status 7 fault whose network is unblocked (POST /verify/network-unblock) applies to no call
 * until the unblock ends: the list of active faults says so, not that it blocks now.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import type { AdminFault } from '@contract/admin'
import ControlsFaultList from '@/components/controls/ControlsFaultList.vue'

const BLOCK: AdminFault = {
  id: 'f1',
  endpoint: 'request',
  remaining: 5,
  status: '7',
  error_text: null,
  network: '23410',
  delay_ms: 0,
  drop: false,
}
const UNTIL = '2026-11-26T13:52:07Z'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

describe('ControlsFaultList: a block lifted by a network unblock', () => {
  it('says until when it is lifted, on that fault only', () => {
    const other: AdminFault = { ...BLOCK, id: 'f2', network: '23415', remaining: 1 }
    wrapper = mount(ControlsFaultList, {
      props: { faults: [{ ...BLOCK, unblocked_until: UNTIL }, other] },
    })
    const [lifted, blocking] = wrapper.findAll('li')
    expect(lifted?.text()).toMatch(
      /^Next 5 calls to request: answer status 7, lifted until \d{2}:\d{2}:\d{2} \(network unblock\)$/,
    )
    const time = lifted!.get('time')
    expect(time.attributes('datetime')).toBe(UNTIL)
    expect(time.attributes('title')).toBe('2026-11-26 13:52:07 UTC')
    expect(time.text()).toBe(
      new Date(UNTIL).toLocaleTimeString(undefined, {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
    )
    expect(blocking?.text()).toBe('Next 1 call to request: answer status 7')
  })

  it('says nothing of an unblock once the fault no longer carries one', async () => {
    wrapper = mount(ControlsFaultList, {
      props: { faults: [{ ...BLOCK, unblocked_until: UNTIL }] },
    })
    await wrapper.setProps({ faults: [BLOCK] })
    expect(wrapper.get('li').text()).toBe('Next 5 calls to request: answer status 7')
  })
})
