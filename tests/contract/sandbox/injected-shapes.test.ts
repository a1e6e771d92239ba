import { describe, expect, it } from 'vitest'
import { getJson, qs, raw } from './support/http'
import { admin, sandboxForAllTests } from './support/sandbox'

// An injected status answers, over HTTP, exactly as the real status does on the same endpoint.
const sb = sandboxForAllTests()

describe('an injected 101 on search', () => {
  it('names the id searched for, as a real 101 does, in JSON and in XML', async () => {
    const params = { ...sb.creds, request_id: 'abcd' }
    const real = await getJson(sb.base, '/verify/search/json', params)
    expect(real.body).toEqual({
      request_id: 'abcd',
      status: '101',
      error_text: 'No response found',
    })
    await admin(sb.base, '/faults', { endpoint: 'search', status: '101' })
    const injected = await getJson(sb.base, '/verify/search/json', params)
    expect(injected.body).toEqual(real.body)

    const path = `/verify/search/xml?${qs(params)}`
    const realXml = await raw(sb.base, { path })
    expect(realXml.text).toContain('<request_id>abcd</request_id><status>101</status>')
    await admin(sb.base, '/faults', { endpoint: 'search', status: '101' })
    const injectedXml = await raw(sb.base, { path })
    expect(injectedXml.text).toBe(realXml.text)
    expect(await admin(sb.base, '/faults')).toEqual({ faults: [] })
  })

  it('names no id for a search of several ids, as a real 101 does', async () => {
    const params = { ...sb.creds, request_ids: ['abcd', 'ef01'] }
    const real = await getJson(sb.base, '/verify/search/json', params)
    expect(real.body).toEqual({ status: '101', error_text: 'No response found' })
    await admin(sb.base, '/faults', { endpoint: 'search', status: '101' })
    expect((await getJson(sb.base, '/verify/search/json', params)).body).toEqual(real.body)
  })
})
