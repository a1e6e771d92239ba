import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RequestCallItem from '@/components/request/RequestCallItem.vue'
import { eachTestInNewTab, apiCall } from './support'

eachTestInNewTab()

function curlOf(path: string, tokenRequired: boolean): string {
  const wrapper = mount(RequestCallItem, {
    props: { call: apiCall({ path }), origin: 'https://desk.example.com', tokenRequired },
  })
  const blocks = wrapper.findAll('pre').map((pre) => pre.text())
  const curl = blocks.find((text) => text.startsWith('curl '))
  expect(curl, 'a curl command is shown').toBeTypeOf('string')
  return curl ?? ''
}

describe('RequestCallItem copy as curl', () => {
  it('sends the access token header to the sandbox of a server that asks for one', () => {
    expect(curlOf('sandbox/verify/search/json', true)).toContain(
      '-H "X-Verify-Desk-Token: $VERIFY_DESK_TOKEN"',
    )
    expect(curlOf('sandbox/verify/search/json', false)).not.toContain('X-Verify-Desk-Token')
  })

  it('never sends the token to the live API, which does not know it', () => {
    const curl = curlOf('live/verify/search/json', true)
    expect(curl).toContain('"https://api.nexmo.com/verify/search/json?')
    expect(curl).not.toContain('X-Verify-Desk-Token')
  })

  it('sends a live call to the API host the server forwards to (a regional host)', () => {
    const wrapper = mount(RequestCallItem, {
      props: {
        call: apiCall({ path: 'live/verify/search/json' }),
        origin: 'https://desk.example.com',
        liveHost: 'https://api-eu.vonage.com',
      },
    })
    const curl = wrapper.findAll('pre').find((pre) => pre.text().startsWith('curl '))
    expect(curl?.text()).toContain('"https://api-eu.vonage.com/verify/search/json?')
  })
})

const ID = 'abcdef0123456789abcdef0123456789'
const OTHER = '0123456789abcdef0123456789abcdef'

/** The call's one-line summary (method, path, HTTP and API status). */
function summaryOf(patch: Parameters<typeof apiCall>[0], requestId?: string): string {
  const wrapper = mount(RequestCallItem, {
    props: {
      call: apiCall(patch),
      origin: 'https://desk.example.com',
      ...(requestId ? { requestId } : {}),
    },
  })
  return wrapper.find('summary').text().replace(/\s+/g, ' ')
}

/** A background search of several ids, as History's live status sends it. */
function batchSearch(listed: { request_id: string; status: string }[]) {
  return {
    query: { request_ids: [ID, OTHER] },
    response: { verification_requests: listed },
  }
}

describe('RequestCallItem summary', () => {
  it('shows the API status of a single-id search and of an action', () => {
    expect(summaryOf({ response: { request_id: ID, status: 'IN PROGRESS' } }, ID)).toContain(
      '→ 200 · status IN PROGRESS',
    )
    expect(summaryOf({ response: { status: '16', error_text: 'wrong code' } }, ID)).toContain(
      '→ 200 · status 16',
    )
  })

  it("shows this request's status in a search of several ids", () => {
    const call = batchSearch([
      { request_id: OTHER, status: 'IN PROGRESS' },
      { request_id: ID, status: 'FAILED' },
    ])
    expect(summaryOf(call, ID)).toContain('→ 200 · status FAILED')
    expect(summaryOf(call, OTHER)).toContain('→ 200 · status IN PROGRESS')
  })

  it('shows status 101 for a request a search of several ids left out', () => {
    const call = batchSearch([{ request_id: OTHER, status: 'IN PROGRESS' }])
    expect(summaryOf(call, ID)).toContain('→ 200 · status 101 (not listed)')
  })

  it('names no status when it cannot tell which request the list is about', () => {
    const call = batchSearch([{ request_id: OTHER, status: 'IN PROGRESS' }])
    expect(summaryOf(call)).not.toContain('status')
    // An id the search was not asked about is not called "not listed".
    expect(summaryOf(call, 'f'.repeat(32))).not.toContain('status')
  })
})

describe('RequestCallItem: what the server adds', () => {
  /** The call detail's line on the credentials, or null when it has none. */
  function credentialsLine(
    path: string,
    credentials?: Partial<Record<'sandbox' | 'live', 'basic' | 'params'>>,
  ): string | null {
    const wrapper = mount(RequestCallItem, {
      props: {
        call: apiCall({ path }),
        origin: 'https://desk.example.com',
        ...(credentials ? { credentials } : {}),
      },
    })
    const line = wrapper.find('[data-test="call-credentials"]')
    return line.exists() ? line.text() : null
  }

  it('names the Basic header for live when the server says so', () => {
    expect(credentialsLine('live/verify/check/json', { live: 'basic' })).toBe(
      'The server adds the credentials (Authorization: Basic $VONAGE_API_KEY:$VONAGE_API_SECRET).',
    )
  })

  it('names the parameters for live when the server sends them so (VONAGE_AUTH=params)', () => {
    expect(credentialsLine('live/verify/check/json', { live: 'params', sandbox: 'basic' })).toBe(
      'The server adds the credentials as the api_key and api_secret parameters ($VONAGE_API_KEY, $VONAGE_API_SECRET).',
    )
  })

  it("names the sandbox account's credentials for a sandbox call, not the live variables", () => {
    expect(credentialsLine('sandbox/verify/json', { sandbox: 'basic', live: 'params' })).toBe(
      "The server adds the sandbox account's credentials (Authorization: Basic).",
    )
  })

  it('says only that the server adds them when it has not said where', () => {
    expect(credentialsLine('live/verify/search/json')).toBe('The server adds the credentials.')
  })

  it('says nothing of credentials on a call to the admin API, which carries none', () => {
    expect(credentialsLine('sandbox/__admin/clock', { sandbox: 'basic' })).toBeNull()
  })
})
