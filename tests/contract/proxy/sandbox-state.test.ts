/**
 * The embedded sandbox of the dev server when its state file is held by another process (here the
 * standalone sandbox): the server still starts, keeps its sandbox in memory and says so in its
 * banner and through the Vite logger.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnCli, type RunningCli } from '../sandbox/support/cli'
import { call, postJson, startDevServer, type DevServer } from './support'

let work: string
let stateFile: string
let holder: RunningCli
let dev: DevServer

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'verify-desk-state-'))
  stateFile = path.join(work, 'state.json')
  holder = await spawnCli(['--port', '0', '--state', stateFile])
  dev = await startDevServer({
    SANDBOX_STATE_FILE: stateFile,
    VONAGE_API_KEY: undefined,
    VONAGE_API_SECRET: undefined,
    VERIFY_DESK_TOKEN: undefined,
  })
  dev.server.printUrls()
}, 60_000)

afterAll(async () => {
  await dev?.close()
  await holder?.stop()
  if (work) await rm(work, { recursive: true, force: true })
})

describe('a sandbox state file held by another process', () => {
  it('says in the banner and the log that the sandbox keeps its requests in memory only', () => {
    const lines = dev.log.lines.join('\n')
    expect(lines).toContain(
      `Sandbox state: in memory only: ${path.relative(process.cwd(), stateFile)} is in use by process ${holder.pid}`,
    )
    expect(lines).toMatch(new RegExp(`in use by process ${holder.pid}`))
    expect(dev.log.lines.filter((line) => line.includes('in use by process'))).toHaveLength(2)
  })

  it('works in memory, and never writes into the other process’s file', async () => {
    const before = await readFile(stateFile, 'utf8').catch(() => '')
    const started = await postJson(dev.port, '/api/sandbox/verify/json', {
      number: '447700900444',
      brand: 'Acme',
    })
    expect(started.json()).toMatchObject({ status: '0' })
    const info = await call(dev.port, '/sandbox/__admin/')
    expect(info.json()).toMatchObject({
      state: { file: stateFile, saved: false, in_use_by: holder.pid },
    })
    expect(await readFile(stateFile, 'utf8').catch(() => '')).toBe(before)
  })
})
