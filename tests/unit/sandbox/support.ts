import { Engine } from '../../../server/sandbox/engine'
import type { EngineOptions, Params, WireBody } from '../../../server/sandbox/engine'
import type { VerifyEndpoint } from '@contract/types'

/** 2026-01-01 00:00:00 UTC */
export const T0 = Date.UTC(2026, 0, 1)
export const CREDS = { api_key: 'sandbox', api_secret: 'sandbox-secret' }
export const PIN_CREDS = { api_key: 'sandbox-pin', api_secret: 'sandbox-pin-secret' }

/** An engine on a fake clock with predictable PINs ("1111", "2222", ...) and ids. */
export function fakeEngine(options: Partial<EngineOptions> = {}) {
  let t = T0
  let pins = 0
  let ids = 0
  const engine = new Engine({
    now: () => t,
    pin: (length) => String((pins++ % 9) + 1).repeat(length),
    id: () => (++ids).toString(16).padStart(32, '0'),
    throttlePerSecond: null,
    ...options,
  })
  return {
    engine,
    /** Seconds since T0. */
    get elapsed() {
      return (t - T0) / 1000
    },
    /** Moves the clock forward and fires what falls due. */
    advance(seconds: number) {
      t += seconds * 1000
      engine.runDue()
    },
    /** Moves the clock to `seconds` after T0. */
    at(seconds: number) {
      t = T0 + seconds * 1000
      engine.runDue()
    },
    call(endpoint: VerifyEndpoint, params: Params, creds: Params = CREDS): WireBody {
      return engine.call(endpoint, { ...creds, ...params })
    },
    start(params: Params = {}, creds: Params = CREDS): string {
      const body = engine.call('request', {
        ...creds,
        number: '447700900000',
        brand: 'Acme',
        ...params,
      })
      if (body.status !== '0') throw new Error(`start failed: ${JSON.stringify(body)}`)
      return body.request_id as string
    },
    pin(id: string): string {
      return engine.getRequest(id)?.pin ?? ''
    },
    messages(id?: string) {
      return engine.handset.list({ request_id: id }).messages.slice().reverse()
    },
  }
}
