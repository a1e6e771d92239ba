import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runCliToExit, spawnCli } from './support/cli'
import { getJson, postForm } from './support/http'
import { admin, expectStarted, listOf, pinOf, startSandbox, type Running } from './support/sandbox'
import * as T from './support/texts'

// Tests here start Node processes (the standalone sandbox, compiled anew on each start; a Vite
// server; a host script): on a busy machine one start can take many seconds, so their time limit
// is set only to catch a hang.
vi.setConfig({ testTimeout: 120_000 })

// The sandbox keeps at most `maxFinishedRequests` finished requests (SUCCESS, FAILED, EXPIRED,
// CANCELLED): past it the one that finished first is forgotten, as the live API forgets (search
// 101, check 6), in the admin lists, the handset and the state file alike. Requests in progress
// are always kept.
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-retention-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function finish(on: Running, id: string): Promise<void> {
  const pin = await pinOf(on.base, id)
  const res = await postForm(on.base, '/verify/check/json', {
    ...on.creds,
    request_id: id,
    code: pin,
  })
  expect(res.body.status).toBe('0')
}

const searchStatus = async (on: Running, id: string) =>
  (await getJson(on.base, '/verify/search/json', { ...on.creds, request_id: id })).body

describe('finished requests kept', () => {
  it('forgets the request that finished first past the limit, never one in progress, and the file agrees', async () => {
    const stateFile = join(dir, 'state.json')
    const a = await startSandbox({ stateFile, maxFinishedRequests: 2, saveDelayMs: 0 })
    let ids: string[]
    let pending: string
    try {
      // Started first, never finished: kept however many finish after it.
      pending = await expectStarted(a)
      ids = []
      for (let i = 0; i < 4; i++) ids.push(await expectStarted(a))
      // Finished in the order 2, 0, 3, 1: the first two to finish (2 and 0) are forgotten.
      for (const i of [2, 0, 3, 1]) await finish(a, ids[i] as string)

      for (const i of [2, 0]) {
        const id = ids[i] as string
        expect(await searchStatus(a, id)).toEqual({
          request_id: id,
          status: '101',
          error_text: T.NO_RESPONSE,
        })
        const check = await postForm(a.base, '/verify/check/json', {
          ...a.creds,
          request_id: id,
          code: '1234',
        })
        expect(check.body.status).toBe('6')
        const handset = listOf(await admin(a.base, `/messages?request_id=${id}`), 'messages')
        expect(handset).toEqual([])
      }
      for (const i of [3, 1])
        expect((await searchStatus(a, ids[i] as string)).status).toBe('SUCCESS')
      expect((await searchStatus(a, pending)).status).toBe('IN PROGRESS')
      const listed = listOf(await admin(a.base, '/requests'), 'requests').map((r) => r.request_id)
      expect(listed.sort()).toEqual([pending, ids[1], ids[3]].sort())
      const handset = listOf(await admin(a.base, '/messages'), 'messages')
      expect(handset.map((m) => m.request_id).sort()).toEqual([pending, ids[1], ids[3]].sort())
    } finally {
      await a.close()
    }

    // The state file (snapshot and journal) forgot them too.
    const b = await startSandbox({ stateFile, maxFinishedRequests: 2 })
    try {
      const listed = listOf(await admin(b.base, '/requests'), 'requests').map((r) => r.request_id)
      expect(listed.sort()).toEqual([pending, ids[1], ids[3]].sort())
      // One more finish forgets the next one that finished first (3).
      await finish(b, pending)
      expect((await searchStatus(b, ids[3] as string)).status).toBe('101')
      expect((await searchStatus(b, ids[1] as string)).status).toBe('SUCCESS')
      expect((await searchStatus(b, pending)).status).toBe('SUCCESS')
    } finally {
      await b.close()
    }
  })

  it('applies the limit to a state file that holds more finished requests', async () => {
    const stateFile = join(dir, 'state.json')
    const a = await startSandbox({ stateFile })
    const ids: string[] = []
    try {
      for (let i = 0; i < 5; i++) {
        const id = await expectStarted(a)
        await finish(a, id)
        ids.push(id)
      }
    } finally {
      await a.close()
    }
    const b = await startSandbox({ stateFile, maxFinishedRequests: 3 })
    try {
      const listed = listOf(await admin(b.base, '/requests'), 'requests').map((r) => r.request_id)
      expect(listed.sort()).toEqual(ids.slice(2).sort())
      expect((await searchStatus(b, ids[0] as string)).status).toBe('101')
    } finally {
      await b.close()
    }
  })
})

describe('the limit in npm run sandbox', () => {
  const creds = { api_key: 'sandbox', api_secret: 'sandbox-secret' }
  /** Starts and verifies two requests; gives the search status of the first, then the second. */
  async function twoFinished(base: string): Promise<string[]> {
    const ids: string[] = []
    for (const number of ['447700900101', '447700900102']) {
      const start = await postForm(base, '/verify/json', { ...creds, number, brand: 'Acme' })
      const id = start.body.request_id as string
      const code = await pinOf(base, id)
      expect(
        (await postForm(base, '/verify/check/json', { ...creds, request_id: id, code })).body
          .status,
      ).toBe('0')
      ids.push(id)
    }
    const statuses: string[] = []
    for (const id of ids) {
      statuses.push(
        (await getJson(base, '/verify/search/json', { ...creds, request_id: id })).body
          .status as string,
      )
    }
    return statuses
  }

  it('takes --max-finished N and SANDBOX_MAX_FINISHED_REQUESTS', async () => {
    const args = ['--port', '0', '--host', '127.0.0.1', '--no-state']
    const flag = await spawnCli([...args, '--max-finished', '1'])
    try {
      expect(await twoFinished(flag.base)).toEqual(['101', 'SUCCESS'])
    } finally {
      await flag.stop()
    }
    const fromEnv = await spawnCli(args, { SANDBOX_MAX_FINISHED_REQUESTS: '1' })
    try {
      expect(await twoFinished(fromEnv.base)).toEqual(['101', 'SUCCESS'])
    } finally {
      await fromEnv.stop()
    }
    const byDefault = await spawnCli(args)
    try {
      expect(await twoFinished(byDefault.base)).toEqual(['SUCCESS', 'SUCCESS'])
    } finally {
      await byDefault.stop()
    }
  })

  it('refuses a limit that is not a whole number of 1 or more, naming the flag or the variable', async () => {
    const args = ['--port', '0', '--host', '127.0.0.1', '--no-state']
    const flag = await runCliToExit([...args, '--max-finished', '0'])
    expect(flag.code).toBe(1)
    expect(flag.stderr).toBe(
      'sandbox: --max-finished must be a whole number of finished requests to keep (1 or more), not "0".\n',
    )
    const variable = await runCliToExit(args, { SANDBOX_MAX_FINISHED_REQUESTS: 'lots' })
    expect(variable.code).toBe(1)
    expect(variable.stderr).toContain(
      'sandbox: SANDBOX_MAX_FINISHED_REQUESTS must be a whole number',
    )
  })
})
