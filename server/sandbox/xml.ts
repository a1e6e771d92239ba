/** Renders Verify v1 answers as the XML the API's `/xml` endpoints return. */
import type { VerifyEndpoint } from '../../contract/index.ts'

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'

/** Element name of the items of each array field. */
const ITEM_NAMES: Record<string, string> = {
  checks: 'check',
  events: 'event',
  verification_requests: 'verify_request',
}

/**
 * What element text must not hold as it is: the markup characters `&` `<` `>`, a carriage return
 * (a parser would read it as a line feed) and every character XML 1.0 does not allow at all (C0
 * controls other than tab and line feed, unpaired surrogates, U+FFFE, U+FFFF). Quotes need no
 * escape in element text, and these documents have no attributes; the API's own texts keep their
 * apostrophes ("Request 'abcd' was not found").
 */
const SPECIAL = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Cs}/gu

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\r': '&#13;',
}

/**
 * A value as XML 1.0 element text: markup characters escaped, a carriage return kept as a
 * character reference, and each character XML 1.0 forbids (which no reference may name either)
 * replaced by U+FFFD, so the document is always well-formed.
 */
export function escapeXmlText(value: string): string {
  return value.replace(SPECIAL, (c) => ENTITIES[c] ?? '\ufffd')
}

function element(name: string, value: unknown): string {
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name] ?? 'item'
    if (value.length === 0) return `<${name}/>`
    return `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>`
  }
  if (value !== null && typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v))
      .join('')
    return `<${name}>${inner}</${name}>`
  }
  const text = value === undefined || value === null ? '' : String(value)
  return text === '' ? `<${name}/>` : `<${name}>${escapeXmlText(text)}</${name}>`
}

/** The root element of an answer of an endpoint. */
function xmlRoot(endpoint: VerifyEndpoint, body: Record<string, unknown>): string {
  switch (endpoint) {
    case 'search':
      return 'verification_requests' in body ? 'verification_requests' : 'verify_request'
    case 'control':
      return 'response'
    default:
      return 'verify_response'
  }
}

/**
 * The full XML document of an answer. A `<verify_response>` (start and check) always begins with
 * `<request_id>`, then `<status>` and `<error_text>`, the order the API was seen answering in: an
 * answer whose JSON has no `request_id` (a start refused, a check's 17) has an empty
 * `<request_id/>` there, so a client reading the children by position finds the status second.
 */
export function renderXml(endpoint: VerifyEndpoint, body: Record<string, unknown>): string {
  const root = xmlRoot(endpoint, body)
  if (root === 'verification_requests') {
    return XML_HEADER + element(root, body.verification_requests)
  }
  if (root === 'verify_response') {
    return XML_HEADER + element(root, { request_id: '', ...body })
  }
  return XML_HEADER + element(root, body)
}
