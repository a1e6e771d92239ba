import { Pool } from 'undici'
import { describe, expect, it } from 'vitest'
import { httpUpstream } from '../../../server/proxy/upstream'
import { eventually } from '../../support/eventually'
import {
  LIVE,
  errorOf,
  liveOnOpenConnection,
  postJson,
  upstreamAndProxyForEachTest,
} from './support'

// The access log tells whoever runs the server whether a call that failed can have reached the
// upstream: `not_sent` marks only a call that certainly did not (after a start that timed out
// once sent, a code may have gone out, and the log must not say otherwise). Both tests are about
// the time limit: a short one.
const { upstream, proxy, restartProxy } = upstreamAndProxyForEachTest({ timeoutMs: 300 })

const start = () =>
  postJson(proxy.port, '/api/live/verify/json', { number: '447700900000', brand: 'Acme' })

describe('the access log line of a call that timed out', () => {
  it('has no not_sent note when the upstream got the call and never answered', async () => {
    // The connection is open before the call: it is written at once, well within the limit.
    await restartProxy({ timeoutMs: 300, live: await liveOnOpenConnection(upstream.url) })
    upstream.forget() // the call that opened it
    upstream.setHandler(() => {}) // never answers
    const res = await start()
    expect(res.status).toBe(504)
    expect(errorOf(res)).toMatchObject({ code: 'upstream_timeout', delivery: 'maybe' })
    // The call was written before the limit ran out; the double may read it after the 504.
    await eventually(() => expect(upstream.arrivals).toHaveLength(1))
    expect(proxy.lines).toHaveLength(1)
    expect(proxy.lines[0]).toMatch(
      / endpoint=request method=POST http=504 .* error=upstream_timeout$/,
    )
    expect(proxy.lines[0]).not.toContain('not_sent')
  })

  it('has the not_sent note when no connection to the upstream opened in time', async () => {
    // A real client whose connection never opens (as to a host that drops every SYN).
    const neverConnects = new Pool(upstream.url, { connect: () => {} })
    await restartProxy({
      timeoutMs: 300,
      live: {
        upstream: httpUpstream(upstream.url, neverConnects),
        credentials: LIVE,
        auth: 'basic',
        searchPerSecond: 50,
      },
    })
    const res = await start()
    expect(res.status).toBe(504)
    expect(errorOf(res)).toMatchObject({ code: 'upstream_timeout', delivery: 'not_sent' })
    expect(upstream.arrivals).toHaveLength(0)
    expect(proxy.lines).toHaveLength(1)
    expect(proxy.lines[0]).toMatch(/ http=504 .* not_sent error=upstream_timeout$/)
  })
})
