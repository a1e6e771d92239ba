import { describe, expect, it } from 'vitest'
import { DATE } from './support/assert'
import { getJson, postForm, type Params } from './support/http'
import {
  advance,
  expectStarted,
  frozenClock,
  messages,
  pinOf,
  sandboxForEachTest,
  uniqueNumber,
  uniquePins,
  wrongCode,
} from './support/sandbox'
import * as T from './support/texts'

// Workflows 1–7 over the wire, with the sandbox clock moved through the admin API (§5.1, §5.3).
// The sandbox's real-time base is frozen (its documented `now` option), so the clock moves only
// through the admin API and every boundary is probed to the millisecond: 1 ms before, and at it.
// Its PINs never repeat, so a new PIN differs from the one before by more than chance.
const sb = sandboxForEachTest(() => ({ ...frozenClock(), pin: uniquePins() }))

/** One millisecond, in seconds. */
const MS = 0.001

/** Seconds since the request started, as far as this test has moved the clock. */
let elapsed = 0
async function to(second: number): Promise<void> {
  if (second < elapsed) throw new Error(`clock cannot go back (${elapsed} -> ${second})`)
  if (second > elapsed) await advance(sb.base, Math.round((second - elapsed) * 1000) / 1000)
  elapsed = second
}

async function start(params: Params): Promise<string> {
  elapsed = 0
  return expectStarted(sb, params)
}

const search = async (id: string) =>
  (await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_id: id })).body

/** A check of `code` for the request. */
const checkCode = (id: string, code: string) =>
  postForm(sb.base, '/verify/check/json', { ...sb.creds, request_id: id, code })

/** Channels of the handset messages of a request, oldest first. */
const channels = async (id: string) => (await messages(sb.base, id)).map((m) => m.channel).reverse()
const pins = async (id: string) => (await messages(sb.base, id)).map((m) => m.pin).reverse()

interface Timeline {
  params: Params
  /** [offset in seconds, channel] of every event after the first. */
  events: [number, 'sms' | 'tts'][]
  first: 'sms' | 'tts'
  expiresAt: number
}

const DEFAULTS: Record<string, Timeline> = {
  '1': {
    params: { workflow_id: '1' },
    first: 'sms',
    events: [
      [125, 'tts'],
      [305, 'tts'],
    ],
    expiresAt: 605,
  },
  '2': {
    params: { workflow_id: '2' },
    first: 'sms',
    events: [
      [125, 'sms'],
      [305, 'tts'],
    ],
    expiresAt: 605,
  },
  '3': { params: { workflow_id: '3' }, first: 'tts', events: [[150, 'tts']], expiresAt: 300 },
  '4': { params: { workflow_id: '4' }, first: 'sms', events: [[120, 'sms']], expiresAt: 300 },
  '5': { params: { workflow_id: '5' }, first: 'sms', events: [[120, 'tts']], expiresAt: 300 },
  '6': { params: { workflow_id: '6' }, first: 'sms', events: [], expiresAt: 300 },
  '7': { params: { workflow_id: '7' }, first: 'tts', events: [], expiresAt: 300 },
}

