import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getJson, postForm, type Params } from './support/http'
import {
  admin,
  advance,
  frozenClock,
  messages,
  sandboxForAllTests,
  uniquePins,
  wrongCode,
} from './support/sandbox'

// Model-based test: random sequences of start / right code / wrong code / cancel / clock moves
// over HTTP, compared step by step with a small model written from the reference (§5.1–5.4):
// default waits per workflow, `next_event_wait` replacing them, the `pin_expiry` rule, three
// attempts per PIN, the cancel window and one request per number. The sandbox's real-time base
// is frozen (its `now` option) so only the admin clock moves time.

type Channel = 'sms' | 'tts'
const WORKFLOWS: Record<string, { channels: Channel[]; waits: number[] }> = {
  '1': { channels: ['sms', 'tts', 'tts'], waits: [125, 180, 300] },
  '2': { channels: ['sms', 'sms', 'tts'], waits: [125, 180, 300] },
  '3': { channels: ['tts', 'tts'], waits: [150, 150] },
  '4': { channels: ['sms', 'sms'], waits: [120, 180] },
  '5': { channels: ['sms', 'tts'], waits: [120, 180] },
  '6': { channels: ['sms'], waits: [] },
  '7': { channels: ['tts'], waits: [] },
}
/** [next_event_wait, pin_expiry] as sent (undefined: not sent). */
const TIMINGS: [number | undefined, number | undefined][] = [
  [undefined, undefined],
  [60, undefined],
  [60, 120],
  [120, 240],
  [120, 200],
  [undefined, 600],
  [90, 90],
]

interface ModelRequest {
  id: string
  number: string
  startedAt: number
  channels: Channel[]
  /** The waits after each event (`next_event_wait` or the workflow's defaults). */
  waits: number[]
  /** Absolute times of every event, the first included. */
  eventAt: number[]
  expiresAt: number
  sent: number
  pinAt: number
  pinExpiry: number
  /** Event indexes that carried a new PIN. */
  newPinAt: Set<number>
  wrong: number
  status: 'IN PROGRESS' | 'SUCCESS' | 'FAILED' | 'EXPIRED' | 'CANCELLED'
}

function plan(wf: string, now: number, nev?: number, pe?: number) {
  const { waits } = WORKFLOWS[wf] as { waits: number[] }
  let pinExpiry = pe ?? 300
  if (nev !== undefined && pe !== undefined && pe % nev !== 0) pinExpiry = nev
  const w = waits.map((d) => nev ?? d)
  const eventAt = [now]
  for (let i = 0; i < w.length - 1; i++) eventAt.push((eventAt[i] as number) + (w[i] as number))
  const expiresAt =
    w.length === 0
      ? now + pinExpiry
      : (eventAt[eventAt.length - 1] as number) + (w[w.length - 1] as number)
  return { eventAt, expiresAt, pinExpiry, waits: w }
}

class Model {
  now = 0
  requests: ModelRequest[] = []

  active(number: string) {
    return this.requests.find((r) => r.number === number && r.status === 'IN PROGRESS')
  }

  /** The next event goes out at `at`: a new PIN (and three new attempts) if the PIN expired. */
  fire(r: ModelRequest, at: number) {
    if (at - r.pinAt >= r.pinExpiry) {
      r.pinAt = at
      r.wrong = 0
      r.newPinAt.add(r.sent)
    }
    r.sent += 1
  }

  advanceTo(t: number) {
    this.now = t
    for (const r of this.requests) {
      if (r.status !== 'IN PROGRESS') continue
      while (r.sent < r.eventAt.length && (r.eventAt[r.sent] as number) <= t) {
        this.fire(r, r.eventAt[r.sent] as number)
      }
      if (r.expiresAt <= t) r.status = 'EXPIRED'
    }
  }

  /**
   * trigger_next_event: the next event goes out now and the remaining waits count from now (the
   * reference leaves the later timeline open; this is the reading "advance to the next event").
   */
  trigger(r: ModelRequest) {
    const index = r.sent
    r.eventAt[index] = this.now
    this.fire(r, this.now)
    for (let k = index + 1; k < r.eventAt.length; k++) {
      r.eventAt[k] = (r.eventAt[k - 1] as number) + (r.waits[k - 1] as number)
    }
    const last = r.eventAt.length - 1
    r.expiresAt = (r.eventAt[last] as number) + (r.waits[last] as number)
  }
}

type Command =
  | { kind: 'start'; number: number; wf: string; timing: number }
  | { kind: 'right' | 'wrong' | 'cancel' | 'trigger'; request: number }
  | { kind: 'advance'; seconds: number }

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      number: fc.integer({ min: 0, max: 3 }),
      wf: fc.constantFrom(...Object.keys(WORKFLOWS)),
      timing: fc.integer({ min: 0, max: TIMINGS.length - 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('right' as const), request: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wrong' as const), request: fc.nat(20) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('cancel' as const), request: fc.nat(20) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('trigger' as const), request: fc.nat(20) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      seconds: fc.constantFrom(1, 10, 29, 30, 31, 59, 60, 90, 119, 120, 125, 150, 180, 300),
    }),
  },
)

// Its PINs never repeat: a PIN renewed or kept shows as such, never a renewal that happened to
// draw the same digits (one in a million at each new PIN).
const sb = sandboxForAllTests(() => ({ ...frozenClock(), pin: uniquePins() }))
let runs = 0

