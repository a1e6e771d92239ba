import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ApiError,
  configureClient,
  isSendableToken,
  isTokenInUse,
  onAccessTokenChange,
  onApiCall,
  onApiCallSent,
  onTokenRefused,
  setAccessToken,
  tokenMarkOf,
  TOKEN_HEADER,
  type ApiCall,
} from '@/api/client'
import { browserStreamEnvironment } from '@/api/event-stream'
import { checkCode, getEnvironments, searchRequests, startVerification } from '@/api/verify'
import { eventually } from '../../support/eventually'

type Handler = (request: Request) => Response | Promise<Response>

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

const ENVIRONMENTS_ANSWER = {
  environments: [{ id: 'sandbox', label: 'Sandbox', available: true }],
  default: 'sandbox',
}

let seen: Request[]
let calls: ApiCall[]
let stop: () => void

/**
 * Points the client at `handler`. The client's time limit is generous (a busy machine must not reach
 * it while a test holds an answer back) but where the limit is what the test is about.
 */
function serve(handler: Handler, { timeout = 10_000 }: { timeout?: number } = {}) {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    timeout,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init)
      seen.push(request.clone())
      return handler(request)
    }) as typeof fetch,
  })
}

beforeEach(() => {
  seen = []
  calls = []
  stop = onApiCall((c) => calls.push(c))
  setAccessToken(null)
})
afterEach(() => stop())