async function walk(t: Timeline): Promise<string> {
  const number = uniqueNumber()
  const id = await start({ ...t.params, code_length: '6', number })
  const expected: string[] = [t.first]
  expect(await channels(id)).toEqual(expected)
  for (const [offset, channel] of t.events) {
    await to(offset - MS)
    expect(await channels(id), `before ${offset} s`).toEqual(expected)
    await to(offset)
    expected.push(channel)
    expect(await channels(id), `after ${offset} s`).toEqual(expected)
  }
  await to(t.expiresAt - MS)
  expect((await search(id)).status, `1 ms before ${t.expiresAt} s`).toBe('IN PROGRESS')
  await to(t.expiresAt)
  const done = await search(id)
  expect(done.status, `at ${t.expiresAt} s`).toBe('EXPIRED')
  expect(done.date_finalized).toMatch(DATE)
  // On the frozen clock the dates are exact: first event at submission, last event and the end
  // at their offsets.
  const at = (d: unknown) => Date.parse(`${String(d).replace(' ', 'T')}Z`) / 1000
  const lastOffset = t.events.length ? (t.events[t.events.length - 1] as [number, string])[0] : 0
  expect(at(done.first_event_date)).toBe(at(done.date_submitted))
  expect(at(done.last_event_date) - at(done.date_submitted)).toBe(lastOffset)
  expect(at(done.date_finalized) - at(done.date_submitted)).toBe(t.expiresAt)
  expect(done.price).toMatch(/^0(\.0+)?$/)
  expect((done.events as unknown[]).length).toBe(expected.length)
  // Nothing more goes out after the end, and the PIN no longer works.
  await to(t.expiresAt + 1000)
  expect(await channels(id)).toEqual(expected)
  const pin = await pinOf(sb.base, id)
  const check = await checkCode(id, pin)
  expect(check.body).toMatchObject({ status: '6', error_text: T.CHECK_NOT_FOUND(id) })
  // An expired request no longer blocks its number.
  const next = await postForm(sb.base, '/verify/json', { ...sb.creds, number, brand: 'Acme' })
  expect(next.body.status).toBe('0')
  return id
}

describe('default timelines of workflows 1–7', () => {
  it.each(['1', '2'])('workflow %s (a new PIN with the third event)', async (wf) => {
    const id = await walk(DEFAULTS[wf] as Timeline)
    const p = await pins(id)
    // The PIN (300 s) has expired when the third event fires at 305 s: a new one goes out.
    expect(p[1]).toBe(p[0])
    expect(p[2]).not.toBe(p[1])
  })

  it.each(['3', '4', '5', '6', '7'])('workflow %s (one PIN throughout)', async (wf) => {
    const id = await walk(DEFAULTS[wf] as Timeline)
    expect(new Set(await pins(id)).size).toBe(1)
  })
})

describe('next_event_wait replaces the default waits', () => {
  const rows: [string, Timeline][] = [
    [
      'workflow 1, 60 s',
      {
        params: { workflow_id: '1', next_event_wait: '60' },
        first: 'sms',
        events: [
          [60, 'tts'],
          [120, 'tts'],
        ],
        expiresAt: 180,
      },
    ],
    [
      'workflow 2, 90 s',
      {
        params: { workflow_id: '2', next_event_wait: '90', pin_expiry: '270' },
        first: 'sms',
        events: [
          [90, 'sms'],
          [180, 'tts'],
        ],
        expiresAt: 270,
      },
    ],
    [
      'workflow 3, 60 s',
      {
        params: { workflow_id: '3', next_event_wait: '60' },
        first: 'tts',
        events: [[60, 'tts']],
        expiresAt: 120,
      },
    ],
    [
      'workflow 4, 900 s',
      {
        params: { workflow_id: '4', next_event_wait: '900', pin_expiry: '1800' },
        first: 'sms',
        events: [[900, 'sms']],
        expiresAt: 1800,
      },
    ],
    [
      'workflow 5, 60 s',
      {
        params: { workflow_id: '5', next_event_wait: '60' },
        first: 'sms',
        events: [[60, 'tts']],
        expiresAt: 120,
      },
    ],
    [
      'workflow 6, pin_expiry 120 s',
      { params: { workflow_id: '6', pin_expiry: '120' }, first: 'sms', events: [], expiresAt: 120 },
    ],
    [
      'workflow 7, pin_expiry 3600 s',
      {
        params: { workflow_id: '7', pin_expiry: '3600' },
        first: 'tts',
        events: [],
        expiresAt: 3600,
      },
    ],
  ]
  it.each(rows)('%s', async (_name, t) => {
    await walk(t)
  })
})

