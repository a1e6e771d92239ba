import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { journalFileOf, loadState } from '../../../server/sandbox/persistence'

const root = fileURLToPath(new URL('../../..', import.meta.url))

// The child starts Node with the sandbox compiled anew and makes 1500 requests before its snapshot:
// on a busy machine that alone can take longer than the default limit, which here only catches a
// hang.
vi.setConfig({ testTimeout: 120_000 })
const REQUESTS = 1500

// A process that exits while its snapshot is being written piece by piece (between two pieces):
// the exit hook writes a whole snapshot at once in its place. The process is a child that makes
// its requests, then exits in the first turn in which the snapshot's temporary file is there.
const CHILD = `
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
const { createSandbox } = await import(process.env.SANDBOX_MODULE)
const dir = process.env.STATE_DIR
const sandbox = createSandbox({ stateFile: join(dir, 'state.json'), throttlePerSecond: null, saveDelayMs: 1 })
for (let n = 0; n < ${REQUESTS}; n++) {
  const rawQuery = 'api_key=sandbox&api_secret=sandbox-secret&brand=Acme&number=4477009' + String(n).padStart(5, '0')
  const answer = sandbox.handle({ method: 'GET', path: '/verify/json', rawQuery, query: new URLSearchParams(rawQuery), header: () => undefined, body: null, tooLarge: false })
  if (JSON.parse(answer.body).status !== '0') throw new Error(answer.body)
}
const since = Date.now()
const turn = () => {
  if (readdirSync(dir).some((f) => f.endsWith('.tmp'))) process.exit(0)
  if (Date.now() - since > 30_000) process.exit(3)
  setImmediate(turn)
}
setImmediate(turn)
`

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-exit-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('a process that exits while its snapshot is being written', () => {
  it('leaves a whole snapshot of everything in place, the journal folded into it, and no partial file', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: root,
      env: {
        ...process.env,
        SANDBOX_MODULE: join(root, 'server/sandbox/index.ts'),
        STATE_DIR: dir,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let errors = ''
    child.stderr.on('data', (c: Buffer) => (errors += c.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code, `the child exited mid-snapshot (3: it never saw one) ${errors}`).toBe(0)
    const file = join(dir, 'state.json')
    expect(readdirSync(dir).sort()).toEqual(['state.json', 'state.json.journal'])
    const logger = { info: () => undefined, warn: (m: string) => expect.fail(m) }
    expect(loadState(file, logger)?.engine.requests).toHaveLength(REQUESTS)
    expect(statSync(journalFileOf(file)).size).toBe(0)
  })
})