describe('api client', () => {
  it('posts a start as a form body below /api/{env} and returns the API answer', async () => {
    serve(() => json({ request_id: 'a'.repeat(32), status: '0' }))
    const answer = await startVerification('sandbox', {
      number: '447700900000',
      brand: 'Acme',
      lg: '',
    })
    expect(answer).toEqual({ request_id: 'a'.repeat(32), status: '0' })
    const request = seen[0]!
    expect(request.method).toBe('POST')
    expect(new URL(request.url).pathname).toBe('/api/sandbox/verify/json')
    expect(await request.text()).toBe('number=447700900000&brand=Acme')
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: 'sandbox/verify/json',
      body: { number: '447700900000', brand: 'Acme' },
      httpStatus: 200,
      error: null,
    })
  })

  it('returns API-level errors (status 10) instead of throwing', async () => {
    serve(() =>
      json({
        request_id: 'b'.repeat(32),
        status: '10',
        error_text: 'Concurrent verifications to the same number are not allowed',
      }),
    )
    const answer = await startVerification('live', { number: '447700900000', brand: 'Acme' })
    expect(answer.status).toBe('10')
    expect(answer.request_id).toBe('b'.repeat(32))
  })

  it('never retries a call that sends a PIN, even on a network error', async () => {
    serve(() => {
      throw new TypeError('fetch failed')
    })
    await expect(checkCode('sandbox', 'x', '1234')).rejects.toMatchObject({ kind: 'network' })
    expect(seen).toHaveLength(1)
    expect(calls[0]?.error?.kind).toBe('network')
  })

  it('reports a failed fetch (a page reload, a dropped connection) as a lost connection', async () => {
    serve(() => {
      throw new TypeError('Failed to fetch')
    })
    const failure = startVerification('sandbox', { number: '447700900000', brand: 'Acme' })
    await expect(failure).rejects.toMatchObject({
      kind: 'network',
      message: 'No answer: the connection to the server failed or was lost (Failed to fetch).',
    })
    // The browser cannot tell a server that is down from a call left behind: never claim which.
    expect(calls[0]?.error?.message).not.toMatch(/could not be reached/)
  })

  it('retries a search once on a network error', async () => {
    let n = 0
    serve(() => {
      n += 1
      if (n === 1) throw new TypeError('fetch failed')
      return json({ request_id: 'c', status: 'SUCCESS', checks: [], events: [] })
    })
    const result = await searchRequests('sandbox', ['c'])
    expect(seen).toHaveLength(2)
    expect(result).toMatchObject({ kind: 'found', missing: [] })
  })

  it('maps the proxy error body to ApiError kind proxy with its code', async () => {
    serve(() =>
      json({ error: { code: 'upstream_timeout', message: 'Vonage did not answer in 10 s.' } }, 504),
    )
    const error = await startVerification('live', { number: '1', brand: 'b' }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      kind: 'proxy',
      httpStatus: 504,
      code: 'upstream_timeout',
      message: 'Vonage did not answer in 10 s.',
    })
  })

  it("carries the proxy's Retry-After in seconds and its delivery with a queue_full error", async () => {
    serve(
      () =>
        new Response(
          JSON.stringify({
            error: { code: 'queue_full', message: 'Too many calls waiting.', delivery: 'not_sent' },
          }),
          { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '3' } },
        ),
    )
    const error = await startVerification('live', { number: '1', brand: 'b' }).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({
      kind: 'proxy',
      httpStatus: 503,
      code: 'queue_full',
      retryAfter: 3,
      delivery: 'not_sent',
    })
  })

  it('ignores a delivery it does not know', async () => {
    serve(
      () =>
        new Response(JSON.stringify({ error: { code: 'x', message: 'y', delivery: 'perhaps' } }), {
          status: 502,
          headers: { 'content-type': 'application/json' },
        }),
    )
    const error = await checkCode('sandbox', 'x', '1').catch((e: unknown) => e)
    expect(error).toMatchObject({ kind: 'proxy', code: 'x' })
    expect((error as { delivery?: unknown }).delivery).toBeUndefined()
  })

  it('maps other HTTP errors, non-JSON answers and timeouts', async () => {
    serve(() => new Response('<html>oops</html>', { status: 500 }))
    await expect(checkCode('sandbox', 'x', '1')).rejects.toMatchObject({
      kind: 'http',
      httpStatus: 500,
    })
    serve(() => new Response('<html>ok</html>', { status: 200 }))
    await expect(checkCode('sandbox', 'x', '1')).rejects.toMatchObject({ kind: 'bad_response' })
    // Never answered: the (short) limit runs out.
    serve(
      (request) =>
        new Promise<Response>((_, reject) =>
          request.signal.addEventListener('abort', () => reject(request.signal.reason)),
        ),
      { timeout: 200 },
    )
    await expect(checkCode('sandbox', 'x', '1')).rejects.toMatchObject({ kind: 'timeout' })
  })

  it('sends the access token header from the setter', async () => {
    serve(() => json({ status: '101', error_text: 'No response found' }))
    setAccessToken('s3cret')
    await searchRequests('sandbox', ['a', 'b'])
    expect(seen[0]?.headers.get('x-verify-desk-token')).toBe('s3cret')
    expect(new URL(seen[0]!.url).searchParams.getAll('request_ids')).toEqual(['a', 'b'])
    expect(JSON.stringify(calls)).not.toContain('s3cret')
  })

  it('marks a background search (status polling) and no other call, the retry included', async () => {
    let n = 0
    serve(() => {
      n += 1
      if (n === 1) throw new TypeError('fetch failed')
      return json({ request_id: 'c', status: 'IN PROGRESS', checks: [], events: [] })
    })
    setAccessToken('s3cret')
    await searchRequests('sandbox', ['c'], { background: true })
    expect(seen).toHaveLength(2)
    for (const request of seen) {
      expect(request.headers.get('x-verify-desk-background')).toBe('1')
      expect(request.headers.get('x-verify-desk-token')).toBe('s3cret')
    }
    seen = []
    await searchRequests('sandbox', ['c'])
    await startVerification('sandbox', { number: '447700900000', brand: 'Acme' })
    await checkCode('sandbox', 'c'.repeat(32), '1234')
    expect(seen).toHaveLength(3)
    for (const request of seen) expect(request.headers.has('x-verify-desk-background')).toBe(false)
  })

  it('tells which environment a failed call went to, so its texts name the right upstream', async () => {
    serve(() => json({ error: { code: 'upstream_timeout', message: 'No answer.' } }, 504))
    await expect(checkCode('sandbox', 'c'.repeat(32), '1234')).rejects.toMatchObject({
      code: 'upstream_timeout',
      environment: 'sandbox',
    })
    await expect(
      startVerification('live', { number: '447700900000', brand: 'Acme' }),
    ).rejects.toMatchObject({ code: 'upstream_timeout', environment: 'live' })
    const outside = await getEnvironments().catch((e: unknown) => e)
    expect(outside).toBeInstanceOf(ApiError)
    expect((outside as ApiError).environment).toBeUndefined()
  })

  it('normalises search shapes: list, 101 and missing ids', async () => {
    serve(() =>
      json({
        verification_requests: [{ request_id: 'a', status: 'EXPIRED', checks: [], events: [] }],
      }),
    )
    expect(await searchRequests('sandbox', ['a', 'b'])).toMatchObject({
      kind: 'found',
      missing: ['b'],
    })
    serve(() => json({ status: '101', error_text: 'No response found' }))
    expect(await searchRequests('sandbox', ['zz'])).toEqual({
      kind: 'not_found',
      ids: ['zz'],
      error_text: 'No response found',
    })
    await expect(
      searchRequests(
        'sandbox',
        Array.from({ length: 11 }, (_, i) => `id${i}`),
      ),
    ).rejects.toThrow(RangeError)
  })

  it('sends exactly ten ids (the limit) as one search with ten request_ids', async () => {
    serve(() => json({ verification_requests: [] }))
    const ids = Array.from({ length: 10 }, (_, i) => `id${i}`)
    const result = await searchRequests('sandbox', ids)
    expect(result).toMatchObject({ kind: 'found', missing: ids })
    expect(seen).toHaveLength(1)
    expect(new URL(seen[0]!.url).searchParams.getAll('request_ids')).toEqual(ids)
  })

  it('masks credentials in the call log', async () => {
    serve(() => json({ request_id: 'a'.repeat(32), status: '0' }))
    await startVerification('sandbox', {
      number: '1',
      brand: 'b',
      api_key: 'key',
      api_secret: 'sec',
    } as never)
    expect(calls[0]?.body).toMatchObject({
      api_key: '$VONAGE_API_KEY',
      api_secret: '$VONAGE_API_SECRET',
    })
  })
})

