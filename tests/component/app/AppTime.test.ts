import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import AppTime from '@/components/app/AppTime.vue'

/** The instant every case shows: 2026-03-04 05:06:07 UTC. */
const AT = Date.UTC(2026, 2, 4, 5, 6, 7)
const LOCAL = new Date(AT).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })

describe('AppTime', () => {
  it.each([
    ['the API format (UTC without a zone)', '2026-03-04 05:06:07'],
    ['ISO text', '2026-03-04T05:06:07.000Z'],
    ['epoch milliseconds', AT],
    ['a Date', new Date(AT)],
  ])('shows %s in local time, with UTC on hover and a machine-readable datetime', (_, value) => {
    const time = mount(AppTime, { props: { value } }).get('time')
    expect(time.text()).toBe(LOCAL)
    expect(time.attributes('title')).toBe('2026-03-04 05:06:07 UTC')
    expect(time.attributes('datetime')).toBe('2026-03-04T05:06:07.000Z')
  })

  it('leaves out the seconds when asked', () => {
    const time = mount(AppTime, { props: { value: AT, seconds: false } }).get('time')
    const short = new Date(AT).toLocaleString(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
    })
    expect(time.text()).toBe(short)
    expect(time.attributes('title')).toBe('2026-03-04 05:06:07 UTC')
  })

  it.each([null, undefined, '', 'not a date'])(
    'shows a dash for %j, without a time element',
    (value) => {
      const wrapper = mount(AppTime, { props: { value } })
      expect(wrapper.find('time').exists()).toBe(false)
      expect(wrapper.text()).toBe('—')
    },
  )
})
