/** Renders Verify v1 answers as the XML the API's `/xml` endpoints return. */
import type { VerifyEndpoint } from '../../contract/index.ts'

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'

/** Element name of the items of each array field. */
const ITEM_NAMES: Record<string, string> = {
  checks: 'check',
  events: 'event',
  verification_requests: 'verify_request',
}

export function escapeXml(value: string): string {
  return value.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
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
  return text === '' ? `<${name}/>` : `<${name}>${escapeXml(text)}</${name}>`
}

/** The root element of an answer of an endpoint. */
export function xmlRoot(endpoint: VerifyEndpoint, body: Record<string, unknown>): string {
  switch (endpoint) {
    case 'search':
      return 'verification_requests' in body ? 'verification_requests' : 'verify_request'
    case 'control':
      return 'response'
    default:
      return 'verify_response'
  }
}

/** The full XML document of an answer. */
export function renderXml(endpoint: VerifyEndpoint, body: Record<string, unknown>): string {
  const root = xmlRoot(endpoint, body)
  if (root === 'verification_requests') {
    return XML_HEADER + element(root, body.verification_requests)
  }
  return XML_HEADER + element(root, body)
}
