import { describe, expect, it } from 'vitest'
import { getJson, qs, raw } from './support/http'
import { expectStarted, sandboxForAllTests } from './support/sandbox'
import * as T from './support/texts'

// A request_id longer than an id can be (32 characters) answers status 3 on control, as on check
// (the spec's example on both): `Invalid value for param: request_id`, not 6 "no longer active".
const sb = sandboxForAllTests()
const TOO_LONG = 'a'.repeat(35)

describe('control of a request_id longer than 32 characters', () => {
  it('answers status 3 to trigger_next_event and cancel, in JSON and XML', async () => {
    for (const cmd of ['trigger_next_event', 'cancel']) {
      const res = await getJson(sb.base, '/verify/control/json', {
        ...sb.creds,
        request_id: TOO_LONG,
        cmd,
      })
      expect(res.body).toEqual({ status: '3', error_text: T.invalid('request_id') })
    }
    const xml = await raw(sb.base, {
      path: `/verify/control/xml?${qs({ ...sb.creds, request_id: 'b'.repeat(33), cmd: 'cancel' })}`,
    })
    expect(xml.text).toContain(
      '<response><status>3</status><error_text>Invalid value for param: request_id</error_text></response>',
    )
  })

  it('is judged after the missing parameters and before the command, as check judges its code', async () => {
    const missingCmd = await getJson(sb.base, '/verify/control/json', {
      ...sb.creds,
      request_id: TOO_LONG,
    })
    expect(missingCmd.body).toEqual({ status: '2', error_text: T.missing('cmd') })
    const badCmd = await getJson(sb.base, '/verify/control/json', {
      ...sb.creds,
      request_id: TOO_LONG,
      cmd: 'delete',
    })
    expect(badCmd.body).toEqual({ status: '3', error_text: T.invalid('request_id') })
    const check = await getJson(sb.base, '/verify/check/json', {
      ...sb.creds,
      request_id: TOO_LONG,
      code: '1234',
    })
    expect(check.body).toEqual({ status: '3', error_text: T.invalid('request_id') })
  })

  it('leaves an id of 32 characters to be looked up: unknown answers 6, a real one is triggered', async () => {
    const unknown = 'c'.repeat(32)
    const res = await getJson(sb.base, '/verify/control/json', {
      ...sb.creds,
      request_id: unknown,
      cmd: 'trigger_next_event',
    })
    expect(res.body).toEqual({ status: '6', error_text: T.CONTROL_NOT_ACTIVE(unknown) })
    const id = await expectStarted(sb)
    const ok = await getJson(sb.base, '/verify/control/json', {
      ...sb.creds,
      request_id: id,
      cmd: 'trigger_next_event',
    })
    expect(ok.body).toEqual({ status: '0', command: 'trigger_next_event' })
  })
})
