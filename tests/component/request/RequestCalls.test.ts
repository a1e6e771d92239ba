import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ApiCall } from '@/api/client'
import RequestCalls from '@/components/request/RequestCalls.vue'
import { eachTestInNewTab, apiCall } from './support'

eachTestInNewTab()

const call = apiCall({ response: { status: 'IN PROGRESS' } })

function note(
  clockOffsetMs: number,
  calls: ApiCall[] = [call],
  timelineShown?: boolean,
): string | null {
  const wrapper = mount(RequestCalls, {
    props: { calls, origin: 'http://localhost:5173', clockOffsetMs, timelineShown },
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

  it('speaks of no timeline where the page shows none', () => {
    expect(note(150_000, [call], false)).toBe(
      "Call times are this computer's; the sandbox clock is 2 min 30 s ahead.",
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

describe('RequestCalls and a call without its answer', () => {
  const id = 'abcdef0123456789abcdef0123456789'
  /** A check as sent, its answer not in: no status, no response. */
  const sentCheck = apiCall({
    key: 'page-3',
    method: 'POST',
    path: 'sandbox/verify/check/json',
    query: {},
    body: { request_id: id, code: '1234' },
    durationMs: 0,
    httpStatus: null,
    response: null,
    pending: true,
  })

  afterEach(() => vi.unstubAllGlobals())

  function list(calls: ApiCall[], inFlight?: ReadonlySet<string>) {
    return mount(RequestCalls, {
      props: {
        calls,
        origin: 'http://localhost:5173',
        requestId: id,
        ...(inFlight ? { inFlight } : {}),
      },
    })
  }
  const summary = (wrapper: ReturnType<typeof list>) =>
    wrapper.find('summary').text().replace(/\s+/g, ' ')

  it('shows a check this page is waiting for as sent, not as failed', () => {
    const wrapper = list([sentCheck], new Set(['page-3']))
    expect(summary(wrapper)).toContain('POST /verify/check/json')
    expect(summary(wrapper)).toContain('→ sent, waiting for the answer…')
    expect(summary(wrapper)).not.toMatch(/no answer|ms\b/)
    expect(wrapper.text()).toContain('No answer yet: the call is on its way.')
  })

  it('shows a check with no recorded answer (sent before a reload) as "may have reached the sandbox"', () => {
    const wrapper = list([sentCheck])
    expect(summary(wrapper)).toContain('POST /verify/check/json')
    expect(summary(wrapper)).toContain('→ no answer received — it may have reached the sandbox')
    // Neither a success nor a failure: no status, no error, no duration.
    expect(summary(wrapper)).not.toMatch(/status|200|error|ms\b/)
    expect(wrapper.get('[data-test="call-unanswered"]').text().replace(/\s+/g, ' ')).toBe(
      'No answer was recorded: the page that sent this call was reloaded or closed before its answer arrived (or another tab is still waiting for it). It may have reached the sandbox, and a check may have used up one of the attempts: refresh the request and look at its status before sending it again.',
    )
    // The request as sent is still there.
    expect(wrapper.findAll('pre')[0]!.text()).toContain(`request_id=${id}\ncode=1234`)
  })

  it('says what became of a check with no recorded answer once a later read settled it', () => {
    const settled = (fate: 'processed' | 'not_processed') =>
      mount(RequestCalls, {
        props: {
          calls: [sentCheck],
          origin: 'http://localhost:5173',
          requestId: id,
          settledLostCheck: { key: sentCheck.key, fate },
        },
      })
    const notProcessed = settled('not_processed')
    expect(summary(notProcessed)).toContain(
      '→ no answer received — a later read shows it was not processed (the code was not checked)',
    )
    expect(notProcessed.get('[data-test="call-unanswered"]').text().replace(/\s+/g, ' ')).toBe(
      'No answer was recorded: the page that sent this call was reloaded or closed before its answer arrived (or another tab is still waiting for it). A read of the request sent after it lists no check it could be: it was not processed and used no attempt.',
    )
    const processed = settled('processed')
    expect(summary(processed)).toContain(
      '→ no answer received — a later read shows the sandbox processed it',
    )
    expect(processed.get('[data-test="call-unanswered"]').text()).not.toContain('may have reached')
    // Another call's fate says nothing of this one.
    const other = mount(RequestCalls, {
      props: {
        calls: [sentCheck],
        origin: 'http://localhost:5173',
        requestId: id,
        settledLostCheck: { key: 'another', fate: 'not_processed' },
      },
    })
    expect(summary(other)).toContain('→ no answer received — it may have reached the sandbox')
  })

  it('lists the answered call in place of its pending copy, as any answered call', () => {
    const answered: ApiCall = {
      ...sentCheck,
      httpStatus: 200,
      durationMs: 40,
      response: { status: '16' },
    }
    delete answered.pending
    const wrapper = list([answered], new Set())
    expect(wrapper.findAll('li')).toHaveLength(1)
    expect(summary(wrapper)).toContain('→ 200 · status 16')
    expect(summary(wrapper)).toContain('40 ms')
    expect(wrapper.find('[data-test="call-progress"]').exists()).toBe(false)
  })

  it('copies a pending check as curl', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined)
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const wrapper = list([sentCheck])
    await wrapper.get('button').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledTimes(1)
    const curl = writeText.mock.calls[0]![0] as string
    expect(curl).toMatch(/^curl /)
    expect(curl).toContain('/sandbox/verify/check/json')
    expect(curl).toContain(`request_id=${id}`)
    expect(curl).toContain('code=1234')
    expect(wrapper.text()).toContain('Copied.')
  })
})
