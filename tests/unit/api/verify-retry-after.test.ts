import { afterEach, describe, expect, it } from 'vitest'
import { configureClient } from '@/api/client'
import { checkCode, searchRequests } from '@/api/verify'

// A throttled answer (status 1) may come with `Retry-After`: every call's result carries the wait,
// a search's as much as a check's, so that live status and Refresh wait as long as they were told.
const ID = 'c5037cb8b47449158ed6611afde58990'

/** Answers every call with `body` (HTTP `status`) and `Retry-After: seconds`. */
function answer(body: unknown, status: number, seconds: string) {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    timeout: 10_000,
    fetch: (async () =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json', 'retry-after': seconds },
      })) as typeof fetch,
  })
}

afterEach(() => configureClient({ fetch: globalThis.fetch }))

describe('a throttled answer with Retry-After', () => {
  it('a search answered status 1 (HTTP 200) carries the wait', async () => {
    answer({ status: '1', error_text: 'Throttled' }, 200, '60')
    expect(await searchRequests('live', [ID])).toEqual({
      kind: 'error',
      ids: [ID],
      status: '1',
      error_text: 'Throttled',
      retryAfter: 60,
    })
  })

  it('a search answered status 1 with HTTP 429 carries the wait and the HTTP status', async () => {
    answer({ status: '1', error_text: 'Throttled' }, 429, '7')
    expect(await searchRequests('live', [ID])).toEqual({
      kind: 'error',
      ids: [ID],
      status: '1',
      error_text: 'Throttled',
      httpStatus: 429,
      retryAfter: 7,
    })
  })

  it('a check answered status 1 with HTTP 429 carries the wait as well', async () => {
    answer({ status: '1', error_text: 'Throttled' }, 429, '9')
    expect(await checkCode('live', ID, '1234')).toMatchObject({
      status: '1',
      httpStatus: 429,
      retryAfter: 9,
    })
  })
})
