/**
 * Vonage's Verify v1 OpenAPI definition (1.2.4, kept byte for byte beside this file) as a judge of
 * the sandbox's answers: the response schema of an endpoint, HTTP status and media type, `$ref`s
 * resolved, and a body (JSON, or XML read by the schema's `xml` names) validated against it.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import { expectWellFormedXml } from '../support/xml'

export const SPEC_FILE = new URL('./verify-v1.2.4.json.txt', import.meta.url)
/** SHA-256 of the file as Vonage's directory publishes it. */
export const SPEC_SHA256 = '0b9aa9d4108bd23ee70a5448472c7788d79f2c2e3eee7b71c941f6c81ddf83bb'

const specText = readFileSync(SPEC_FILE, 'utf8')

export function specDigest(): string {
  return createHash('sha256').update(readFileSync(SPEC_FILE)).digest('hex')
}

type Schema = Record<string, unknown>

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function field(value: unknown, key: string, where: string): Schema {
  const found = isObject(value) ? value[key] : undefined
  if (!isObject(found)) throw new Error(`the definition has no ${where}.${key}`)
  return found
}

export const SPEC = JSON.parse(specText) as Schema
const COMPONENTS = field(field(SPEC, 'components', '$'), 'schemas', 'components')

/** The Verify endpoints and network unblock, by the name the sandbox gives them. */
export type Endpoint = 'request' | 'psd2' | 'check' | 'search' | 'control' | 'network-unblock'
export type Format = 'json' | 'xml'

/** Each endpoint's path in the definition (below its server, `https://api.nexmo.com/verify`). */
export const SPEC_PATHS: Record<Endpoint, string> = {
  request: '/{format}',
  psd2: '/psd2/{format}',
  check: '/check/{format}',
  search: '/search/{format}',
  control: '/control/{format}',
  'network-unblock': '/network-unblock',
}

/** The media type of each format in the definition's responses. */
export const MEDIA_TYPES: Record<Format, string> = { json: 'application/json', xml: 'text/xml' }

/** The one method the definition gives a path, and its request body's media type (if any). */
export function specOperation(endpoint: Endpoint): { method: string; bodyType: string | null } {
  const path = field(field(SPEC, 'paths', '$'), SPEC_PATHS[endpoint], 'paths')
  const methods = Object.keys(path)
  if (methods.length !== 1) throw new Error(`${SPEC_PATHS[endpoint]} has ${methods.join(', ')}`)
  const method = methods[0] as string
  const body = (path[method] as Schema).requestBody
  const types = isObject(body) && isObject(body.content) ? Object.keys(body.content) : []
  return { method: method.toUpperCase(), bodyType: types[0] ?? null }
}

/** The HTTP statuses the definition gives an endpoint's responses. */
export function specHttpStatuses(endpoint: Endpoint): string[] {
  const op = specOperationObject(endpoint)
  return Object.keys(field(op, 'responses', SPEC_PATHS[endpoint]))
}

function specOperationObject(endpoint: Endpoint): Schema {
  const path = field(field(SPEC, 'paths', '$'), SPEC_PATHS[endpoint], 'paths')
  return path[Object.keys(path)[0] as string] as Schema
}

/** The media types the definition gives one response of an endpoint. */
export function specMediaTypes(endpoint: Endpoint, http: number): string[] {
  const responses = field(specOperationObject(endpoint), 'responses', SPEC_PATHS[endpoint])
  const response = responses[String(http)]
  return isObject(response) && isObject(response.content) ? Object.keys(response.content) : []
}

/**
 * Fields the answers always carry. The definition marks no response field required (except the
 * four of its problem object, `ErrorThrottled`), yet its texts promise these: an error's
 * `error_text` "explains the error encountered" whenever `status` is non-zero; a start's
 * `request_id` is what "You need … for the Verify check"; a check's success names the event, the
 * price and the currency (only `estimated_price_messages_sent` "may not be present"); a search
 * object lists the request with its checks and events; control answers the `command` sent; an
 * unblock names the network and `unblocked_until`; its errors are problem objects (type, title,
 * detail, instance) like `ErrorThrottled`. Keyed by schema name, or the `xml.name` of an inline
 * item (`check`, `event`).
 */
