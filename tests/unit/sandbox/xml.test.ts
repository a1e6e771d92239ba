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
