import { describe, expect, it } from 'vitest'
import { getJson, type Body } from './support/http'
import { expectStarted, sandboxForAllTests } from './support/sandbox'

// A search of several requests takes `request_ids` repeated or as one comma-separated value, the
// way a list is typed or pasted: "a,b" or "a, b".
const sb = sandboxForAllTests()

async function searchIds(request_ids: string | string[]) {
  const res = await getJson(sb.base, '/verify/search/json', { ...sb.creds, request_ids })
  expect(res.body.status, JSON.stringify(res.body)).toBeUndefined()
  return (res.body.verification_requests as Body[]).map((r) => r.request_id).sort()
}

describe('a search of several request ids', () => {
  it('finds each of a comma-separated list, with or without spaces after the commas', async () => {
    const a = await expectStarted(sb)
    const b = await expectStarted(sb)
    const both = [a, b].sort()
    expect(await searchIds(`${a},${b}`)).toEqual(both)
    expect(await searchIds(`${a}, ${b}`)).toEqual(both)
    expect(await searchIds(` ${a} ,  ${b} `)).toEqual(both)
    expect(await searchIds([a, b])).toEqual(both)
  })
})
