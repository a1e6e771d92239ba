/**
 * A live request's timeline is on the API's clock, its calls on this computer's: where the two
 * differ, the list of calls says by how much, as it does for the sandbox clock.
 */
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RequestCalls from '@/components/request/RequestCalls.vue'
import { eachTestInNewTab, apiCall } from './support'

eachTestInNewTab()

const call = apiCall({ path: 'live/verify/search/json', response: { status: 'IN PROGRESS' } })

function note(clockOffsetMs: number, timelineShown = true): string | null {
  const wrapper = mount(RequestCalls, {
    props: {
      calls: [call],
      origin: 'http://localhost:5173',
      clockOffsetMs,
      clock: 'api',
      timelineShown,
    },
  })
  const found = wrapper.find('[data-test="calls-clock-note"]')
  return found.exists() ? found.text() : null
}

describe('RequestCalls and the API clock of a live request', () => {
  it('says the API clock runs ahead of this computer’s', () => {
    expect(note(60_000)).toBe(
      "Call times are this computer's; the API clock is 1 min 00 s ahead, so the timeline above reads later.",
    )
  })

  it('says the API clock runs behind, and where the page shows no timeline', () => {
    expect(note(-90_000)).toBe(
      "Call times are this computer's; the API clock is 1 min 30 s behind, so the timeline above reads earlier.",
    )
    expect(note(-90_000, false)).toBe(
      "Call times are this computer's; the API clock is 1 min 30 s behind.",
    )
  })

  it('says nothing while the clocks agree within a second', () => {
    expect(note(0)).toBeNull()
    expect(note(-400)).toBeNull()
    expect(note(800)).toBeNull()
  })
})