describe('api client: calls as they are sent', () => {
  it('reports a call before its answer (pending, masked), then the same call answered', async () => {
    let answer!: (response: Response) => void
    serve(() => new Promise<Response>((resolve) => (answer = resolve)))
    const sent: ApiCall[] = []
    const stopSent = onApiCallSent((c) => sent.push(c))
    try {
      setAccessToken('server-token')
      const check = checkCode('sandbox', 'c'.repeat(32), '1234')
      // Sent, not answered: the listener already has it, the answered listeners not yet.
      expect(sent).toHaveLength(1)
      expect(calls).toHaveLength(0)
      expect(sent[0]).toMatchObject({
        method: 'POST',
        path: 'sandbox/verify/check/json',
        body: { request_id: 'c'.repeat(32), code: '1234' },
        httpStatus: null,
        response: null,
        error: null,
        pending: true,
      })
      expect(JSON.stringify(sent[0])).not.toContain('server-token')

      await eventually(() => expect(seen).toHaveLength(1))
      answer(json({ request_id: 'c'.repeat(32), status: '16', error_text: 'Wrong code' }))
      await check
      expect(sent).toHaveLength(1)
      expect(calls).toHaveLength(1)
      expect(calls[0]!.key).toBe(sent[0]!.key)
      expect(calls[0]!.pending).toBeUndefined()
      expect(calls[0]).toMatchObject({ httpStatus: 200, response: { status: '16' } })
      // The copy reported at send time is not changed afterwards.
      expect(sent[0]!.pending).toBe(true)
      expect(sent[0]!.httpStatus).toBeNull()
    } finally {
      stopSent()
    }
  })

  it('reports a call that fails without an answer as sent, then with its error', async () => {
    serve(() => Promise.reject(new TypeError('Failed to fetch')))
    const sent: ApiCall[] = []
    const stopSent = onApiCallSent((c) => sent.push(c))
    try {
      await expect(checkCode('sandbox', 'c'.repeat(32), '1234')).rejects.toMatchObject({
        kind: 'network',
      })
      expect(sent.map((c) => c.key)).toEqual(calls.map((c) => c.key))
      expect(calls[0]).toMatchObject({ httpStatus: null, error: { kind: 'network' } })
      expect(calls[0]!.pending).toBeUndefined()
    } finally {
      stopSent()
    }
  })
})

