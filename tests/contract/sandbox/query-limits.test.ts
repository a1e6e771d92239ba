import { describe, expect, it } from 'vitest'
import { raw } from './support/http'
import { admin, listOf, sandboxForAllTests } from './support/sandbox'

// The live API's answers to two long starts (a black-box test of 2018): credentials of 4,000
// dashes each (a query of 8,054 bytes) were refused with HTTP 413, of 8,000 dashes each (a request
// target of 16,067 bytes) with HTTP 414. The same calls, byte for byte, get the same from the sandbox.
const sb = sandboxForAllTests()

/** The start the live test sent: key and secret of `length` dashes, a brand and a number. */
function longStart(length: number): string {
  const dashes = '-'.repeat(length)
  return `/verify/json?api_key=${dashes}&api_secret=${dashes}&brand=TestApp&number=447700900000`
}

describe('the query length limits the live API showed', () => {
  it('answers HTTP 413 to the start whose query is 8,054 bytes', async () => {
    const path = longStart(4000)
    expect(path.length - '/verify/json?'.length).toBe(8054)
    const res = await raw(sb.base, { path })
    expect(res.status).toBe(413)
    expect(JSON.parse(res.text)).toEqual({
      error: {
        code: 'payload_too_large',
        message: 'The query string is longer than the limit of 8000 bytes.',
      },
    })
  })

  it('answers HTTP 414 to the start whose request target is 16,067 bytes', async () => {
    const path = longStart(8000)
    expect(path.length).toBe(16067)
    const res = await raw(sb.base, { path })
    expect(res.status).toBe(414)
    expect(JSON.parse(res.text)).toEqual({
      error: {
        code: 'uri_too_long',
        message: 'The request URI is longer than the limit of 16000 bytes.',
      },
    })
  })

  it('carries out a call whose query is exactly 8,000 bytes, and one whose target is 16,000', async () => {
    const head = '/verify/json?api_key=x&api_secret=y&number=447700900000&brand='
    const query = await raw(sb.base, { path: head.padEnd(13 + 8000, 'b') })
    expect(query.status).toBe(200)
    expect(JSON.parse(query.text)).toEqual({
      status: '4',
      error_text: 'Invalid credentials were provided',
    })
    // A request target of 16,000 bytes: under the URI limit, over the query limit.
    const target = await raw(sb.base, { path: head.padEnd(16000, 'b') })
    expect(target.status).toBe(413)
    expect(listOf(await admin(sb.base, '/requests'), 'requests')).toEqual([])
  })
})
