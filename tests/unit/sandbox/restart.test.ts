import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSandbox } from '../../../server/sandbox/index'

// A dev server restarting in its process (Vite re-creates the app when vite.config.ts or a .env
// file changes) creates a new sandbox on the same state file. One that kept its requests in memory,
// because another process held the file, hands them to the new one instead of dropping them.
let dir: string
let stateFile: string
let lockFile: string
const children: ChildProcess[] = []
const open: ReturnType<typeof createSandbox>[] = []
const infos: string[] = []
const warnings: string[] = []
const logger = {
  info: (m: string) => void infos.push(m),
  warn: (m: string) => void warnings.push(m),
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-restart-'))
  stateFile = join(dir, 'state.json')
  lockFile = `${stateFile}.lock`
  infos.length = 0
  warnings.length = 0
})
afterEach(async () => {
  // Holders first: a sandbox still waiting for the file then takes it over as it closes (and keeps
  // no exit hook for a folder that is about to go).
  for (const child of children.splice(0)) await stopChild(child)
  for (const sandbox of open.splice(0)) await sandbox.close()
  rmSync(dir, { recursive: true, force: true })
})

const AUTH = {
  authorization: 'Basic ' + Buffer.from('sandbox:sandbox-secret').toString('base64'),
}

function sandboxOn(): ReturnType<typeof createSandbox> {
  const sandbox = createSandbox({ stateFile, logger, saveDelayMs: 0 })
  open.push(sandbox)
  return sandbox
}

