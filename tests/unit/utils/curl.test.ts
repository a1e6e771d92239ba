import { describe, expect, it } from 'vitest'
import { CURL_TOKEN_HEADERS, shellDoubleQuote, toCurl, upstreamOf } from '@/utils/curl'

describe('toCurl', () => {
  it('renders a start as a form POST with credential placeholders, like Vonage snippets', () => {
    const curl = toCurl({
      method: 'POST',
      path: '/verify/json',
      query: {},
      body: { number: '447700900000', brand: 'Acme Inc', workflow_id: '6' },
    })
    expect(curl).toBe(
      [
        'curl -X POST "https://api.nexmo.com/verify/json" \\',
        '-H "Content-Type: application/x-www-form-urlencoded" \\',
        '-d "api_key=$VONAGE_API_KEY" \\',
        '-d "api_secret=$VONAGE_API_SECRET" \\',
        '-d "number=447700900000" \\',
        '-d "brand=Acme%20Inc" \\',
        '-d "workflow_id=6"',
      ].join('\n'),
    )
  })

  it('renders a search as GET with the parameters in the query and repeats request_ids', () => {
    expect(
      toCurl({ method: 'GET', path: '/verify/search/json', query: { request_id: 'abc' } }),
    ).toBe(
      'curl -X GET "https://api.nexmo.com/verify/search/json?api_key=$VONAGE_API_KEY&api_secret=$VONAGE_API_SECRET&request_id=abc"',
    )
    expect(
      toCurl({ method: 'GET', path: '/verify/search/json', query: { request_ids: ['a', 'b'] } }),
    ).toContain('&request_ids=a&request_ids=b"')
  })

  it('never shows real credential values, only the placeholders', () => {
    const curl = toCurl({
      method: 'POST',
      path: '/verify/check/json',
      body: { api_key: 'abcd1234', api_secret: 'topsecret', request_id: 'r', code: '1234' },
    })
    expect(curl).not.toContain('abcd1234')
    expect(curl).not.toContain('topsecret')
    expect(curl.match(/\$VONAGE_API_SECRET/g)).toHaveLength(1)
  })

  it('escapes shell metacharacters so a pasted command sends exactly the value', () => {
    const curl = toCurl({ method: 'POST', path: '/verify/json', body: { brand: 'A"$`\\b' } })
    // Values are form-encoded, so nothing in them is left for the shell to expand.
    expect(curl).toContain('-d "brand=A%22%24%60%5Cb"')
    expect(shellDoubleQuote('a"$`\\')).toBe('"a\\"\\$\\`\\\\"')
    expect(shellDoubleQuote('x=$VONAGE_API_KEY')).toBe('"x=$VONAGE_API_KEY"')
  })

  it('renders admin calls with a JSON body and no credentials', () => {
    expect(
      toCurl(
        { method: 'POST', path: '/__admin/clock', body: { advance_seconds: 30 } },
        { baseUrl: 'http://127.0.0.1:5173/sandbox' },
      ),
    ).toBe(
      [
        'curl -X POST "http://127.0.0.1:5173/sandbox/__admin/clock" \\',
        '-H "Content-Type: application/json" \\',
        `-d '{"advance_seconds":30}'`,
      ].join('\n'),
    )
  })

  it('maps dashboard paths to their upstream', () => {
    expect(upstreamOf('live/verify/json', 'http://x')).toEqual({
      baseUrl: 'https://api.nexmo.com',
      path: '/verify/json',
    })
    expect(upstreamOf('sandbox/verify/control/json', 'http://127.0.0.1:5173/')).toEqual({
      baseUrl: 'http://127.0.0.1:5173/sandbox',
      path: '/verify/control/json',
    })
    expect(upstreamOf('environments', 'http://x')).toBeNull()
  })
})

describe('toCurl headers', () => {
  it('adds the access token of a shared deployment as a shell variable, never its value', () => {
    const curl = toCurl(
      { method: 'GET', path: '/verify/search/json', query: { request_id: 'abc' } },
      { baseUrl: 'https://desk.example.com/sandbox', headers: CURL_TOKEN_HEADERS },
    )
    expect(curl).toBe(
      [
        'curl -X GET "https://desk.example.com/sandbox/verify/search/json?api_key=$VONAGE_API_KEY&api_secret=$VONAGE_API_SECRET&request_id=abc" \\',
        '-H "X-Verify-Desk-Token: $VERIFY_DESK_TOKEN"',
      ].join('\n'),
    )
    const post = toCurl(
      { method: 'POST', path: '/verify/check/json', body: { request_id: 'abc', code: '1234' } },
      { baseUrl: 'https://desk.example.com/sandbox', headers: CURL_TOKEN_HEADERS },
    )
    expect(post.split('\n')[1]).toBe('-H "X-Verify-Desk-Token: $VERIFY_DESK_TOKEN" \\')
  })
})
