import { afterEach, describe, expect, it } from 'vitest'
import { createSandbox } from '../../../server/sandbox/index'
import type { Sandbox } from '../../../server/sandbox/index'
import { CREDS, fakeEngine } from './support'

// The order of the fields of a search answer as the API writes them (the 2024 list fixture of the
// reference and the spec's example): `id` before `type` in each event.
const FIELDS = [
  'request_id',
  'account_id',
  'number',
  'sender_id',
  'date_submitted',
  'date_finalized',
  'checks',
  'first_event_date',
  'last_event_date',
  'price',
  'currency',
  'status',
  'estimated_price_messages_sent',
  'events',
]

const KEY = `api_key=${CREDS.api_key}&api_secret=${CREDS.api_secret}`
const opened: Sandbox[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
})

async function text(s: Sandbox, path: string): Promise<string> {
  return (await s.fetch(new Request(`http://sandbox${path}`))).text()
}

describe('search answers list each event as {id, type}', () => {
  it('the engine writes the fields in the API order, id first in each event', () => {
    const s = fakeEngine()
    const id = s.start({ workflow_id: '2' })
    s.call('control', { request_id: id, cmd: 'trigger_next_event' })
    const one = s.call('search', { request_id: id })
    expect(Object.keys(one)).toEqual(FIELDS)
    const events = one.events as Record<string, string>[]
    expect(events).toHaveLength(2)
    for (const event of events) expect(Object.keys(event)).toEqual(['id', 'type'])
  })

  it('JSON and XML over the HTTP adapter carry id before type, for one id and for several', async () => {
    const s = createSandbox({ stateFile: false })
    opened.push(s)
    const started = JSON.parse(
      await text(s, `/verify/json?${KEY}&number=447700900000&brand=Acme`),
    ) as { request_id: string }
    const id = started.request_id
    const eventId = (await (
      await s.fetch(new Request(`http://sandbox/__admin/requests/${id}`))
    ).json()) as {
      events: { id: string }[]
    }
    const eid = eventId.events[0]?.id as string
    expect(eid).toMatch(/^[0-9A-F]{16}$/)

    const json = await text(s, `/verify/search/json?${KEY}&request_id=${id}`)
    expect(json).toContain(`"events":[{"id":"${eid}","type":"sms"}]`)
    const list = await text(
      s,
      `/verify/search/json?${KEY}&request_ids=${id}&request_ids=${'0'.repeat(32)}`,
    )
    expect(list).toContain(`"events":[{"id":"${eid}","type":"sms"}]`)

    const xml = await text(s, `/verify/search/xml?${KEY}&request_id=${id}`)
    expect(xml).toContain(`<events><event><id>${eid}</id><type>sms</type></event></events>`)
    const xmlList = await text(
      s,
      `/verify/search/xml?${KEY}&request_ids=${id}&request_ids=${'0'.repeat(32)}`,
    )
    expect(xmlList).toContain(`<events><event><id>${eid}</id><type>sms</type></event></events>`)
  })
})
