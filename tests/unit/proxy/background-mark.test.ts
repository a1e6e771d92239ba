import { afterEach, describe, expect, it } from 'vitest'
import { searchKey } from '../../../server/proxy/index'
import { sandboxUpstream, type UpstreamRequest } from '../../../server/proxy/upstream'
import { createSandbox, type Sandbox } from '../../../server/sandbox/index'

// No time limit is the subject here: generous, so that a busy machine never reaches it.
const LIMITS = { timeoutMs: 30_000, maxBytes: 1024 * 1024 }
const BASIC = `Basic ${Buffer.from('sandbox:sandbox-secret').toString('base64')}`

function search(background?: boolean): UpstreamRequest {
  return {
    method: 'GET',
    path: `/verify/search/json?request_id=${'a'.repeat(32)}`,
    headers: { authorization: BASIC },
    ...(background === undefined ? {} : { background }),
  }
}

describe('searchKey and the background mark', () => {
  it('never lets a background search share a call with the same search by the user', () => {
    expect(searchKey('sandbox', search(true))).not.toBe(searchKey('sandbox', search()))
    expect(searchKey('sandbox', search(false))).toBe(searchKey('sandbox', search()))
    expect(searchKey('sandbox', search(true))).toBe(searchKey('sandbox', search(true)))
  })
})

describe('sandboxUpstream and the background mark', () => {
  let sandbox: Sandbox | undefined
  afterEach(async () => {
    await sandbox?.close()
  })

  async function faults(s: Sandbox): Promise<Array<{ remaining: number }>> {
    const res = await s.fetch(new Request('http://sandbox.test/__admin/faults'))
    return ((await res.json()) as { faults: Array<{ remaining: number }> }).faults
  }

  it('passes the mark to the embedded sandbox, which then applies no fault', async () => {
    const s = (sandbox = createSandbox({ stateFile: false, throttlePerSecond: null }))
    await s.fetch(
      new Request('http://sandbox.test/__admin/faults', {
        method: 'POST',
        body: JSON.stringify({ endpoint: 'any', status: '5', count: 1 }),
      }),
    )
    const upstream = sandboxUpstream(s, 'the embedded sandbox')
    const polled = await upstream.exchange(search(true), LIMITS)
    expect(JSON.parse(polled.body.toString())).toMatchObject({ status: '101' })
    expect(await faults(s)).toMatchObject([{ remaining: 1 }])
    const clicked = await upstream.exchange(search(), LIMITS)
    expect(JSON.parse(clicked.body.toString())).toMatchObject({ status: '5' })
    expect(await faults(s)).toEqual([])
  })
})
