import { describe, expect, it } from 'vitest'
import { REQUEST_ID } from './support/assert'
import { postForm, qs, raw } from './support/http'
import {
  admin,
  pinOf,
  sandboxForAllTests,
  startVerify,
  uniqueNumber,
  wrongCode,
} from './support/sandbox'
import * as T from './support/texts'

// A <verify_response> (start and check) has the children request_id, status, error_text in that
// order, as the API was seen answering; a client reading them by position (the status second, the
// text third) reads every answer alike. Where the JSON answer has no request_id, the XML one has
// an empty <request_id/> in its place.
const sb = sandboxForAllTests()

/** The root's name and its children (name and text) in order; the answers have no nesting. */
function tree(xml: string): { root: string; children: Array<[string, string]> } {
  const match = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<([a-z_]+)>(.*)<\/\1>$/s.exec(xml)
  if (!match) throw new Error(`not a one-level XML answer: ${xml.slice(0, 300)}`)
  const children = [...(match[2] as string).matchAll(/<([a-z_]+)(?:\/>|>([^<]*)<\/\1>)/g)]
  return {
    root: match[1] as string,
    children: children.map((c) => [c[1] as string, c[2] ?? ''] as [string, string]),
  }
}

async function xmlOf(path: string, params: Record<string, string>) {
  const res = await raw(sb.base, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: qs(params),
  })
  expect(res.status).toBe(200)
  return tree(res.text)
}

describe('the children of <verify_response>', () => {
  it('are request_id, status, error_text for the 17 of a third wrong code (no request_id in JSON)', async () => {
    const started = await startVerify(sb)
    const id = started.body.request_id as string
    const code = wrongCode(await pinOf(sb.base, id))
    for (let i = 0; i < 2; i++) {
      const wrong = await xmlOf('/verify/check/xml', { ...sb.creds, request_id: id, code })
      expect(wrong.children).toEqual([
        ['request_id', id],
        ['status', '16'],
        ['error_text', T.WRONG_CODE],
      ])
    }
    const last = await xmlOf('/verify/check/xml', { ...sb.creds, request_id: id, code })
    expect(last.root).toBe('verify_response')
    expect(last.children.map(([name]) => name)).toEqual(['request_id', 'status', 'error_text'])
    expect(last.children[0]).toEqual(['request_id', ''])
    expect(last.children[1]).toEqual(['status', '17'])
    expect(T.TOO_MANY_WRONG).toContain(last.children[2]?.[1])
  })

  it('begin with an empty request_id on a refused start, and the JSON answer stays without one', async () => {
    const params = { ...sb.creds, number: uniqueNumber() }
    const refused = await xmlOf('/verify/xml', params)
    expect(refused).toEqual({
      root: 'verify_response',
      children: [
        ['request_id', ''],
        ['status', '2'],
        ['error_text', T.missing('brand')],
      ],
    })
    const json = await postForm(sb.base, '/verify/json', params)
    expect(json.body).toEqual({ status: '2', error_text: T.missing('brand') })
    const badKey = await xmlOf('/verify/xml', { ...params, brand: 'Acme', api_secret: 'wrong' })
    expect(badKey.children.map(([name]) => name)).toEqual(['request_id', 'status', 'error_text'])
    expect(badKey.children[1]).toEqual(['status', '4'])
  })

  it('begin with request_id on a check of an unknown request, a 999 and an injected 7', async () => {
    const unknown = 'f'.repeat(32)
    const check = await xmlOf('/verify/check/xml', {
      ...sb.creds,
      request_id: unknown,
      code: '1234',
    })
    expect(check.children).toEqual([
      ['request_id', unknown],
      ['status', '6'],
      ['error_text', T.CHECK_NOT_FOUND(unknown)],
    ])
    const unparseable = await raw(sb.base, {
      method: 'POST',
      path: '/verify/check/xml',
      headers: { 'content-type': 'application/json' },
      body: '{',
    })
    expect(tree(unparseable.text).children).toEqual([
      ['request_id', ''],
      ['status', '999'],
      ['error_text', T.UNPARSEABLE_JSON],
    ])
    await admin(sb.base, '/faults', { endpoint: 'request', status: '7', network: '23410' })
    const blocked = await xmlOf('/verify/xml', { ...sb.creds, number: uniqueNumber(), brand: 'A' })
    expect(blocked.children.map(([name]) => name)).toEqual([
      'request_id',
      'status',
      'error_text',
      'network',
    ])
    expect(blocked.children[0]).toEqual(['request_id', ''])
    expect(blocked.children[3]).toEqual(['network', '23410'])
  })

  it('keep the id first on a start and a verified check', async () => {
    const number = uniqueNumber()
    const start = await xmlOf('/verify/xml', { ...sb.creds, number, brand: 'Acme' })
    expect(start.children.map(([name]) => name)).toEqual(['request_id', 'status'])
    const id = start.children[0]?.[1] as string
    expect(id).toMatch(REQUEST_ID)
    const ok = await xmlOf('/verify/check/xml', {
      ...sb.creds,
      request_id: id,
      code: await pinOf(sb.base, id),
    })
    expect(ok.children.slice(0, 3).map(([name]) => name)).toEqual([
      'request_id',
      'event_id',
      'status',
    ])
    expect(ok.children[2]).toEqual(['status', '0'])
  })
})
