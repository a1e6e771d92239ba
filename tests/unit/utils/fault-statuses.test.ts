import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VerifyEndpoint } from '@contract/types'
import { VERIFY_ENDPOINTS } from '@contract/types'
import { createSandbox, type Sandbox } from '../../../server/sandbox/index.ts'
import { FAULT_STATUSES, faultStatusFor } from '@/utils/fault-statuses'

// The statuses the reference's status table (§4) lists for each endpoint.
const REFERENCE: Record<VerifyEndpoint, string[]> = {
  request: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '15', '20', '29', '999'],
  psd2: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '15', '21', '29', '999'],
  check: ['1', '2', '3', '4', '5', '6', '16', '17', '999'],
  search: ['1', '2', '3', '4', '5', '6', '18', '101', '999'],
  control: ['1', '2', '3', '4', '5', '6', '8', '9', '19', '999'],
}

describe('FAULT_STATUSES', () => {
  it('offers on each endpoint every status the API answers there, status 6 on request included', () => {
    for (const endpoint of VERIFY_ENDPOINTS) {
      expect(FAULT_STATUSES[endpoint], endpoint).toEqual(REFERENCE[endpoint])
    }
    expect(FAULT_STATUSES.request).toContain('6')
  })

  it('offers for any endpoint exactly the statuses every endpoint answers', () => {
    const common = REFERENCE.request.filter((s) =>
      VERIFY_ENDPOINTS.every((e) => REFERENCE[e].includes(s)),
    )
    expect(FAULT_STATUSES.any).toEqual(common)
  })

  it('keeps a status the new endpoint answers and falls back to 5 otherwise', () => {
    expect(faultStatusFor('request', '6')).toBe('6')
    expect(faultStatusFor('search', '18')).toBe('18')
    expect(faultStatusFor('check', '10')).toBe('5')
    expect(faultStatusFor('any', '101')).toBe('5')
  })
})

describe('each offered status, injected into the sandbox', () => {
  let sandbox: Sandbox
  const creds = { api_key: 'sandbox', api_secret: 'sandbox-secret' }
  const PARAMS: Record<VerifyEndpoint, { path: string; params: Record<string, string> }> = {
    request: { path: '/verify/json', params: { number: '447700900123', brand: 'Acme' } },
    psd2: {
      path: '/verify/psd2/json',
      params: { number: '447700900124', payee: 'Acme', amount: '10.00' },
    },
    check: { path: '/verify/check/json', params: { request_id: 'a'.repeat(32), code: '1234' } },
    search: { path: '/verify/search/json', params: { request_id: 'a'.repeat(32) } },
    control: {
      path: '/verify/control/json',
      params: { request_id: 'a'.repeat(32), cmd: 'cancel' },
    },
  }

  beforeAll(() => {
    sandbox = createSandbox({ stateFile: false, throttlePerSecond: null })
  })
  afterAll(async () => {
    await sandbox.close()
  })

  async function inject(endpoint: string, status: string): Promise<void> {
    const res = await sandbox.fetch(
      new Request('http://sandbox.test/__admin/faults', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ endpoint, status, count: 1 }),
      }),
    )
    expect(res.status, await res.clone().text()).toBe(201)
  }

  async function call(endpoint: VerifyEndpoint): Promise<Record<string, unknown>> {
    const { path, params } = PARAMS[endpoint]
    const res = await sandbox.fetch(
      new Request(`http://sandbox.test${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...creds, ...params }).toString(),
      }),
    )
    return (await res.json()) as Record<string, unknown>
  }

  it('is answered by the endpoint it was chosen for', async () => {
    for (const endpoint of VERIFY_ENDPOINTS) {
      for (const status of FAULT_STATUSES[endpoint]) {
        await inject(endpoint, status)
        const body = await call(endpoint)
        expect(body.status, `${endpoint} ${status}: ${JSON.stringify(body)}`).toBe(status)
        expect(body.error_text, `${endpoint} ${status}`).toEqual(expect.any(String))
        // Status 10 on a start carries out a start; the next one must find the number free.
        await sandbox.fetch(new Request('http://sandbox.test/__admin/reset', { method: 'POST' }))
      }
    }
  })

  it('is answered by every endpoint when chosen for any endpoint', async () => {
    for (const status of FAULT_STATUSES.any) {
      for (const endpoint of VERIFY_ENDPOINTS) {
        await inject('any', status)
        const body = await call(endpoint)
        expect(body.status, `any → ${endpoint} ${status}`).toBe(status)
      }
    }
  })
})
