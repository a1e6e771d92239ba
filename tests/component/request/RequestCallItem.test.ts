import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RequestCallItem from '@/components/request/RequestCallItem.vue'
import { apiCall } from './support'

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
})
