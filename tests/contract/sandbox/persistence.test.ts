import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eventually } from '../../support/eventually'
import { cli, spawnCli } from './support/cli'
import { getJson, postForm, raw, type Body } from './support/http'
import {
  admin,
  advance,
  listOf,
  messages,
  pinOf,
  startSandbox,
  startVerify,
  uniqueNumber,
  wrongCode,
} from './support/sandbox'

// Tests here start Node processes (the standalone sandbox, compiled anew on each start; a Vite
// server; a host script): on a busy machine one start can take many seconds, so their time limit
// is set only to catch a hang.
vi.setConfig({ testTimeout: 120_000 })

// State survives a restart (written through to a file); a damaged file is set aside and the
// sandbox starts empty. Plus the standalone CLI (`npm run sandbox`) on a free port.
let dir: string
let stateFile: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'))
  stateFile = join(dir, 'nested', 'state.json')
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function capture() {
  const warnings: string[] = []
  return { warnings, logger: { info: () => undefined, warn: (m: string) => void warnings.push(m) } }
}

describe('persistence across a restart', () => {
  it('keeps requests, checks, messages, the PIN, the clock and the timeline', async () => {
    const a = await startSandbox({ stateFile })
    const id = (await startVerify(a, { workflow_id: '4' })).body.request_id as string
    const pin = await pinOf(a.base, id)
    await postForm(a.base, '/verify/check/json', {
      ...a.creds,
      request_id: id,
      code: wrongCode(pin),
    })
    await advance(a.base, 60)
    const clockBefore = (await admin(a.base, '/clock')) as Body
    await a.close()
    expect(existsSync(stateFile)).toBe(true)

    const b = await startSandbox({ stateFile })
    try {
      const search = await getJson(b.base, '/verify/search/json', { ...b.creds, request_id: id })
      expect(search.body).toMatchObject({ request_id: id, status: 'IN PROGRESS' })
      expect(search.body.checks).toHaveLength(1)
      expect(await pinOf(b.base, id)).toBe(pin)
      // The clock offset survives: the sandbox is still 60 s ahead.
      const clockAfter = (await admin(b.base, '/clock')) as Body
      expect(Date.parse(String(clockAfter.now))).toBeGreaterThanOrEqual(
        Date.parse(String(clockBefore.now)),
      )
      // The timeline goes on: workflow 4's second SMS falls due at 120 s.
      await advance(b.base, 61)
      expect((await messages(b.base, id)).map((m) => m.channel)).toEqual(['sms', 'sms'])
      // The PIN from before the restart still verifies.
      const ok = await postForm(b.base, '/verify/check/json', {
        ...b.creds,
        request_id: id,
        code: pin,
      })
      expect(ok.body.status).toBe('0')
    } finally {
      await b.close()
    }
  })

  it('hands the state over when the new server opens its sandbox before the old one closes', async () => {
    // What a Vite restart does: the new plugin instance starts before the old server is closed.
    const a = await startSandbox({ stateFile })
    const first = (await startVerify(a)).body.request_id as string
    const b = await startSandbox({ stateFile })
    try {
      const seen = await getJson(b.base, '/verify/search/json', { ...b.creds, request_id: first })
      expect(seen.body.status).toBe('IN PROGRESS')
      await a.close()
      const second = (await startVerify(b)).body.request_id as string
      await b.close()
      const c = await startSandbox({ stateFile })
      try {
        for (const id of [first, second]) {
          const res = await getJson(c.base, '/verify/search/json', { ...c.creds, request_id: id })
          expect(res.body.status, id).toBe('IN PROGRESS')
        }
      } finally {
        await c.close()
      }
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('keeps test numbers across a restart', async () => {
    const a = await startSandbox({ stateFile })
    await admin(a.base, '/test-numbers', { number: '447400777000', pin: '5150' }, 'PUT')
    await a.close()
    const b = await startSandbox({ stateFile })
    try {
      const res = await postForm(b.base, '/verify/json', {
        ...b.creds,
        number: '447400777000',
        brand: 'Acme',
      })
      expect(await pinOf(b.base, res.body.request_id as string)).toBe('5150')
    } finally {
      await b.close()
    }
  })

  it('catches up after downtime: what fell due while it was down has happened on restart', async () => {
    const t0 = Date.now()
    const a = await startSandbox({ stateFile, now: () => t0 })
    const id = (await startVerify(a, { workflow_id: '4' })).body.request_id as string
    const submitted = (await getJson(a.base, '/verify/search/json', { ...a.creds, request_id: id }))
      .body.date_submitted
    await a.close()
    // Down for 200 s of real time: the second SMS (due at 120 s) went out meanwhile.
    const b = await startSandbox({ stateFile, now: () => t0 + 200_000 })
    try {
      const search = await getJson(b.base, '/verify/search/json', { ...b.creds, request_id: id })
      expect(search.body).toMatchObject({ status: 'IN PROGRESS', date_submitted: submitted })
      expect((await messages(b.base, id)).map((m) => m.channel)).toEqual(['sms', 'sms'])
    } finally {
      await b.close()
    }
    // Down again until after the expiry at 300 s.
    const c = await startSandbox({ stateFile, now: () => t0 + 400_000 })
    try {
      const search = await getJson(c.base, '/verify/search/json', { ...c.creds, request_id: id })
      expect(search.body.status).toBe('EXPIRED')
      const at = (d: unknown) => Date.parse(`${String(d).replace(' ', 'T')}Z`)
      expect((at(search.body.date_finalized) - at(submitted)) / 1000).toBe(300)
    } finally {
      await c.close()
    }
  })

  it('never loses a request it accepted, even when closed right after', async () => {
    const a = await startSandbox({ stateFile, saveDelayMs: 10_000 })
    const number = uniqueNumber()
    const id = (await postForm(a.base, '/verify/json', { ...a.creds, number, brand: 'Acme' })).body
      .request_id as string
    await a.close()
    const b = await startSandbox({ stateFile })
    try {
      const search = await getJson(b.base, '/verify/search/json', { ...b.creds, request_id: id })
      expect(search.body.status).toBe('IN PROGRESS')
      // Still in flight, so the same number is refused with its id.
      const again = await postForm(b.base, '/verify/json', { ...b.creds, number, brand: 'Acme' })
      expect(again.body).toMatchObject({ status: '10', request_id: id })
    } finally {
      await b.close()
    }
  })

  it.each([
    ['not JSON', '{"version":1, "engine": {garbage'],
    ['JSON of the wrong shape', '{"version":1,"engine":{"requests":"nope"}}'],
    ['empty', ''],
    [
      'the right shape around a record that cannot be restored',
      '{"version":1,"clock_offset_ms":5000,"engine":{"requests":[{"garbage":1}],"testNumbers":[]}}',
    ],
  ])(
    'sets a damaged state file (%s) aside with a warning and starts empty',
    async (_name, content) => {
      mkdirSync(join(dir, 'nested'))
      writeFileSync(stateFile, content)
      const { warnings, logger } = capture()
      const sb = await startSandbox({ stateFile, logger })
      try {
        expect(warnings.join('\n')).toMatch(/damaged|could not/i)
        expect(listOf(await admin(sb.base, '/requests'), 'requests')).toEqual([])
        const aside = readdirSync(join(dir, 'nested')).filter(
          (f) =>
            f !== 'state.json' &&
            f !== 'state.json.journal' &&
            f !== 'state.json.lock' &&
            !f.endsWith('.tmp'),
        )
        expect(aside).toHaveLength(1)
        expect(readFileSync(join(dir, 'nested', aside[0] as string), 'utf8')).toBe(content)
        const res = await startVerify(sb)
        expect(res.body.status).toBe('0')
      } finally {
        await sb.close()
      }
      // What it wrote since is a good state file again.
      const again = await startSandbox({ stateFile })
      try {
        expect(listOf(await admin(again.base, '/requests'), 'requests')).toHaveLength(1)
      } finally {
        await again.close()
      }
    },
  )
})

/**
 * A port free now, below the range the system hands out for port 0 (32768 and up on Linux, 49152
 * and up on macOS and Windows): between its probe closing and the CLI listening on it, none of the
 * many servers tests start on port 0 meanwhile can be given it, as one from port 0 itself could.
 */
async function freePortOutsideEphemeralRange(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    const probe = http.createServer()
    const free = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false))
      probe.listen(port, '127.0.0.1', () => resolve(true))
    })
    if (free) {
      await new Promise((r) => probe.close(r))
      return port
    }
  }
  throw new Error('no free port found from 20000 to 31999')
}

