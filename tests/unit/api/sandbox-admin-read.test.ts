/**
 * `getAdminRequests` reads several requests as the sandbox sees them in one call: here against a
 * sandbox in this process, its admin API answering the client's call as the proxy would pass it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { configureClient } from '@/api/client'
import { ADMIN_READ_IDS, getAdminRequests } from '@/api/sandbox'
import { createSandbox, type Sandbox } from '../../../server/sandbox/index'

const PREFIX = 'http://127.0.0.1:9/api/sandbox'
const opened: Sandbox[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
})

/** A sandbox in memory the client's calls go to, and the paths they asked for. */
function sandboxBehindClient() {
  const sandbox = createSandbox({ stateFile: false, throttlePerSecond: null })
  opened.push(sandbox)
  const asked: string[] = []
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    timeout: 30_000,
    fetch: (async (input: Request) => {
      const path = input.url.slice(PREFIX.length)
      asked.push(path)
      return sandbox.fetch(new Request(`http://sandbox${path}`, { method: input.method }))
    }) as typeof fetch,
  })
  return { sandbox, asked }
}

async function start(sandbox: Sandbox, brand: string, number: string): Promise<string> {
  const res = await sandbox.fetch(
    new Request(
      `http://sandbox/verify/json?api_key=sandbox&api_secret=sandbox-secret&number=${number}&brand=${brand}`,
    ),
  )
  return ((await res.json()) as { request_id: string }).request_id
}

describe('getAdminRequests', () => {
  it('reads the requests named in one call, newest first, leaving out ids the sandbox does not know', async () => {
    const { sandbox, asked } = sandboxBehindClient()
    const first = await start(sandbox, 'First', '447700900001')
    const second = await start(sandbox, 'Second', '447700900002')
    await start(sandbox, 'Other', '447700900003')
    const unknown = 'f'.repeat(32)

    const views = await getAdminRequests([first, unknown, second])
    expect(views.map((r) => [r.request_id, r.brand])).toEqual([
      [second, 'Second'],
      [first, 'First'],
    ])
    expect(asked).toHaveLength(1)
  })

  it('reads nothing for no id, and refuses more ids than a search takes', async () => {
    const { asked } = sandboxBehindClient()
    expect(await getAdminRequests([])).toEqual([])
    const eleven = Array.from({ length: ADMIN_READ_IDS + 1 }, (_, i) => String(i).repeat(32))
    await expect(getAdminRequests(eleven)).rejects.toThrow('At most 10 request_ids')
    expect(asked).toEqual([])
  })
})