const REQUIRED: Record<string, string[]> = {
  requestResponse: ['request_id', 'status'],
  requestErrorResponse: ['status', 'error_text'],
  checkResponse: ['request_id', 'event_id', 'status', 'price', 'currency'],
  checkErrorResponse: ['status', 'error_text'],
  searchResponse: [
    'request_id',
    'account_id',
    'number',
    'sender_id',
    'date_submitted',
    'date_finalized',
    'first_event_date',
    'last_event_date',
    'checks',
    'events',
    'price',
    'currency',
    'status',
  ],
  check: ['date_received', 'code', 'status'],
  event: ['id', 'type'],
  searchErrorResponse: ['status', 'error_text'],
  controlResponse: ['status', 'command'],
  controlErrorResponse: ['status', 'error_text'],
  networkUnblockResponseOk: ['network', 'unblocked_until'],
  networkUnblockResponseForbidden: ['type', 'title', 'detail', 'instance'],
  networkUnblockResponseNotFound: ['type', 'title', 'detail', 'instance'],
  networkUnblockResponseUnprocessableNetwork: ['type', 'title', 'detail', 'instance'],
  networkUnblockResponseInvalidDuration: ['type', 'title', 'detail', 'instance'],
}

const REF_PREFIX = '#/components/schemas/'

/**
 * A schema with its `$ref`s resolved and every object closed: `additionalProperties: false` (the
 * definition lists each field an answer has; one it does not name is one no client built from it
 * reads) and the `REQUIRED` fields. Only the schema keywords are walked, never an `example`.
 */
export function closedSchema(value: unknown, name?: string): Schema {
  if (!isObject(value)) throw new Error(`not a schema: ${JSON.stringify(value)}`)
  if (typeof value.$ref === 'string') {
    const ref = value.$ref
    if (!ref.startsWith(REF_PREFIX)) throw new Error(`a $ref outside the schemas: ${ref}`)
    const target = ref.slice(REF_PREFIX.length)
    return closedSchema(COMPONENTS[target], target)
  }
  const out: Schema = { ...value }
  if (isObject(value.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(value.properties).map(([k, v]) => [k, closedSchema(v)]),
    )
  }
  if (value.items !== undefined) out.items = closedSchema(value.items)
  if (Array.isArray(value.oneOf)) out.oneOf = value.oneOf.map((v) => closedSchema(v))
  const own = name ?? (isObject(value.xml) ? (value.xml.name as string | undefined) : undefined)
  if (value.type === 'object') {
    out.additionalProperties = false
    const required = own === undefined ? undefined : REQUIRED[own]
    if (required) out.required = required
  }
  return out
}

/** One schema an answer may match: its name in the definition and its `description`. */
export interface Branch {
  name: string
  description: string
  schema: Schema
}

/** The schemas of one response (each branch of a `oneOf`, or the one schema), closed. */
export function specBranches(endpoint: Endpoint, http: number, mediaType: string): Branch[] {
  const responses = field(specOperationObject(endpoint), 'responses', SPEC_PATHS[endpoint])
  const content = field(field(responses, String(http), 'responses'), 'content', String(http))
  const schema = field(field(content, mediaType, 'content'), 'schema', mediaType)
  const refs = Array.isArray(schema.oneOf) ? (schema.oneOf as unknown[]) : [schema]
  return refs.map((ref) => {
    const name =
      isObject(ref) && typeof ref.$ref === 'string' ? ref.$ref.slice(REF_PREFIX.length) : ''
    const closed = closedSchema(ref)
    return { name, description: String(closed.description ?? ''), schema: closed }
  })
}