async function call(
  sandbox: ReturnType<typeof createSandbox>,
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
) {
  const response = await sandbox.fetch(
    new Request(`http://sandbox${path}`, {
      method,
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  )
  return (await response.json()) as Record<string, unknown>
}

let numberSeq = 0
async function newRequest(sandbox: ReturnType<typeof createSandbox>): Promise<string> {
  numberSeq++
  const answer = await call(sandbox, '/verify/json', {
    number: `4477009${String(numberSeq).padStart(5, '0')}`,
    brand: 'Acme',
  })
  expect(answer.status).toBe('0')
  return answer.request_id as string
}

const statusOf = async (sandbox: ReturnType<typeof createSandbox>, id: string) =>
  (await call(sandbox, `/verify/search/json?request_id=${id}`)).status

/** A live process of our own (it holds the lock), stopped with `stopChild`. */
async function holderProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  children.push(child)
  await new Promise((r) => child.once('spawn', r))
  mkdirSync(dir, { recursive: true })
  writeFileSync(lockFile, JSON.stringify({ pid: child.pid }))
  return child
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
}

describe('a sandbox in memory (its state file held by another process) restarting in-process', () => {
  it('hands its requests, clock offset and test numbers to the new sandbox (created before it closes)', async () => {
    const holder = await holderProcess()
    const first = sandboxOn()
    expect(first.persistence.saved).toBe(false)
    const id = await newRequest(first)
    await call(first, '/__admin/clock', { advance_seconds: 120 })
    await call(first, '/__admin/test-numbers', { number: '447700900999', pin: '1234' }, 'PUT')

    // Vite creates the new app first, then closes the old one.
    const second = sandboxOn()
    await first.close()
    expect(second.persistence).toEqual({ file: stateFile, saved: false, in_use_by: holder.pid })
    expect(await statusOf(second, id)).toBe('IN PROGRESS')
    expect((await call(second, '/__admin/clock')).offset_ms).toBe(120_000)
    expect((await call(second, '/__admin/test-numbers')).test_numbers).toEqual([
      { number: '447700900999', pin: '1234' },
    ])
    // Its own requests are handed on again to the next one (created after it closed).
    const more = await newRequest(second)
    await second.close()
    const third = sandboxOn()
    expect(await statusOf(third, id)).toBe('IN PROGRESS')
    expect(await statusOf(third, more)).toBe('IN PROGRESS')
    // The holder's file was never written by this process.
    expect(existsSync(stateFile)).toBe(false)
  })

  it('takes the file over as soon as the holder has gone: merges what it kept in memory and says so in one line', async () => {
    // What the other process saved: one request in the file.
    const earlier = sandboxOn()
    const saved = await newRequest(earlier)
    await earlier.close()
    open.splice(0)

    const holder = await holderProcess()
    const inMemory = sandboxOn()
    const kept = await newRequest(inMemory)
    await call(inMemory, '/__admin/clock', { advance_seconds: 30 })
    expect(readFileSync(stateFile, 'utf8')).not.toContain(kept)
    infos.length = 0
    await stopChild(holder)

    // GET /__admin/ looks at the lock first: the file is free, so it is taken over and saved to.
    const info = await call(inMemory, '/__admin/')
    expect(info.state).toEqual({ file: stateFile, saved: true })
    expect(inMemory.persistence).toEqual({ file: stateFile, saved: true })
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid })
    expect(infos).toHaveLength(1)
    const [line] = infos as [string]
    expect(line).not.toContain('\n')
    expect(line).toContain(`${stateFile} is free again`)
    expect(line).toContain(`process ${holder.pid}`)
    expect(line).toMatch(/1 request\(s\).*merged/)
    expect(await statusOf(inMemory, saved)).toBe('IN PROGRESS')
    expect(await statusOf(inMemory, kept)).toBe('IN PROGRESS')
    expect((await call(inMemory, '/__admin/clock')).offset_ms).toBe(30_000)
    // Newest first, as made.
    const listed = (await call(inMemory, '/__admin/requests')).requests as { request_id: string }[]
    expect(listed.map((r) => r.request_id)).toEqual([kept, saved])
    // Written to the file at once (not only when the next change comes).
    expect(readFileSync(stateFile, 'utf8')).toContain(kept)
    // From now on it saves its new requests like any file-backed sandbox.
    const later = await newRequest(inMemory)
    await inMemory.close()
    expect(existsSync(lockFile)).toBe(false)
    open.splice(0)

    // A later start in another process reads all three from the file.
    const fromFile = sandboxOn()
    expect(fromFile.persistence).toEqual({ file: stateFile, saved: true })
    for (const id of [saved, kept, later]) expect(await statusOf(fromFile, id)).toBe('IN PROGRESS')
    expect(warnings).toHaveLength(1) // the one "in use" warning of the in-memory sandbox
  })

  it('takes the file over on its own, without a request, once the holder has gone', async () => {
    const holder = await holderProcess()
    const inMemory = sandboxOn()
    const kept = await newRequest(inMemory)
    await stopChild(holder)
    // Polled with a deadline: the outcome, not how soon (the sandbox looks every 2 s; a busy
    // machine runs its check late).
    await vi.waitFor(() => expect(inMemory.persistence.saved).toBe(true), {
      timeout: 30_000,
      interval: 100,
    })
    expect(readFileSync(stateFile, 'utf8')).toContain(kept)
    expect(infos.some((m) => m.includes('is free again'))).toBe(true)
  })

  it('merges into the file when it closes, if the holder has gone by then', async () => {
    const holder = await holderProcess()
    const inMemory = sandboxOn()
    const kept = await newRequest(inMemory)
    await stopChild(holder)
    await inMemory.close()
    expect(readFileSync(stateFile, 'utf8')).toContain(kept)
    expect(existsSync(lockFile)).toBe(false)
  })

  it('leaves the file of a holder still running untouched when it closes', async () => {
    const holder = await holderProcess()
    const inMemory = sandboxOn()
    await newRequest(inMemory)
    warnings.length = 0
    await inMemory.close()
    expect(existsSync(stateFile)).toBe(false)
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toEqual({ pid: holder.pid })
    // And says so, in one line.
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`${stateFile} is still in use by process ${holder.pid}`)
    expect(warnings[0]).toMatch(/1 request\(s\) .* not saved/)
    expect(warnings[0]).not.toContain('\n')
  })

  it('keeps its requests in memory and warns once (no crash) when the freed file cannot be taken', async () => {
    const sub = join(dir, 'sub')
    const file = join(sub, 'state.json')
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    })
    children.push(child)
    await new Promise((r) => child.once('spawn', r))
    mkdirSync(sub)
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: child.pid }))
    const inMemory = createSandbox({ stateFile: file, logger, saveDelayMs: 0 })
    open.push(inMemory)
    const kept = await newRequest(inMemory)
    // Its folder replaced by a plain file: no lock can be taken there.
    rmSync(sub, { recursive: true })
    writeFileSync(sub, 'not a folder\n')
    await stopChild(child)
    warnings.length = 0
    for (let i = 0; i < 3; i++) await call(inMemory, '/__admin/')
    expect(inMemory.persistence.saved).toBe(false)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`could not merge the requests kept in memory into ${file}`)
    expect(await statusOf(inMemory, kept)).toBe('IN PROGRESS')
    // Its folder back: the next check takes the file over after all.
    rmSync(sub)
    await call(inMemory, '/__admin/')
    expect(inMemory.persistence.saved).toBe(true)
    expect(readFileSync(file, 'utf8')).toContain(kept)
  })

  it('never turns the clock back when it takes the file over: the larger offset wins', async () => {
    // The file's clock is ahead of the one kept in memory.
    const earlier = sandboxOn()
    await call(earlier, '/__admin/clock', { advance_seconds: 300 })
    await earlier.close()
    open.splice(0)

    const holder = await holderProcess()
    const inMemory = sandboxOn()
    await call(inMemory, '/__admin/clock', { advance_seconds: 30 })
    await stopChild(holder)
    expect((await call(inMemory, '/__admin/')).state).toEqual({ file: stateFile, saved: true })
    expect((await call(inMemory, '/__admin/clock')).offset_ms).toBe(300_000)
  })

  it('writes nothing when it closes after a newer sandbox of this process took what it kept', async () => {
    const holder = await holderProcess()
    const first = sandboxOn()
    const id = await newRequest(first)
    const second = sandboxOn()
    await stopChild(holder)
    // The file is free, but it is the newer sandbox's to take now.
    await first.close()
    expect(existsSync(stateFile)).toBe(false)
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toEqual({ pid: holder.pid })
    expect((await call(second, '/__admin/')).state).toEqual({ file: stateFile, saved: true })
    expect(readFileSync(stateFile, 'utf8')).toContain(id)
  })

  it('reports a new live holder of the file as the one in use, not the first one', async () => {
    const first = await holderProcess()
    const sandbox = sandboxOn()
    await stopChild(first)
    const second = await holderProcess()
    expect((await call(sandbox, '/__admin/')).state).toEqual({
      file: stateFile,
      saved: false,
      in_use_by: second.pid,
    })
  })

  it('starts empty on a file no sandbox of this process kept in memory', async () => {
    await holderProcess()
    const other = join(dir, 'other.json')
    const elsewhere = createSandbox({ stateFile: other, logger, saveDelayMs: 0 })
    open.push(elsewhere)
    await newRequest(elsewhere)
    const sandbox = sandboxOn()
    expect((await call(sandbox, '/__admin/requests')).total).toBe(0)
  })
})

