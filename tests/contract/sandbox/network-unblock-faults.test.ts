import { describe, expect, it } from 'vitest'
import { basic, raw, type Body, type RawResponse } from './support/http'
import {
  admin,
  advance,
  frozenClock,
  listOf,
  sandboxForEachTest,
  startSandbox,
  uniqueNumber,
} from './support/sandbox'
import { openSse } from './support/sse'

// A network unblock (POST /verify/network-unblock) as the admin API shows it: on the status 7
// faults it lifts, in GET /__admin/faults and the event stream, and gone with the block it lifted.
const sb = sandboxForEachTest(frozenClock)

function unblock(base: string, key: string, secret: string, body: unknown): Promise<RawResponse> {
  return raw(base, {
    method: 'POST',
    path: '/verify/network-unblock',
    headers: { 'content-type': 'application/json', authorization: basic(key, secret) },
    body: JSON.stringify(body),
  })
}

async function startStatus(): Promise<string> {
  const res = await raw(sb.base, {
    method: 'POST',
    path: '/verify/json',
    headers: { 'content-type': 'application/json', authorization: basic(sb.key, sb.secret) },
    body: JSON.stringify({ number: uniqueNumber(), brand: 'Acme' }),
  })
  return (JSON.parse(res.text) as { status: string }).status
}

const faults = async () => listOf(await admin(sb.base, '/faults'), 'faults')

describe('a network unblock in the admin view of the faults', () => {
  it('shows on each status 7 fault it lifts, until when, and goes when it is over', async () => {
    const lifted = (await admin(sb.base, '/faults', {
      endpoint: 'request',
      status: '7',
      network: '23410',
      count: 5,
    })) as Body
    const other = (await admin(sb.base, '/faults', {
      endpoint: 'request',
      status: '7',
      network: '23415',
    })) as Body
    const res = await unblock(sb.base, sb.key, sb.secret, {
      network: '23410',
      unblock_duration: 600,
    })
    expect(res.status).toBe(202)
    const { unblocked_until } = JSON.parse(res.text) as { unblocked_until: string }
    expect(await faults()).toEqual([{ ...lifted, unblocked_until }, other])

    await advance(sb.base, 600)
    expect(await faults()).toEqual([lifted, other])
  })

  it('goes with the block it lifted: a new block of the network is not lifted by it', async () => {
    const first = (await admin(sb.base, '/faults', {
      endpoint: 'request',
      status: '7',
      network: '23410',
    })) as Body
    expect((await unblock(sb.base, sb.key, sb.secret, { network: '23410' })).status).toBe(202)
    expect(await startStatus()).toBe('0')

    await admin(sb.base, `/faults/${String(first.id)}`, undefined, 'DELETE')
    const again = (await admin(sb.base, '/faults', {
      endpoint: 'request',
      status: '7',
      network: '23410',
    })) as Body
    expect(await faults()).toEqual([again])
    expect(await startStatus()).toBe('7')
    expect(await faults()).toEqual([])
  })

  it('is a change of the faults: the event stream sends the list with it', async () => {
    const own = await startSandbox()
    const stream = await openSse(own.base, '/__admin/events')
    const faultEvents = () => stream.events.filter((e) => e.event === 'faults')
    try {
      const added = (await admin(own.base, '/faults', { endpoint: 'psd2', status: '7' })) as Body
      await stream.waitFor(() => faultEvents().length >= 1)
      const res = await unblock(own.base, own.key, own.secret, { network: '244523' })
      expect(res.status).toBe(202)
      const { unblocked_until } = JSON.parse(res.text) as { unblocked_until: string }
      await stream.waitFor(() => faultEvents().length >= 2)
      expect((faultEvents()[1]?.data as { faults: Body[] }).faults).toEqual([
        { ...added, unblocked_until },
      ])
    } finally {
      stream.close()
      await own.close()
    }
  })

  it('is over on the event stream when the clock is moved past its end', async () => {
    const own = await startSandbox(frozenClock())
    const stream = await openSse(own.base, '/__admin/events')
    const faultEvents = () => stream.events.filter((e) => e.event === 'faults')
    try {
      const added = (await admin(own.base, '/faults', { endpoint: 'request', status: '7' })) as Body
      const res = await unblock(own.base, own.key, own.secret, {
        network: '244523',
        unblock_duration: 600,
      })
      expect(res.status).toBe(202)
      await stream.waitFor(() => faultEvents().length >= 2)
      await advance(own.base, 599)
      await advance(own.base, 1)
      // The clock's own event comes after the faults' (both are sent as the clock moves).
      await stream.waitFor(() => stream.events.filter((e) => e.event === 'clock').length >= 2)
      expect(faultEvents().map((e) => (e.data as { faults: Body[] }).faults)).toEqual([
        [added],
        [{ ...added, unblocked_until: JSON.parse(res.text).unblocked_until as string }],
        [added],
      ])
    } finally {
      stream.close()
      await own.close()
    }
  })

  it('is over on the event stream when real time passes its end, with no call', async () => {
    const own = await startSandbox()
    const stream = await openSse(own.base, '/__admin/events')
    const faultEvents = () => stream.events.filter((e) => e.event === 'faults')
    try {
      const added = (await admin(own.base, '/faults', { endpoint: 'request', status: '7' })) as Body
      const res = await unblock(own.base, own.key, own.secret, {
        network: '244523',
        unblock_duration: 1,
      })
      expect(res.status).toBe(202)
      await stream.waitFor(() => faultEvents().length >= 3)
      expect((faultEvents()[2]?.data as { faults: Body[] }).faults).toEqual([added])
    } finally {
      stream.close()
      await own.close()
    }
  })
})
