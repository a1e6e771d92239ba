import { describe, expect, it } from 'vitest'
import { admin, listOf, sandboxForAllTests, startVerify } from './support/sandbox'

// `GET /__admin/messages?account=` takes what `GET /__admin/requests?account=` takes: an account's
// account_id or its API key (`sandbox-pin`, whose account_id is `sandboxpin`).
const sb = sandboxForAllTests()
const PIN_ACCOUNT = { api_key: 'sandbox-pin', api_secret: 'sandbox-pin-secret' }

describe('the account filter of the handset', () => {
  it('finds a message by the API key of its account, as the requests filter does', async () => {
    const own = await startVerify(sb, PIN_ACCOUNT)
    const other = await startVerify(sb)
    const ids = (list: unknown, key: string) => listOf(list, key).map((m) => m.request_id)
    for (const account of ['sandbox-pin', 'sandboxpin']) {
      expect(ids(await admin(sb.base, `/requests?account=${account}`), 'requests')).toEqual([
        own.body.request_id,
      ])
      const messages = await admin(sb.base, `/messages?account=${account}`)
      expect(ids(messages, 'messages')).toEqual([own.body.request_id])
      expect(listOf(messages, 'messages')[0]?.account_id).toBe('sandboxpin')
    }
    expect(ids(await admin(sb.base, '/messages?account=sandbox'), 'messages')).toEqual([
      other.body.request_id,
    ])
    expect(await admin(sb.base, '/messages?account=nobody')).toEqual({ messages: [], total: 0 })
    expect(listOf(await admin(sb.base, '/messages?account='), 'messages')).toHaveLength(2)
  })
})
