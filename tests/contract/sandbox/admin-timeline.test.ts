import { describe, expect, it } from 'vitest'
import { type Body } from './support/http'
import { admin, advance, expectStarted, frozenClock, sandboxForAllTests } from './support/sandbox'

// What GET /__admin/requests/<id> says of a request's timeline (the request page's countdowns):
// `next_event_at` is when the next SMS or call goes out (null once none is left) and `expires_at`
// when the request expires. Each is checked as seconds after the request's own `submitted_at`,
// on a sandbox whose clock moves only when told to.
const sb = sandboxForAllTests(frozenClock)

interface Timeline {
  status: unknown
  events: number
  /** Seconds from `submitted_at` to `next_event_at`, or null. */
  nextEvent: number | null
  /** Seconds from `submitted_at` to `expires_at`, or null. */
  expires: number | null
}

async function timeline(id: string): Promise<Timeline> {
  const r = (await admin(sb.base, `/requests/${id}`)) as Body
  const submitted = Date.parse(String(r.submitted_at))
  const after = (iso: unknown) =>
    iso === null ? null : (Date.parse(String(iso)) - submitted) / 1000
  return {
    status: r.status,
    events: (r.events as unknown[]).length,
    nextEvent: after(r.next_event_at),
    expires: after(r.expires_at),
  }
}

describe('the admin timeline of a workflow 1 request (SMS, 125 s, TTS, 180 s, TTS, 300 s)', () => {
  it('expires 605 s after the start, from the start to its last minutes', async () => {
    const id = await expectStarted(sb)
    expect(await timeline(id)).toEqual({
      status: 'IN PROGRESS',
      events: 1,
      nextEvent: 125,
      expires: 605,
    })

    await advance(sb.base, 125)
    expect(await timeline(id)).toEqual({
      status: 'IN PROGRESS',
      events: 2,
      nextEvent: 305,
      expires: 605,
    })

    await advance(sb.base, 180)
    // The third event was the last: the request waits 300 s for a code and nothing more is sent.
    expect(await timeline(id)).toEqual({
      status: 'IN PROGRESS',
      events: 3,
      nextEvent: null,
      expires: 605,
    })

    await advance(sb.base, 300)
    expect(await timeline(id)).toEqual({
      status: 'EXPIRED',
      events: 3,
      nextEvent: null,
      expires: null,
    })
  })

  it('counts every remaining wait from next_event_wait when it is given', async () => {
    const id = await expectStarted(sb, { next_event_wait: '60' })
    expect(await timeline(id)).toMatchObject({ nextEvent: 60, expires: 180 })
    await advance(sb.base, 60)
    expect(await timeline(id)).toMatchObject({ events: 2, nextEvent: 120, expires: 180 })
  })
})

describe('the admin timeline of a one-message workflow', () => {
  it.each([
    ['6', 'SMS'],
    ['7', 'TTS'],
  ])(
    'shows no next event for workflow %s (%s only), and the expiry after pin_expiry',
    async (workflow_id) => {
      const byDefault = await expectStarted(sb, { workflow_id })
      expect(await timeline(byDefault)).toEqual({
        status: 'IN PROGRESS',
        events: 1,
        nextEvent: null,
        expires: 300,
      })
      const short = await expectStarted(sb, { workflow_id, pin_expiry: '120' })
      expect(await timeline(short)).toMatchObject({ nextEvent: null, expires: 120 })
    },
  )
})
