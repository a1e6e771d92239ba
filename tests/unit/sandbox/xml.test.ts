import { describe, expect, it } from 'vitest'
import { escapeXmlText, renderXml } from '../../../server/sandbox/xml'

describe('escapeXmlText', () => {
  it('escapes markup, keeps a carriage return as a reference and replaces forbidden characters', () => {
    expect(escapeXmlText('a<b>&c')).toBe('a&lt;b&gt;&amp;c')
    expect(escapeXmlText('a\r\n\tb')).toBe('a&#13;\n\tb')
    expect(escapeXmlText('\u0000\u0001\u0008\u000b\u000c\u000e\u001f')).toBe('\ufffd'.repeat(7))
    expect(escapeXmlText('x\ufffe\uffffy')).toBe('x\ufffd\ufffdy')
    expect(escapeXmlText('\ud800-\udc00-\u{1F600}')).toBe('\ufffd-\ufffd-\u{1F600}')
    expect(escapeXmlText('Request \'abcd\' "q" \u0085\u007f')).toBe(
      'Request \'abcd\' "q" \u0085\u007f',
    )
  })
})

describe('renderXml', () => {
  it('writes a stored sender_id with control characters (kept from an older state) as valid text', () => {
    const xml = renderXml('search', {
      request_id: 'a'.repeat(32),
      sender_id: 'V\u0000E\u0001R',
      checks: [],
      status: 'IN PROGRESS',
    })
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<verify_request>' +
        `<request_id>${'a'.repeat(32)}</request_id><sender_id>V\ufffdE\ufffdR</sender_id>` +
        '<checks/><status>IN PROGRESS</status></verify_request>',
    )
  })
})

describe('renderXml of a <verify_response>', () => {
  it('writes request_id first, empty where the answer has none, and keeps the order of the rest', () => {
    const text = 'The wrong code was provided too many times. Request terminated'
    expect(renderXml('check', { status: '17', error_text: text })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<verify_response><request_id/>' +
        `<status>17</status><error_text>${text}</error_text></verify_response>`,
    )
    expect(renderXml('request', { status: '7', error_text: 'x', network: '23410' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<verify_response><request_id/>' +
        '<status>7</status><error_text>x</error_text><network>23410</network></verify_response>',
    )
    expect(renderXml('request', { status: '0', request_id: 'ab' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<verify_response><request_id>ab</request_id>' +
        '<status>0</status></verify_response>',
    )
    expect(renderXml('control', { status: '6', error_text: 'x' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<response><status>6</status><error_text>x</error_text></response>',
    )
  })
})