/** The closed schema of a component by name. */
export function componentSchema(name: string): Schema {
  return closedSchema({ $ref: `${REF_PREFIX}${name}` })
}

/**
 * A status answered outside the definition's enum for an endpoint, or a shape outside it, taken
 * on the reference's word: what, where, and why (the reference quoted).
 */
export interface StatusAllowance {
  name: string
  endpoints: readonly Endpoint[]
  statuses: readonly string[]
}

const ajv = new Ajv({ allErrors: true, strict: true })
// OpenAPI's annotations (no effect on validation).
ajv.addVocabulary(['example', 'xml'])
const compiled = new Map<string, ValidateFunction>()

function validatorFor(key: string, schema: Schema): ValidateFunction {
  let validate = compiled.get(key)
  if (!validate) {
    validate = ajv.compile(schema)
    compiled.set(key, validate)
  }
  return validate
}

/** The schema with `status` taking one more value (a named allowance's). */
function withStatus(schema: Schema, status: string): Schema {
  const properties = schema.properties as Schema
  const statusSchema = properties.status as Schema
  return {
    ...schema,
    properties: {
      ...properties,
      status: { ...statusSchema, enum: [...(statusSchema.enum as string[]), status] },
    },
  }
}

/** Whether a body is a success by the definition's own words (`0` is success). */
function isSuccess(endpoint: Endpoint, body: Schema): boolean {
  // A search's success is the request found, whose status is the request's (IN PROGRESS…); its
  // error carries `error_text` ("If status is not SUCCESS, this message explains the issue").
  return endpoint === 'search' ? !('error_text' in body) : body.status === '0'
}

/**
 * The branch of a Verify answer (HTTP 200): its `oneOf` lists a success and an error schema (their
 * `description`s say which), which the definition tells apart by `status` (both branches are open
 * and without required fields, so JSON Schema's `oneOf` alone would take neither, or both).
 */
export function verifyBranch(endpoint: Endpoint, mediaType: string, body: Schema): Branch {
  const branches = specBranches(endpoint, 200, mediaType)
  const wanted = isSuccess(endpoint, body) ? 'Success' : 'Error'
  const branch = branches.find((b) => b.description === wanted)
  if (!branch) throw new Error(`${endpoint} has no ${wanted} branch in ${mediaType}`)
  return branch
}

/** Validation of a value against a schema: the errors, or an empty list. */
function problemsOf(key: string, schema: Schema, value: unknown): string[] {
  const validate = validatorFor(key, schema)
  if (validate(value)) return []
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  )
}

/**
 * The problems of a Verify answer's body against the definition (empty when it conforms). A status
 * outside the branch's enum is taken when an allowance names it for the endpoint: `used` collects
 * the allowances that were needed.
 */
export function verifyBodyProblems(
  endpoint: Endpoint,
  mediaType: string,
  body: unknown,
  allowances: readonly StatusAllowance[],
  used: Set<string> = new Set(),
): string[] {
  if (!isObject(body)) return [`not an object: ${JSON.stringify(body)}`]
  const branch = verifyBranch(endpoint, mediaType, body)
  const statuses = (branch.schema.properties as Schema | undefined)?.status as Schema | undefined
  const enumOf = (statuses?.enum as string[] | undefined) ?? []
  const status = typeof body.status === 'string' ? body.status : undefined
  const allowance =
    status !== undefined && enumOf.length > 0 && !enumOf.includes(status)
      ? allowances.find((a) => a.endpoints.includes(endpoint) && a.statuses.includes(status))
      : undefined
  if (allowance) used.add(allowance.name)
  const schema =
    allowance && status !== undefined ? withStatus(branch.schema, status) : branch.schema
  // A schema by its name: the same for every endpoint and format that lists it.
  const key = `${branch.name} ${allowance ? status : ''}`
  return problemsOf(key, schema, body).map((p) => `${branch.name}: ${p}`)
}