async function run(commands: Command[]): Promise<void> {
  runs += 1
  await admin(sb.base, '/reset', {})
  const model = new Model()
  const numbers = [0, 1, 2, 3].map((i) => `4474005${String(runs % 10_000).padStart(4, '0')}${i}`)
  const log: string[] = []
  const step = async (c: Command) => {
    if (c.kind === 'advance') {
      await advance(sb.base, c.seconds)
      model.advanceTo(model.now + c.seconds)
      return `advance ${c.seconds} -> t=${model.now}`
    }
    if (c.kind === 'start') {
      const number = numbers[c.number] as string
      const [nev, pe] = TIMINGS[c.timing] as [number | undefined, number | undefined]
      const params: Params = {
        ...sb.creds,
        number,
        brand: 'Model',
        workflow_id: c.wf,
        code_length: '6',
      }
      if (nev !== undefined) params.next_event_wait = String(nev)
      if (pe !== undefined) params.pin_expiry = String(pe)
      const res = await postForm(sb.base, '/verify/json', params)
      const running = model.active(number)
      if (running) {
        expect(res.body, `start on a busy number`).toMatchObject({
          status: '10',
          request_id: running.id,
        })
      } else {
        expect(res.body.status, `start`).toBe('0')
        const p = plan(c.wf, model.now, nev, pe)
        model.requests.push({
          id: res.body.request_id as string,
          number,
          startedAt: model.now,
          channels: (WORKFLOWS[c.wf] as { channels: Channel[] }).channels,
          ...p,
          sent: 1,
          pinAt: model.now,
          newPinAt: new Set([0]),
          wrong: 0,
          status: 'IN PROGRESS',
        })
      }
      return `start wf${c.wf} nev=${nev} pe=${pe} #${c.number} -> ${String(res.body.status)}`
    }
    const r = model.requests[c.request % Math.max(1, model.requests.length)]
    if (!r) return `${c.kind} (no request yet)`
    if (c.kind === 'trigger') {
      const res = await postForm(sb.base, '/verify/control/json', {
        ...sb.creds,
        request_id: r.id,
        cmd: 'trigger_next_event',
      })
      let expected: string
      if (r.status !== 'IN PROGRESS') expected = '6'
      else if (r.sent >= r.eventAt.length) expected = '19'
      else {
        expected = '0'
        model.trigger(r)
      }
      expect(res.body.status, `trigger with ${r.sent} of ${r.eventAt.length} events sent`).toBe(
        expected,
      )
      return `trigger -> ${expected}`
    }
    if (c.kind === 'cancel') {
      const res = await postForm(sb.base, '/verify/control/json', {
        ...sb.creds,
        request_id: r.id,
        cmd: 'cancel',
      })
      let expected: string
      if (r.status !== 'IN PROGRESS') expected = '6'
      else if (model.now - r.startedAt < 30) expected = '19'
      else if (r.sent >= 2) expected = '19'
      else {
        expected = '0'
        r.status = 'CANCELLED'
      }
      expect(res.body.status, `cancel at ${model.now - r.startedAt} s, ${r.sent} events`).toBe(
        expected,
      )
      return `cancel -> ${expected}`
    }
    const [latest] = await messages(sb.base, r.id)
    const pin = latest?.pin ?? '000000'
    const code = c.kind === 'right' ? pin : wrongCode(pin)
    const res = await postForm(sb.base, '/verify/check/json', {
      ...sb.creds,
      request_id: r.id,
      code,
    })
    let expected: string
    if (r.status !== 'IN PROGRESS') expected = '6'
    else if (c.kind === 'right' && model.now - r.pinAt < r.pinExpiry) {
      expected = '0'
      r.status = 'SUCCESS'
    } else {
      // A wrong code, or the right one after its pin_expiry ("how long the code is valid"): the
      // workflow 1/2 gap between a PIN's expiry at 300 s and the next event at 305 s.
      r.wrong += 1
      expected = r.wrong >= 3 ? '17' : '16'
      if (r.wrong >= 3) r.status = 'FAILED'
    }
    expect(res.body.status, `${c.kind} code (${r.wrong} wrong so far)`).toBe(expected)
    return `${c.kind} -> ${expected}`
  }

  try {
    for (const c of commands) log.push(await step(c))
    // Finally every request: its status, the messages it sent and when its PIN changed.
    for (const r of model.requests) {
      const search = await getJson(sb.base, '/verify/search/json', {
        ...sb.creds,
        request_id: r.id,
      })
      expect(search.body.status, `final status of ${r.id}`).toBe(r.status)
      const sent = (await messages(sb.base, r.id)).reverse()
      expect(sent.length, `messages of ${r.id}`).toBe(r.sent)
      expect(
        sent.map((m) => m.channel),
        `channels of ${r.id}`,
      ).toEqual(r.channels.slice(0, r.sent))
      sent.forEach((m, i) => {
        if (i === 0) return
        const renewed = m.pin !== sent[i - 1]?.pin
        expect(renewed, `PIN change at event ${i} of ${r.id}`).toBe(r.newPinAt.has(i))
      })
    }
  } catch (error) {
    throw new Error(`${String(error)}\nsteps:\n${log.join('\n')}`)
  }
}

describe('model-based sequences', () => {
  it('follow the reference model step by step', async () => {
    await fc.assert(fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 30 }), run), {
      numRuns: 80,
      seed: Number(process.env.PROPERTY_SEED ?? 20261125),
    })
  }, 120_000)
})