describe('PIN lifetime (DOC-TIMING examples, workflow 1)', () => {
  const rows: [string, string, string, (p: string[]) => void][] = [
    ['360/120: the same PIN all three times', '360', '120', (p) => expect(new Set(p).size).toBe(1)],
    [
      '240/120: the first two the same, a new PIN for the third',
      '240',
      '120',
      (p) => {
        expect(p[1]).toBe(p[0])
        expect(p[2]).not.toBe(p[1])
      },
    ],
    ['120/120: a new PIN each time', '120', '120', (p) => expect(new Set(p).size).toBe(3)],
    [
      '90/120 (not a multiple: becomes 120): a new PIN each time',
      '90',
      '120',
      (p) => expect(new Set(p).size).toBe(3),
    ],
    [
      '200/120 (not a multiple: becomes 120): a new PIN each time',
      '200',
      '120',
      (p) => expect(new Set(p).size).toBe(3),
    ],
  ]
  it.each(rows)('%s', async (_name, pinExpiry, wait, expectPins) => {
    const id = await start({
      workflow_id: '1',
      pin_expiry: pinExpiry,
      next_event_wait: wait,
      code_length: '6',
    })
    await to(120)
    await to(240)
    const p = await pins(id)
    expect(p).toHaveLength(3)
    expectPins(p)
  })

  it('applies the multiple rule only when both are given: pin_expiry 600 alone keeps one PIN', async () => {
    const id = await start({ workflow_id: '1', pin_expiry: '600', code_length: '6' })
    await to(125)
    await to(305)
    const p = await pins(id)
    expect(p).toHaveLength(3)
    expect(new Set(p).size).toBe(1)
  })

  it('applies the multiple rule only when both are given: next_event_wait 120 alone keeps 300 s', async () => {
    const id = await start({ workflow_id: '1', next_event_wait: '120', code_length: '6' })
    await to(120)
    await to(240)
    const p = await pins(id)
    expect(p).toHaveLength(3)
    // The default 300 s PIN is still valid at 240 s.
    expect(new Set(p).size).toBe(1)
  })

  it('workflow 6 with 200/120: pin_expiry becomes 120 and the request expires then', async () => {
    const id = await start({ workflow_id: '6', pin_expiry: '200', next_event_wait: '120' })
    await to(120 - MS)
    expect((await search(id)).status).toBe('IN PROGRESS')
    await to(120)
    expect((await search(id)).status).toBe('EXPIRED')
  })

  it('a triggered event resends the same PIN while it is still valid', async () => {
    const id = await start({
      workflow_id: '1',
      pin_expiry: '120',
      next_event_wait: '120',
      code_length: '6',
    })
    await to(10)
    const res = await postForm(sb.base, '/verify/control/json', {
      ...sb.creds,
      request_id: id,
      cmd: 'trigger_next_event',
    })
    expect(res.body.status).toBe('0')
    const p = await pins(id)
    expect(p).toHaveLength(2)
    expect(p[1]).toBe(p[0])
  })

  it('360/120: the request expires when the last wait runs out, at 360 s', async () => {
    const id = await start({ workflow_id: '1', pin_expiry: '360', next_event_wait: '120' })
    await to(360 - MS)
    expect((await search(id)).status).toBe('IN PROGRESS')
    await to(360)
    expect((await search(id)).status).toBe('EXPIRED')
  })

  it('a new PIN brings three new attempts; the replaced PIN no longer matches', async () => {
    const id = await start({
      workflow_id: '1',
      pin_expiry: '120',
      next_event_wait: '120',
      code_length: '6',
    })
    const first = await pinOf(sb.base, id)
    const check = (code: string) => checkCode(id, code)
    expect((await check(wrongCode(first))).body.status).toBe('16')
    expect((await check(wrongCode(first))).body.status).toBe('16')
    await to(120)
    const second = await pinOf(sb.base, id)
    expect(second).not.toBe(first)
    expect((await check(first)).body.status).toBe('16')
    expect((await check(wrongCode(second))).body.status).toBe('16')
    const last = await check(wrongCode(second))
    expect(last.body.status).toBe('17')
    expect((await search(id)).status).toBe('FAILED')
  })

  it('the PIN still works 1 ms before the request expires', async () => {
    const id = await start({ workflow_id: '4' })
    await to(300 - MS)
    const pin = await pinOf(sb.base, id)
    const res = await checkCode(id, pin)
    expect(res.body.status).toBe('0')
  })

  it('a PIN is valid for pin_expiry only: workflow 1 between 300 s and the third event at 305 s', async () => {
    const id = await start({ workflow_id: '1', code_length: '6' })
    const first = await pinOf(sb.base, id)
    const check = (code: string) => checkCode(id, code)
    await to(300)
    expect((await check(first)).body).toMatchObject({ status: '16', error_text: T.WRONG_CODE })
    await to(305)
    const renewed = await pinOf(sb.base, id)
    expect(renewed).not.toBe(first)
    expect((await check(renewed)).body.status).toBe('0')
  })

  it('a correct code stops the workflow: no further event is sent', async () => {
    const id = await start({ workflow_id: '2' })
    await to(10)
    const pin = await pinOf(sb.base, id)
    const res = await checkCode(id, pin)
    expect(res.body.status).toBe('0')
    await to(1000)
    expect(await channels(id)).toEqual(['sms'])
    const s = await search(id)
    expect(s.status).toBe('SUCCESS')
    expect(s.last_event_date).toBe(s.first_event_date)
  })

  it('the check answers the event_id of the event whose PIN matched (the latest)', async () => {
    const id = await start({ workflow_id: '4' })
    await to(120)
    const pin = await pinOf(sb.base, id)
    const res = await checkCode(id, pin)
    expect(res.body.status).toBe('0')
    const events = (await search(id)).events as { id: string }[]
    expect(events).toHaveLength(2)
    expect(res.body.event_id).toBe(events[1]?.id)
  })
})