describe('the stop-signal hook of file-backed sandboxes', () => {
  const counts = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]

  it('is one listener per signal for any number of open file-backed sandboxes (none for one in memory), gone when the last closes', async () => {
    // A handler of the host added earlier (Vite's SIGTERM one is a `once`).
    const host = () => undefined
    const before = counts()
    process.once('SIGINT', host)
    const inMemory = createSandbox({ stateFile: false, logger })
    const first = createSandbox({ stateFile, logger })
    const second = createSandbox({ stateFile: join(dir, 'second.json'), logger })
    const [sigint = 0, sigterm = 0] = before
    expect(counts()).toEqual([sigint + 2, sigterm + 1])
    // First in line, so that when it runs every other handler (even a `once`) is still counted.
    const hook = process.listeners('SIGINT')[0]
    expect(hook).toBe(process.listeners('SIGTERM')[0])
    expect(process.rawListeners('SIGINT').slice(1)).toContainEqual(
      expect.objectContaining({ listener: host }),
    )
    process.off('SIGINT', host)
    await first.close()
    expect(counts()).toEqual([sigint + 1, sigterm + 1])
    await second.close()
    await inMemory.close()
    expect(counts()).toEqual(before)
  })

  it('is added for a sandbox waiting for its file (it merges into it, or says what is lost, at a stop), and handed on when it takes the file', async () => {
    const holder = await holderProcess()
    const before = counts()
    const [sigint = 0, sigterm = 0] = before
    const inMemory = sandboxOn()
    expect(counts()).toEqual([sigint + 1, sigterm + 1])
    await stopChild(holder)
    await call(inMemory, '/__admin/')
    expect(inMemory.persistence.saved).toBe(true)
    // Still hooked, now as a file-backed sandbox; gone when it closes.
    expect(counts()).toEqual([sigint + 1, sigterm + 1])
    await inMemory.close()
    open.splice(0)
    expect(counts()).toEqual(before)
  })
})
