/**
 * SANDBOX_STATE_FILE from a git-ignored `.env.local`, read the Vite way like the VONAGE_ and
 * VERIFY_DESK_ settings: the embedded sandbox keeps its state in that file. The dev server (the
 * project's own vite.config.ts) runs on a temporary root; nothing comes from the process environment.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startDevServer, unsetting, type DevServer } from './support'

let root: string
let stateFile: string
let dev: DevServer | undefined
let port: number

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'verify-desk-env-state-'))
  stateFile = path.join(root, 'kept', 'from-env-local.json')
  await writeFile(path.join(root, '.env.local'), `SANDBOX_STATE_FILE=${stateFile}\n`)
  await writeFile(path.join(root, 'index.html'), '<!doctype html><div id="app"></div>\n')
  dev = await startDevServer(unsetting(/^(VONAGE_|VERIFY_DESK_|SANDBOX_)/), root)
  port = dev.port
}, 60_000)

afterAll(async () => {
  await dev?.close()
  if (root) await rm(root, { recursive: true, force: true })
})

describe('SANDBOX_STATE_FILE from .env.local', () => {
  it('is where the embedded sandbox saves its requests', async () => {
    const state = await call(port, '/sandbox/__admin/')
    expect(state.json()).toMatchObject({ state: { file: stateFile, saved: true } })
    const start = await call(port, '/sandbox/verify/json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'api_key=sandbox&api_secret=sandbox-secret&number=447700900000&brand=Acme',
    })
    const id = (start.json() as { request_id: string }).request_id
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    // The journal has it before the answer left; the snapshot once the server closes.
    expect(await readFile(`${stateFile}.journal`, 'utf8')).toContain(id)
    await dev?.close()
    dev = undefined
    expect(existsSync(stateFile)).toBe(true)
    expect(await readFile(stateFile, 'utf8')).toContain(id)
  })
})
