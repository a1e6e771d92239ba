import { describe, expect, it } from 'vitest'
import { getJson, postJson, type Body } from './support/http'
import { expectStarted, sandboxForAllTests } from './support/sandbox'
import { NO_RESPONSE } from './support/texts'

// A search of several requests names them as the spec's `request_ids` is sent (`style: form,
// explode: true`, as the Python and Java SDKs send it): a repeated parameter, one id per value, or
// a JSON array. A comma is not a separator: it is part of the one value it is in.
const sb = sandboxForAllTests()

async function search(request_ids: string | string[]) {
  return (await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_ids })).body
}

const idsOf = (body: Body) => (body.verification_requests as Body[]).map((r) => r.request_id).sort()

describe('a search of several request ids', () => {
  it('finds each id of a repeated request_ids, and each of a JSON array', async () => {
    const a = await expectStarted(sb)
    const b = await expectStarted(sb)
    expect(idsOf(await search([a, b]))).toEqual([a, b].sort())
    const json = await postJson(sb.base, '/verify/search/json', {
      ...sb.creds,
      request_ids: [a, b],
    })
    expect(idsOf(json.body)).toEqual([a, b].sort())
  })

  it('reads a comma-separated value as the one id it is, which no request has', async () => {
    const a = await expectStarted(sb)
    const b = await expectStarted(sb)
    for (const written of [`${a},${b}`, `${a}, ${b}`]) {
      expect(await search(written)).toEqual({
        request_id: written,
        status: '101',
        error_text: NO_RESPONSE,
      })
    }
    // Next to another id, it is one of two ids, and only the other is found.
    expect(idsOf(await search([`${a},${b}`, b]))).toEqual([b])
  })

  it('matches an id as written: one with a space around it is not found', async () => {
    const a = await expectStarted(sb)
    expect(await search(` ${a}`)).toMatchObject({ status: '101', request_id: ` ${a}` })
  })
})