describe('api client: the access token', () => {
  it('tells the token-refused listeners of a 401 unauthorized, and of no other failure', async () => {
    const refused = vi.fn()
    const stopRefused = onTokenRefused(refused)
    try {
      serve(() => json({ error: { code: 'unauthorized', message: 'needs its access token' } }, 401))
      await expect(getEnvironments()).rejects.toMatchObject({ httpStatus: 401 })
      expect(refused).toHaveBeenCalledTimes(1)
      serve(() => json({ error: { code: 'host_not_allowed', message: 'no' } }, 403))
      await expect(getEnvironments()).rejects.toMatchObject({ httpStatus: 403 })
      serve(() => json({ error: { code: 'upstream_credentials_refused', message: 'x' } }, 502))
      await expect(getEnvironments()).rejects.toMatchObject({ httpStatus: 502 })
      expect(refused).toHaveBeenCalledTimes(1)
    } finally {
      stopRefused()
    }
  })

  it('sends no token a header cannot carry: the call reaches the server, which asks for it', async () => {
    const refused = vi.fn()
    const stopRefused = onTokenRefused(refused)
    try {
      serve((request) =>
        request.headers.has(TOKEN_HEADER)
          ? json(ENVIRONMENTS_ANSWER)
          : json({ error: { code: 'unauthorized', message: 'needs its access token' } }, 401),
      )
      setAccessToken('tok€-0123456789abcdef0123')
      // Not "Failed to execute 'set' on 'Headers'": the server's answer, so the prompt comes back.
      await expect(getEnvironments()).rejects.toMatchObject({ kind: 'proxy', httpStatus: 401 })
      expect(seen).toHaveLength(1)
      expect(refused).toHaveBeenCalledTimes(1)
      expect(isSendableToken('tok€-0123456789abcdef0123')).toBe(false)
      expect(isSendableToken('tok-0123456789abcdef0123')).toBe(true)
      expect(isSendableToken('!~')).toBe(true)
      expect(isSendableToken('a b')).toBe(false)
    } finally {
      stopRefused()
    }
  })

  it('does not ask for a token again when the refused one was replaced while its call was out', async () => {
    const refused = vi.fn()
    const stopRefused = onTokenRefused(refused)
    try {
      let answer: () => void = () => undefined
      serve(
        () =>
          new Promise<Response>((resolve) => {
            answer = () =>
              resolve(json({ error: { code: 'unauthorized', message: 'needs its token' } }, 401))
          }),
      )
      setAccessToken('old-0123456789abcdef')
      const call = getEnvironments()
      await eventually(() => expect(seen).toHaveLength(1))
      // Entered in another tab meanwhile: the refusal is about the old token, not this one.
      setAccessToken('new-0123456789abcdef')
      answer()
      await expect(call).rejects.toMatchObject({ httpStatus: 401 })
      expect(refused).not.toHaveBeenCalled()
      // The event stream's relayed refusals likewise: one for another token is ignored.
      const env = browserStreamEnvironment('sandbox/__admin/events')
      env.onRefused(tokenMarkOf('old-0123456789abcdef'))
      expect(refused).not.toHaveBeenCalled()
      env.onRefused(tokenMarkOf('new-0123456789abcdef'))
      expect(refused).toHaveBeenCalledTimes(1)
    } finally {
      stopRefused()
    }
  })

  it('names on its error the token a refused call carried, which stays in use until replaced', async () => {
    serve(() => json({ error: { code: 'unauthorized', message: 'needs its access token' } }, 401))
    setAccessToken('old-0123456789abcdef')
    const refusal = await getEnvironments().catch((e: unknown) => e)
    expect(refusal).toBeInstanceOf(ApiError)
    const mark = (refusal as ApiError).tokenMark
    expect(mark).toBe(tokenMarkOf('old-0123456789abcdef'))
    expect(isTokenInUse(mark!)).toBe(true)
    setAccessToken('new-0123456789abcdef')
    expect(isTokenInUse(mark!)).toBe(false)
    // Only a token refusal names a token.
    serve(() => json({ error: { code: 'host_not_allowed', message: 'no' } }, 403))
    const other = await getEnvironments().catch((e: unknown) => e)
    expect(other).toMatchObject({ httpStatus: 403 })
    expect((other as ApiError).tokenMark).toBeUndefined()
  })

  it('tells its listeners of each new token, not of the same one set again', () => {
    const changes: (string | null)[] = []
    const stopChanges = onAccessTokenChange((token) => changes.push(token))
    setAccessToken('one-0123456789abcdef')
    setAccessToken(' one-0123456789abcdef ')
    setAccessToken('two-0123456789abcdef')
    setAccessToken(null)
    setAccessToken('')
    stopChanges()
    setAccessToken('three-0123456789abcdef')
    expect(changes).toEqual(['one-0123456789abcdef', 'two-0123456789abcdef', null])
  })
})