describe('the cancel window', () => {
  const cancel = (id: string) =>
    postForm(sb.base, '/verify/control/json', { ...sb.creds, request_id: id, cmd: 'cancel' })

  it.each([
    ['workflow 1 1 ms before 30 s: too early', '1', 30 - MS, T.CANCEL_TOO_EARLY],
    ['workflow 1 at 125 s (the second event went out): too late', '1', 125, T.CANCEL_TOO_LATE],
    ['workflow 3 at 150 s (the second event went out): too late', '3', 150, T.CANCEL_TOO_LATE],
  ] as const)('%s', async (_name, wf, second, text) => {
    const id = await start({ workflow_id: wf })
    await to(second)
    expect((await cancel(id)).body).toEqual({ status: '19', error_text: text(id) })
    expect((await search(id)).status).toBe('IN PROGRESS')
  })

  it.each([
    ['workflow 1 at 30 s', '1', 30],
    ['workflow 1 1 ms before the second event at 125 s', '1', 125 - MS],
    ['workflow 3 1 ms before the second event at 150 s', '3', 150 - MS],
    ['workflow 6 at 200 s (no second event)', '6', 200],
  ] as const)('%s: cancelled, and nothing more goes out', async (_name, wf, second) => {
    const id = await start({ workflow_id: wf })
    await to(second)
    expect((await cancel(id)).body).toEqual({ status: '0', command: 'cancel' })
    const s = await search(id)
    expect(s.status).toBe('CANCELLED')
    const before = (await messages(sb.base, id)).length
    await to(second + 700)
    expect(await messages(sb.base, id)).toHaveLength(before)
  })

  it('trigger_next_event is not bound by the 30 s rule and moves the timeline on', async () => {
    const id = await start({ workflow_id: '3' })
    await to(10)
    const res = await postForm(sb.base, '/verify/control/json', {
      ...sb.creds,
      request_id: id,
      cmd: 'trigger_next_event',
    })
    expect(res.body).toEqual({ status: '0', command: 'trigger_next_event' })
    expect(await channels(id)).toEqual(['tts', 'tts'])
    // The default second event at 150 s does not go out again.
    await to(160)
    expect(await channels(id)).toEqual(['tts', 'tts'])
  })
})
