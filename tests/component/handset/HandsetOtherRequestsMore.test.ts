import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import HandsetOtherRequests from '@/components/handset/HandsetOtherRequests.vue'
import { adminRequest } from '../verify/support'

const T0 = Date.UTC(2026, 10, 26, 9, 0, 0)

/** `count` sandbox requests from other clients, newest first. */
function others(count: number) {
  return Array.from({ length: count }, (_, i) =>
    adminRequest(i.toString(16).padStart(32, '0'), T0 - i * 60_000, {
      normalized_number: `4477009${String(i).padStart(5, '0')}`,
    }),
  )
}

function mountList(count: number) {
  return mount(HandsetOtherRequests, {
    props: { requests: others(count), adding: new Set<string>() },
  })
}

/** The "show more" button's text, or null when there is none. */
function moreButton(wrapper: ReturnType<typeof mountList>) {
  const button = wrapper.findAll('button').find((b) => /^Show\b/.test(b.text()))
  return button ?? null
}

describe('requests from other clients: showing more', () => {
  it('says how many are not shown, never a number that reads as the total', async () => {
    const wrapper = mountList(30)
    expect(wrapper.findAll('li')).toHaveLength(10)
    expect(moreButton(wrapper)?.text()).toBe('Show 10 more (20 not shown)')

    await moreButton(wrapper)!.trigger('click')
    expect(wrapper.findAll('li')).toHaveLength(20)
    expect(moreButton(wrapper)?.text()).toBe('Show the remaining 10')

    await moreButton(wrapper)!.trigger('click')
    expect(wrapper.findAll('li')).toHaveLength(30)
    expect(moreButton(wrapper)).toBeNull()
  })

  it('names the few left when fewer than a page remain', async () => {
    const wrapper = mountList(13)
    expect(moreButton(wrapper)?.text()).toBe('Show the remaining 3')
    await moreButton(wrapper)!.trigger('click')
    expect(wrapper.findAll('li')).toHaveLength(13)
    expect(moreButton(wrapper)).toBeNull()
  })

  it('offers nothing more when every request is listed', () => {
    expect(moreButton(mountList(10))).toBeNull()
  })
})
