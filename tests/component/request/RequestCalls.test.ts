import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { ApiCall } from '@/api/client'
import RequestCalls from '@/components/request/RequestCalls.vue'
import { apiCall } from './support'

const call = apiCall({ response: { status: 'IN PROGRESS' } })

function note(clockOffsetMs: number, calls: ApiCall[] = [call]): string | null {
  const wrapper = mount(RequestCalls, {
    props: { calls, origin: 'http://localhost:5173', clockOffsetMs },
  })
  const found = wrapper.find('[data-test="calls-clock-note"]')
  return found.exists() ? found.text() : null
}

describe('RequestCalls and the sandbox clock', () => {
  it('says call times are this computer’s when the sandbox clock was moved ahead', () => {
    expect(note(150_000)).toBe(
      "Call times are this computer's; the sandbox clock is 2 min 30 s ahead, so the timeline above reads later.",
    )
  })

  it('says nothing when the clocks agree or there are no calls', () => {
    expect(note(0)).toBeNull()
    expect(note(400)).toBeNull()
    expect(note(150_000, [])).toBeNull()
  })
})

describe('RequestCalls and searches of several ids', () => {
  it("shows the request's own status in a background search of several ids", () => {
    const id = 'abcdef0123456789abcdef0123456789'
    const batch = apiCall({
      query: { request_ids: [id, '0'.repeat(32)] },
      response: { verification_requests: [{ request_id: id, status: 'EXPIRED' }] },
    })
    const wrapper = mount(RequestCalls, {
      props: { calls: [batch], origin: 'http://localhost:5173', requestId: id },
    })
    expect(wrapper.find('summary').text().replace(/\s+/g, ' ')).toContain('→ 200 · status EXPIRED')
  })
})
