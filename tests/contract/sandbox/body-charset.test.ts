import { describe, expect, it } from 'vitest'
import { postBody, raw, type Body } from './support/http'
import { admin, brandOf, messages, sandboxForAllTests, uniqueNumber } from './support/sandbox'
import { UNSUPPORTED_CHARSET } from './support/texts'
import { expectWellFormedXml } from './support/xml'

// A body is read in the charset it declares (a form's escapes are bytes of that charset).
const sb = sandboxForAllTests()

const FORM = 'application/x-www-form-urlencoded'

const credsForm = () => `api_key=${sb.key}&api_secret=${sb.secret}&number=${uniqueNumber()}`

describe('a form body in the charset it declares', () => {
  it('reads brand=Caf%E9 declared ISO-8859-1 as Café, on the handset too', async () => {
    const res = await postBody(
      sb.base,
      '/verify/json',
      `${FORM}; charset=ISO-8859-1`,
      `${credsForm()}&brand=Caf%E9`,
    )
    expect(res.body.status).toBe('0')
    expect(await brandOf(sb.base, res.body.request_id)).toBe('Café')
    const [sms] = await messages(sb.base, String(res.body.request_id))
    expect(sms?.text).toContain('Your Café PIN is')
  })

  it('reads raw bytes and escapes of windows-1252 and a quoted label', async () => {
    const body = Buffer.concat([
      Buffer.from(`${credsForm()}&brand=`),
      Buffer.from([0xe9, 0x25, 0x38, 0x30, 0x2b, 0x41]), // é %80 + A
    ])
    const res = await postBody(sb.base, '/verify/json', `${FORM}; charset="windows-1252"`, body)
    expect(res.body.status).toBe('0')
    expect(await brandOf(sb.base, res.body.request_id)).toBe('é€ A')
  })

  it('keeps reading UTF-8 when no charset or utf-8 is declared', async () => {
    for (const type of [FORM, `${FORM}; charset=utf-8`, `${FORM};charset=UTF8`]) {
      const res = await postBody(
        sb.base,
        '/verify/json',
        type,
        `${credsForm()}&brand=Caf%C3%A9+%E2%82%AC`,
      )
      expect(res.body.status, type).toBe('0')
      expect(await brandOf(sb.base, res.body.request_id)).toBe('Café €')
    }
  })

  it('reads a JSON body in the charset it declares', async () => {
    const json = JSON.stringify({ ...sb.creds, number: uniqueNumber(), brand: 'Café' })
    const body = Buffer.from(json, 'utf16le')
    const res = await postBody(sb.base, '/verify/json', 'application/json; charset=utf-16le', body)
    expect(res.body.status).toBe('0')
    expect(await brandOf(sb.base, res.body.request_id)).toBe('Café')
  })

  it('answers status 999 naming a charset it does not know, and starts nothing', async () => {
    const number = uniqueNumber()
    const body = `api_key=${sb.key}&api_secret=${sb.secret}&number=${number}&brand=Acme`
    const res = await postBody(sb.base, '/verify/json', `${FORM}; charset=x-klingon`, body)
    expect(res.http).toBe(200)
    expect(res.body).toEqual({ status: '999', error_text: UNSUPPORTED_CHARSET('x-klingon') })
    const listed = (await admin(sb.base, `/requests?number=${number}`)) as { requests: Body[] }
    expect(listed.requests).toEqual([])

    const xml = await raw(sb.base, {
      method: 'POST',
      path: '/verify/xml',
      headers: { 'content-type': `${FORM}; charset="x-<klingon>"` },
      body,
    })
    expectWellFormedXml(xml.text)
    expect(xml.text).toContain(
      '<status>999</status><error_text>Could not parse request :: Unsupported charset: x-&lt;klingon&gt;</error_text>',
    )
  })
})