describe('standalone CLI', () => {
  const creds = 'api_key=sandbox&api_secret=sandbox-secret'
  const call = async (base: string, path: string) =>
    JSON.parse((await raw(base, { path })).text) as Body

  /** The state file and its journal as they are on disk now. */
  const onDisk = () =>
    [stateFile, `${stateFile}.journal`]
      .map((file) => (existsSync(file) ? readFileSync(file, 'utf8') : ''))
      .join('\n')

  it('serves the seed GET at the root of its own port and prints the base URL and credentials', async () => {
    const running = await spawnCli(['--port', '0', '--host', '127.0.0.1', '--no-state'])
    try {
      expect(running.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(running.output()).toContain('API key:    sandbox\n')
      expect(running.output()).toContain('API secret: sandbox-secret\n')
      const res = await raw(running.base, {
        path: `/verify/json?${creds}&number=447700900000&brand=Acme`,
      })
      expect(res.status).toBe(200)
      expect((JSON.parse(res.text) as Body).status).toBe('0')
    } finally {
      await running.stop()
    }
  })

  it('writes state through: a request survives the process being killed outright', async () => {
    const args = ['--port', '0', '--host', '127.0.0.1', '--state', stateFile]
    const one = await spawnCli(args)
    let id: string
    try {
      id = (await call(one.base, `/verify/json?${creds}&number=${uniqueNumber()}&brand=Acme`))
        .request_id as string
      expect(id).toMatch(/^[0-9a-f]{32}$/)
      // On disk (journal or snapshot) before the kill, which gives it no chance to flush.
      await eventually(() => expect(onDisk()).toContain(id))
    } finally {
      await one.stop('SIGKILL')
    }
    const two = await spawnCli(args)
    try {
      const search = await call(two.base, `/verify/search/json?${creds}&request_id=${id}`)
      expect(search.status).toBe('IN PROGRESS')
    } finally {
      await two.stop()
    }
  })

  it('loses nothing it answered when killed outright right after answering', async () => {
    // Killed within the snapshot's debounce: only the journal can have the last calls.
    const args = ['--port', '0', '--state', stateFile]
    const env = { SANDBOX_HOST: '127.0.0.1' }
    const one = await spawnCli(args, env)
    let checked: string
    let open: string
    const number = uniqueNumber()
    try {
      checked = (await call(one.base, `/verify/json?${creds}&number=${uniqueNumber()}&brand=Acme`))
        .request_id as string
      const pin = ((await admin(one.base, `/requests/${checked}`)) as { pin: string }).pin
      expect(
        (await call(one.base, `/verify/check/json?${creds}&request_id=${checked}&code=${pin}`))
          .status,
      ).toBe('0')
      open = (await call(one.base, `/verify/json?${creds}&number=${number}&brand=Acme`))
        .request_id as string
    } finally {
      await one.stop('SIGKILL')
    }

    const two = await spawnCli(args, env)
    let later: string
    try {
      const search = await call(
        two.base,
        `/verify/search/json?${creds}&request_ids=${open}&request_ids=${checked}`,
      )
      const found = (search.verification_requests as Body[]).map((r) => [r.request_id, r.status])
      expect(found).toEqual([
        [open, 'IN PROGRESS'],
        [checked, 'SUCCESS'],
      ])
      expect(
        await call(two.base, `/verify/json?${creds}&number=${number}&brand=Acme`),
      ).toMatchObject({
        status: '10',
        request_id: open,
      })
      // The journal was folded into a snapshot at start.
      expect(existsSync(stateFile)).toBe(true)
      // A request made now survives the next kill too.
      later = (await call(two.base, `/verify/json?${creds}&number=${uniqueNumber()}&brand=Acme`))
        .request_id as string
    } finally {
      await two.stop('SIGKILL')
    }
    const three = await spawnCli(args, env)
    try {
      const again = await call(three.base, `/verify/search/json?${creds}&request_id=${later}`)
      expect(again.status).toBe('IN PROGRESS')
    } finally {
      await three.stop('SIGKILL')
    }
  })

  it('takes its port from SANDBOX_PORT', async () => {
    const port = await freePortOutsideEphemeralRange()
    const running = await spawnCli(['--no-state'], {
      SANDBOX_PORT: String(port),
      SANDBOX_HOST: '127.0.0.1',
    })
    try {
      expect(running.base).toBe(`http://127.0.0.1:${port}`)
      const res = await call(
        running.base,
        `/verify/search/json?${creds}&request_id=${'a'.repeat(32)}`,
      )
      expect(res.status).toBe('101')
    } finally {
      await running.stop()
    }
  })
  it('reports a port in use with a clear error, not a stack trace', async () => {
    const blocker = http.createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const { port } = blocker.address() as AddressInfo
    try {
      const child = cli(['--port', String(port), '--host', '127.0.0.1', '--no-state'])
      let err = ''
      child.stderr.on('data', (c: Buffer) => (err += c.toString()))
      // 'close', not 'exit': at 'exit' its last words may still be unread in the pipe.
      const code = await new Promise<number | null>((r) => child.on('close', r))
      expect(code).not.toBe(0)
      expect(err).toMatch(/in use/)
      expect(err).not.toMatch(/^\s+at /m)
    } finally {
      blocker.close()
    }
  })
})