/** The problems of a value against a named component (closed). */
export function componentProblems(name: string, value: unknown): string[] {
  return problemsOf(`component ${name}`, componentSchema(name), value).map((p) => `${name}: ${p}`)
}

/** The problems of a value against any one of the schemas of a response (none when one takes it). */
export function anyBranchProblems(branches: Branch[], value: unknown): string[] {
  const all = branches.map((b) =>
    problemsOf(`branch ${b.name}`, b.schema, value).map((p) => `${b.name}: ${p}`),
  )
  return all.some((p) => p.length === 0) ? [] : all.flat()
}

// ------------------------------------------------------------------------------------------ XML

export interface XmlNode {
  name: string
  text: string
  children: XmlNode[]
}

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/g
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeText(text: string): string {
  return text.replace(ENTITY, (_, name: string | undefined, dec?: string, hex?: string) =>
    name
      ? (NAMED[name] as string)
      : String.fromCodePoint(dec ? Number(dec) : parseInt(hex as string, 16)),
  )
}

const TOKEN = /<(\/?)([A-Za-z_][A-Za-z0-9._-]*)\s*(\/?)>|([^<]+)/g

/** The element tree of a well-formed document (no attributes: the API's documents have none). */
export function parseXml(doc: string): XmlNode {
  expectWellFormedXml(doc)
  const body = doc.slice(doc.indexOf('?>') + 2)
  const root: XmlNode = { name: '', text: '', children: [] }
  const stack: XmlNode[] = [root]
  for (const m of body.matchAll(TOKEN)) {
    const top = stack[stack.length - 1] as XmlNode
    if (m[4] !== undefined) {
      top.text += decodeText(m[4])
    } else if (m[1] === '/') {
      stack.pop()
    } else {
      const node: XmlNode = { name: m[2] as string, text: '', children: [] }
      top.children.push(node)
      if (m[3] !== '/') stack.push(node)
    }
  }
  return root.children[0] as XmlNode
}

/**
 * An XML element read as the JSON value the schema describes: an object's child elements by name,
 * a wrapped array's items (each named by `items.xml.name`), a string's text. What the schema does
 * not expect is kept, so the validation names it; `problems` gets what JSON cannot show (an item
 * under another name, an element twice, text beside elements).
 */
export function xmlValue(
  node: XmlNode,
  schema: Schema | undefined,
  where: string,
  problems: string[],
): unknown {
  const hasText = node.text.trim() !== ''
  if (schema?.type === 'array') {
    const items = schema.items as Schema
    const itemName = isObject(items.xml) ? items.xml.name : undefined
    if (hasText) problems.push(`${where}: text beside the items`)
    return node.children.map((child, i) => {
      if (child.name !== itemName)
        problems.push(`${where}[${i}] is <${child.name}>, not <${String(itemName)}>`)
      return xmlValue(child, items, `${where}[${i}]`, problems)
    })
  }
  if (schema?.type === 'object' || (schema === undefined && node.children.length > 0)) {
    const properties = (schema?.properties as Schema | undefined) ?? {}
    const out: Record<string, unknown> = {}
    if (hasText) problems.push(`${where}: text beside the elements`)
    for (const child of node.children) {
      if (child.name in out) problems.push(`${where}: <${child.name}> twice`)
      out[child.name] = xmlValue(
        child,
        properties[child.name] as Schema | undefined,
        `${where}.${child.name}`,
        problems,
      )
    }
    return out
  }
  // A text field: an element inside it is no text.
  if (node.children.length > 0) problems.push(`${where}: elements inside a text field`)
  return node.text
}

/** The `xml.name` of a schema (the element an answer of it is rooted at). */
export function xmlName(schema: Schema): string | undefined {
  return isObject(schema.xml) ? (schema.xml.name as string | undefined) : undefined
}
