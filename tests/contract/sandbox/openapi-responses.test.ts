import { describe, expect, it } from 'vitest'
import { FAULT_STATUSES } from '@contract/fault-statuses'
import { basic, qs, raw, type RawResponse } from './support/http'
import {
  admin,
  advance,
  expectStarted,
  frozenClock,
  pinOf,
  sandboxForAllTests,
  uniqueNumber,
  wrongCode,
} from './support/sandbox'
import {
  MEDIA_TYPES,
  SPEC,
  SPEC_PATHS,
  SPEC_SHA256,
  anyBranchProblems,
  componentProblems,
  parseXml,
  specBranches,
  specDigest,
  specHttpStatuses,
  specMediaTypes,
  specOperation,
  verifyBodyProblems,
  verifyBranch,
  xmlName,
  xmlValue,
  type Endpoint,
  type Format,
  type StatusAllowance,
} from './openapi/spec'

// Every answer of the sandbox, success and each error it can give, on every endpoint and in each
// format, validated against Vonage's own Verify v1 OpenAPI definition (1.2.4, in ./openapi): the
// HTTP status and media type the definition gives the endpoint, and the body against that
// response's schema ($refs resolved, objects closed: see ./openapi/spec.ts). Where the sandbox
// answers outside the definition, it does so on the reference's word, named below.
const sb = sandboxForAllTests(frozenClock)

type VerifyEndpoint = Exclude<Endpoint, 'network-unblock'>
const ALL: readonly VerifyEndpoint[] = ['request', 'psd2', 'check', 'search', 'control']

/**
 * Statuses the sandbox answers that an endpoint's `status` enum in the definition lacks, each on
 * the reference's word (quoted). No other status, and no other endpoint, is let through.
 */
const STATUS_ALLOWANCES: readonly StatusAllowance[] = [
  {
    // Reference §1.1: 'With `Content-Type: application/json` and a body that is not JSON (e.g.
    // empty), the API answered `{"status":"999","error_text":"Could not parse request ::
    // Unparseable JSON"}` … **EMULATOR**: … return `999` for unparseable JSON.' (§4: "999 | … |
    // any (JSON body)").
    name: 'unparseable body: 999',
    endpoints: ALL,
    statuses: ['999'],
  },
  {
    // Reference §4: 'search error `IN PROGRESS, FAILED, EXPIRED, CANCELLED, 101` (+ generic 1–5
    // examples)': the definition's own search examples answer 1 to 5, which its enum leaves out.
    name: 'search: the generic statuses 1 to 5',
    endpoints: ['search'],
    statuses: ['1', '2', '3', '4', '5'],
  },
  {
    // Reference §4, status 6: 'request, check, search(?), control … Search wrong params (fixture):
    // `…following reason: Wrong parameters.`'
    name: 'search: 6 (wrong parameters)',
    endpoints: ['search'],
    statuses: ['6'],
  },
  {
    // Reference §2.3: 'Older docs: more than 10 ids → status 18 "Too many request_ids provided"
    // …; not listed since spec 1.1.2 (**UNCONFIRMED** whether still returned).'
    name: 'search: 18 (more than ten ids)',
    endpoints: ['search'],
    statuses: ['18'],
  },
  {
    // Reference §4, status 21: '`This account does not support the PSD2 feature. …` | psd2 |
    // SPEC-1.0.x (`705fb97`) only; dropped in 1.1.x'. Answered only when injected.
    name: 'PSD2: 21 (PSD2 not enabled)',
    endpoints: ['psd2'],
    statuses: ['21'],
  },
]

/**
 * A search of several ids answers a list, a shape the definition (one request object) lacks.
 * Reference §3.3: 'Single id → the request object itself; several ids (`request_ids`) →
 * `{"verification_requests":[ … ]}`'; 'XML: … multiple → root `<verification_requests>`
 * containing `<verify_request>` elements'. Each item is the definition's search object.
 */
const LIST_SHAPE = 'verification_requests'

/**
 * Network unblock with missing or wrong credentials answers 401, a status the definition does not
 * list (it has no security scheme; the reference lists 202, 403, 404, 422, 429 only, §2.6). The
 * body is held to the definition's problem object (`ErrorThrottled`: type, title, detail,
 * instance, all required).
 */
const UNBLOCK_UNAUTHORIZED = { http: 401, schema: 'ErrorThrottled' }

/**
 * A start's XML error always begins with `<request_id>`, empty when the JSON has none (a status 7
 * among them, of which the definition says "no `request_id` will be present"). Reference §3.1:
 * 'XML root `<verify_response>` with children `request_id`, `status`, `error_text` (in that order
 * observed)'. An empty element names no request.
 */
const XML_EMPTY_REQUEST_ID = { format: 'xml', value: '' } as const

// ------------------------------------------------------------------------------- the judge

/**
 * What the definition's status table of a start promises beyond its schema: 7 "Returns a
 * `network` property but no `request_id` will be present in the response"; 10 "This will return a
 * `request_id`" (the request in progress: 32 hex digits, as every id).
 */
function startPromiseProblems(
  endpoint: VerifyEndpoint,
  format: Format,
  body: Record<string, unknown>,
): string[] {
  if (endpoint !== 'request' && endpoint !== 'psd2') return []
  const problems: string[] = []
  const hasId =
    format === XML_EMPTY_REQUEST_ID.format
      ? body.request_id !== XML_EMPTY_REQUEST_ID.value
      : 'request_id' in body
  if (body.status === '7' && hasId) problems.push('status 7 with a request_id')
  if (body.status === '7' && !body.network) problems.push('status 7 without a network')
  if (body.status === '10' && !/^[0-9a-f]{32}$/.test(String(body.request_id))) {
    problems.push('status 10 without the request_id in progress')
  }
  return problems
}

/** What the answer's body is: the Verify status, or the list shape. */
function kindOf(body: Record<string, unknown>): unknown {
  return LIST_SHAPE in body ? LIST_SHAPE : body.status
}

/** The body of a Verify answer as JSON, or as the XML read by the branch's schema. */
function bodyOf(endpoint: VerifyEndpoint, format: Format, res: RawResponse) {
  const problems: string[] = []
  if (format === 'json') return { body: JSON.parse(res.text) as Record<string, unknown>, problems }
  const root = parseXml(res.text)
  if (root.name === LIST_SHAPE) {
    const item = verifyBranch(endpoint, MEDIA_TYPES.xml, {}).schema
    const items = root.children.map((child, i) => {
      if (child.name !== xmlName(item)) problems.push(`item ${i} is <${child.name}>`)
      return xmlValue(child, item, `${LIST_SHAPE}[${i}]`, problems)
    })
    return { body: { [LIST_SHAPE]: items }, problems }
  }
  // The branch is told by the status and error_text elements, read without a schema first.
  const loose = xmlValue(root, undefined, root.name, []) as Record<string, unknown>
  const branch = verifyBranch(endpoint, MEDIA_TYPES.xml, loose)
  if (root.name !== xmlName(branch.schema)) {
    problems.push(
      `root <${root.name}>, the definition's ${branch.name} is <${xmlName(branch.schema)}>`,
    )
  }
  const body = xmlValue(root, branch.schema, root.name, problems) as Record<string, unknown>
  return { body, problems }
}

/** Every search object of a list answer, against the definition's search object. */
function listProblems(endpoint: VerifyEndpoint, body: Record<string, unknown>): string[] {
  const list = body[LIST_SHAPE]
  const extra = Object.keys(body).filter((k) => k !== LIST_SHAPE)
  if (endpoint !== 'search' || !Array.isArray(list) || list.length === 0 || extra.length > 0) {
    return [`not a list of search objects: ${JSON.stringify(body).slice(0, 300)}`]
  }
  return list.flatMap((item, i) =>
    verifyBodyProblems('search', MEDIA_TYPES.json, item, []).map((p) => `[${i}] ${p}`),
  )
}

/**
 * A Verify answer is one the definition gives: its HTTP status, its media type for the format,
 * and a body its schema takes. Returns the body (XML read as JSON) for the test to name its status.
 */
async function expectSpecAnswer(
  endpoint: VerifyEndpoint,
  format: Format,
  answer: Promise<RawResponse>,
): Promise<Record<string, unknown>> {
  const res = await answer
  const context = `${endpoint} ${format}: HTTP ${res.status} ${res.text.slice(0, 400)}`
  expect(specHttpStatuses(endpoint), context).toContain(String(res.status))
  const mediaType = String(res.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
  expect(specMediaTypes(endpoint, res.status), context).toContain(mediaType)
  expect(mediaType, context).toBe(MEDIA_TYPES[format])
  const { body, problems } = bodyOf(endpoint, format, res)
  const schemaProblems =
    LIST_SHAPE in body
      ? listProblems(endpoint, body)
      : verifyBodyProblems(endpoint, MEDIA_TYPES[format], body, STATUS_ALLOWANCES)
  expect([...problems, ...schemaProblems], context).toEqual([])
  expect(startPromiseProblems(endpoint, format, body), context).toEqual([])
  return body
}

// ------------------------------------------------------------------------------- the calls

const PATHS: Record<VerifyEndpoint, string> = {
  request: '/verify',
  psd2: '/verify/psd2',
  check: '/verify/check',
  search: '/verify/search',
  control: '/verify/control',
}

type Params = Record<string, string | string[] | undefined>

/**
 * A call as the definition describes it: its one method, the parameters in the query string for
 * GET (repeated keys for an array: `style: form, explode: true`) or else in a body of its media
 * type (`application/x-www-form-urlencoded`).
 */
function call(endpoint: VerifyEndpoint, format: Format, params: Params): Promise<RawResponse> {
  const { method, bodyType } = specOperation(endpoint)
  const path = `${PATHS[endpoint]}/${format}`
  return method === 'GET'
    ? raw(sb.base, { path: `${path}?${qs(params)}` })
    : raw(sb.base, {
        method,
        path,
        headers: { 'content-type': bodyType ?? 'application/x-www-form-urlencoded' },
        body: qs(params),
      })
}

/** A POST whose JSON body cannot be parsed (the Node SDK's content type). */
function unparseable(endpoint: VerifyEndpoint, format: Format): Promise<RawResponse> {
  return raw(sb.base, {
    method: 'POST',
    path: `${PATHS[endpoint]}/${format}`,
    headers: { 'content-type': 'application/json', authorization: basic(sb.key, sb.secret) },
    body: '{"request_id":',
  })
}

/** A call made while the account lets no call through (`PUT /__admin/throttle`), then let go. */
async function throttled(run: () => Promise<RawResponse>): Promise<RawResponse> {
  await admin(sb.base, '/throttle', { per_second: 0 }, 'PUT')
  try {
    return await run()
  } finally {
    await admin(sb.base, '/throttle', { per_second: null }, 'PUT')
  }
}

const creds = () => sb.creds
const badCreds = () => ({ api_key: sb.key, api_secret: 'not-the-secret' })
const UNKNOWN_ID = '0123456789abcdef0123456789abcdef'

const start = (f: Format, extra: Params = {}) =>
  call('request', f, { ...creds(), number: uniqueNumber(), brand: 'Acme', ...extra })
const psd2 = (f: Format, extra: Params = {}) =>
  call('psd2', f, {
    ...creds(),
    number: uniqueNumber(),
    payee: 'Acme Shop',
    amount: '48.00',
    ...extra,
  })
const check = (f: Format, id: string, code: string) =>
  call('check', f, { ...creds(), request_id: id, code })
const search = (f: Format, extra: Params) => call('search', f, { ...creds(), ...extra })
const control = (f: Format, id: string, cmd: string) =>
  call('control', f, { ...creds(), request_id: id, cmd })

/** A request in progress (started over JSON), its id. */
const started = (params: Params = {}) => expectStarted(sb, params as Record<string, string>)

/** A request checked with `n` wrong codes. */
async function wrongTimes(n: number, params: Params = {}): Promise<string> {
  const id = await started(params)
  const wrong = wrongCode(await pinOf(sb.base, id))
  for (let i = 0; i < n; i++) await check('json', id, wrong)
  return id
}

async function verified(): Promise<string> {
  const id = await started()
  await check('json', id, await pinOf(sb.base, id))
  return id
}

async function cancelled(): Promise<string> {
  const id = await started()
  await advance(sb.base, 30)
  await control('json', id, 'cancel')
  return id
}

async function expired(): Promise<string> {
  const id = await started({ workflow_id: '6', pin_expiry: '60' })
  await advance(sb.base, 61)
  return id
}

interface Case {
  endpoint: VerifyEndpoint
  /** The status (or `verification_requests`) the answer must have. */
  status: string
  name: string
  run: (format: Format) => Promise<RawResponse>
}

const CASES: Case[] = [
  // Start
  { endpoint: 'request', status: '0', name: 'started', run: (f) => start(f) },
  {
    endpoint: 'request',
    status: '2',
    name: 'no api_key',
    run: (f) =>
      call('request', f, { api_secret: sb.secret, number: uniqueNumber(), brand: 'Acme' }),
  },
  {
    endpoint: 'request',
    status: '2',
    name: 'no brand',
    run: (f) => call('request', f, { ...creds(), number: uniqueNumber() }),
  },
  {
    endpoint: 'request',
    status: '3',
    name: 'a number of letters',
    run: (f) => start(f, { number: 'letters' }),
  },
  {
    endpoint: 'request',
    status: '3',
    name: 'a brand of 19',
    run: (f) => start(f, { brand: 'B'.repeat(19) }),
  },
  {
    endpoint: 'request',
    status: '4',
    name: 'a wrong secret',
    run: (f) => call('request', f, { ...badCreds(), number: uniqueNumber(), brand: 'Acme' }),
  },
  {
    endpoint: 'request',
    status: '10',
    name: 'a number already in progress',
    run: async (f) => {
      const number = uniqueNumber()
      await started({ number })
      return start(f, { number })
    },
  },
  {
    endpoint: 'request',
    status: '20',
    name: 'a pin_code the account may not set',
    run: (f) => start(f, { pin_code: 'AKFG3424' }),
  },
  { endpoint: 'request', status: '1', name: 'throttled', run: (f) => throttled(() => start(f)) },
  {
    endpoint: 'request',
    status: '999',
    name: 'a JSON body that is not JSON',
    run: (f) => unparseable('request', f),
  },
  // PSD2
  { endpoint: 'psd2', status: '0', name: 'started', run: (f) => psd2(f) },
  {
    endpoint: 'psd2',
    status: '2',
    name: 'no payee',
    run: (f) => call('psd2', f, { ...creds(), number: uniqueNumber(), amount: '48.00' }),
  },
  {
    endpoint: 'psd2',
    status: '3',
    name: 'an amount of letters',
    run: (f) => psd2(f, { amount: 'forty' }),
  },
  { endpoint: 'psd2', status: '4', name: 'a wrong secret', run: (f) => psd2(f, badCreds()) },
  {
    endpoint: 'psd2',
    status: '10',
    name: 'a number already in progress',
    run: async (f) => {
      const number = uniqueNumber()
      await started({ number })
      return psd2(f, { number })
    },
  },
  { endpoint: 'psd2', status: '1', name: 'throttled', run: (f) => throttled(() => psd2(f)) },
  {
    endpoint: 'psd2',
    status: '999',
    name: 'a JSON body that is not JSON',
    run: (f) => unparseable('psd2', f),
  },
  // Check
  {
    endpoint: 'check',
    status: '0',
    name: 'the right code',
    run: async (f) => {
      const id = await started()
      return check(f, id, await pinOf(sb.base, id))
    },
  },
  {
    endpoint: 'check',
    status: '16',
    name: 'a wrong code',
    run: async (f) => {
      const id = await started()
      return check(f, id, wrongCode(await pinOf(sb.base, id)))
    },
  },
  {
    endpoint: 'check',
    status: '17',
    name: 'the third wrong code',
    run: async (f) => {
      const id = await wrongTimes(2)
      return check(f, id, wrongCode(await pinOf(sb.base, id)))
    },
  },
  {
    endpoint: 'check',
    status: '6',
    name: 'an unknown request',
    run: (f) => check(f, UNKNOWN_ID, '1234'),
  },
  {
    endpoint: 'check',
    status: '6',
    name: 'a request verified already',
    run: async (f) => check(f, await verified(), '1234'),
  },
  {
    endpoint: 'check',
    status: '2',
    name: 'no code',
    run: async (f) => call('check', f, { ...creds(), request_id: await started() }),
  },
  {
    endpoint: 'check',
    status: '3',
    name: 'a code of letters',
    run: async (f) => check(f, await started(), 'abcd'),
  },
  {
    endpoint: 'check',
    status: '4',
    name: 'a wrong secret',
    run: (f) => call('check', f, { ...badCreds(), request_id: UNKNOWN_ID, code: '1234' }),
  },
  {
    endpoint: 'check',
    status: '1',
    name: 'throttled',
    run: (f) => throttled(() => check(f, UNKNOWN_ID, '1234')),
  },
  {
    endpoint: 'check',
    status: '999',
    name: 'a JSON body that is not JSON',
    run: (f) => unparseable('check', f),
  },
  // Search
  {
    endpoint: 'search',
    status: 'IN PROGRESS',
    name: 'by request_id',
    run: async (f) => search(f, { request_id: await started() }),
  },
  {
    endpoint: 'search',
    status: 'IN PROGRESS',
    name: 'by one request_ids',
    run: async (f) => search(f, { request_ids: [await started()] }),
  },
  {
    endpoint: 'search',
    status: 'IN PROGRESS',
    name: 'a request with an SMS and a TTS event',
    run: async (f) => {
      const id = await started({ workflow_id: '1' })
      await control('json', id, 'trigger_next_event')
      return search(f, { request_id: id })
    },
  },
  {
    endpoint: 'search',
    status: 'SUCCESS',
    name: 'a request verified',
    run: async (f) => search(f, { request_id: await verified() }),
  },
  {
    endpoint: 'search',
    status: 'FAILED',
    name: 'a request with three wrong codes',
    run: async (f) => search(f, { request_id: await wrongTimes(3) }),
  },
  {
    endpoint: 'search',
    status: 'CANCELLED',
    name: 'a request cancelled',
    run: async (f) => search(f, { request_id: await cancelled() }),
  },
  {
    endpoint: 'search',
    status: 'EXPIRED',
    name: 'a request expired',
    run: async (f) => search(f, { request_id: await expired() }),
  },
  {
    endpoint: 'search',
    status: LIST_SHAPE,
    name: 'by several request_ids',
    run: async (f) =>
      search(f, { request_ids: [await started(), await verified(), await wrongTimes(1)] }),
  },
  {
    endpoint: 'search',
    status: '101',
    name: 'an unknown request_id',
    run: (f) => search(f, { request_id: UNKNOWN_ID }),
  },
  {
    endpoint: 'search',
    status: '101',
    name: 'unknown request_ids',
    run: (f) => search(f, { request_ids: [UNKNOWN_ID, UNKNOWN_ID.replace('0', '1')] }),
  },
  { endpoint: 'search', status: '2', name: 'no request_id', run: (f) => search(f, {}) },
  {
    endpoint: 'search',
    status: '18',
    name: 'eleven request_ids',
    run: (f) =>
      search(f, { request_ids: Array.from({ length: 11 }, (_, i) => `${i}`.padStart(32, 'a')) }),
  },
  {
    endpoint: 'search',
    status: '4',
    name: 'a wrong secret',
    run: (f) => call('search', f, { ...badCreds(), request_id: UNKNOWN_ID }),
  },
  {
    endpoint: 'search',
    status: '1',
    name: 'throttled',
    run: (f) => throttled(() => search(f, { request_id: UNKNOWN_ID })),
  },
  {
    endpoint: 'search',
    status: '999',
    name: 'a JSON body that is not JSON',
    run: (f) => unparseable('search', f),
  },
  // Control
  {
    endpoint: 'control',
    status: '0',
    name: 'cancel after 30 s',
    run: async (f) => {
      const id = await started()
      await advance(sb.base, 30)
      return control(f, id, 'cancel')
    },
  },
  {
    endpoint: 'control',
    status: '0',
    name: 'trigger_next_event',
    run: async (f) => control(f, await started(), 'trigger_next_event'),
  },
  {
    endpoint: 'control',
    status: '19',
    name: 'cancel within 30 s',
    run: async (f) => control(f, await started(), 'cancel'),
  },
  {
    endpoint: 'control',
    status: '19',
    name: 'cancel after the second event',
    run: async (f) => {
      const id = await started()
      await control('json', id, 'trigger_next_event')
      return control(f, id, 'cancel')
    },
  },
  {
    endpoint: 'control',
    status: '19',
    name: 'trigger_next_event with none left',
    run: async (f) => control(f, await started({ workflow_id: '6' }), 'trigger_next_event'),
  },
  {
    endpoint: 'control',
    status: '6',
    name: 'an unknown request',
    run: (f) => control(f, UNKNOWN_ID, 'cancel'),
  },
  {
    endpoint: 'control',
    status: '3',
    name: 'an unknown cmd',
    run: async (f) => control(f, await started(), 'delete'),
  },
  {
    endpoint: 'control',
    status: '2',
    name: 'no cmd',
    run: async (f) => call('control', f, { ...creds(), request_id: await started() }),
  },
  {
    endpoint: 'control',
    status: '4',
    name: 'a wrong secret',
    run: (f) => call('control', f, { ...badCreds(), request_id: UNKNOWN_ID, cmd: 'cancel' }),
  },
  {
    endpoint: 'control',
    status: '1',
    name: 'throttled',
    run: (f) => throttled(() => control(f, UNKNOWN_ID, 'cancel')),
  },
  {
    endpoint: 'control',
    status: '999',
    name: 'a JSON body that is not JSON',
    run: (f) => unparseable('control', f),
  },
]

/** A call that would succeed (or fail on its own), made with a fault of `status` waiting. */
const PLAIN: Record<VerifyEndpoint, (f: Format) => Promise<RawResponse>> = {
  request: (f) => start(f),
  psd2: (f) => psd2(f),
  check: async (f) => check(f, await started(), '1234'),
  search: async (f) => search(f, { request_id: await started() }),
  control: async (f) => control(f, await started(), 'cancel'),
}

/** Every status an injected fault can answer (`POST /__admin/faults`), on each endpoint. */
const INJECTED: Case[] = ALL.flatMap((endpoint) =>
  FAULT_STATUSES[endpoint].map((status) => ({
    endpoint,
    status,
    name: 'injected',
    run: async (f: Format) => {
      await admin(sb.base, '/faults', { endpoint, status })
      return PLAIN[endpoint](f)
    },
  })),
)

/** The definition's formats of an endpoint (PSD2: "XML format is not supported"). */
function formatsOf(endpoint: VerifyEndpoint): Format[] {
  const types = specMediaTypes(endpoint, 200)
  return (['json', 'xml'] as const).filter((f) => types.includes(MEDIA_TYPES[f]))
}

const byFormat = (cases: Case[]) =>
  cases.flatMap((c) => formatsOf(c.endpoint).map((format) => ({ ...c, format })))

/** The response examples of the definition, with their endpoint and media type. */
function specExamples() {
  const byPath = new Map(Object.entries(SPEC_PATHS).map(([endpoint, path]) => [path, endpoint]))
  type Content = Record<string, { examples?: Record<string, { value: unknown }> }>
  type Operation = { responses: Record<string, { content?: Content }> }
  const paths = SPEC.paths as Record<string, Record<string, Operation>>
  return Object.entries(paths).flatMap(([path, methods]) =>
    Object.values(methods).flatMap((op) =>
      Object.values(op.responses).flatMap((response) =>
        Object.entries(response.content ?? {}).flatMap(([mediaType, content]) =>
          Object.entries(content.examples ?? {}).map(([name, example]) => ({
            endpoint: byPath.get(path) as VerifyEndpoint,
            mediaType,
            name,
            value: example.value,
          })),
        ),
      ),
    ),
  )
}

// ------------------------------------------------------------------------------- the tests

describe('the vendored definition', () => {
  it('is Vonage Verify v1 1.2.4, byte for byte', () => {
    expect(specDigest()).toBe(SPEC_SHA256)
    expect((SPEC.info as { version: string }).version).toBe('1.2.4')
  })

  it('takes its own examples under these rules (search 1 to 5 by their named allowance)', () => {
    const used = new Set<string>()
    const problems = specExamples().flatMap((e) =>
      verifyBodyProblems(e.endpoint, e.mediaType, e.value, STATUS_ALLOWANCES, used).map(
        (p) => `${e.endpoint} ${e.name}: ${p}`,
      ),
    )
    expect(problems).toEqual([])
    expect(specExamples()).toHaveLength(39)
    expect([...used]).toEqual(['search: the generic statuses 1 to 5'])
  })
})

describe('the sandbox answers as the definition says', () => {
  it.each(byFormat(CASES))('$endpoint $format: $status, $name', async (c) => {
    const body = await expectSpecAnswer(c.endpoint, c.format, c.run(c.format))
    expect(kindOf(body)).toBe(c.status)
  })

  it.each(byFormat(INJECTED))('$endpoint $format: $status, $name', async (c) => {
    const body = await expectSpecAnswer(c.endpoint, c.format, c.run(c.format))
    expect(kindOf(body)).toBe(c.status)
    expect(await admin(sb.base, '/faults')).toEqual({ faults: [] })
  })
})

// ------------------------------------------------------------------------------- network unblock

function unblock(body: string, authorization = basic(sb.key, sb.secret)): Promise<RawResponse> {
  const { method, bodyType } = specOperation('network-unblock')
  return raw(sb.base, {
    method,
    path: '/verify/network-unblock',
    headers: { 'content-type': bodyType ?? 'application/json', authorization },
    body,
  })
}

/** An unblock answer is one the definition gives: HTTP status, media type, a schema it lists. */
async function expectUnblockAnswer(answer: Promise<RawResponse>): Promise<RawResponse> {
  const res = await answer
  const context = `network-unblock: HTTP ${res.status} ${res.text.slice(0, 400)}`
  const mediaType =
    String(res.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim() ?? ''
  const body = JSON.parse(res.text) as unknown
  const listed = specHttpStatuses('network-unblock').includes(String(res.status))
  expect(listed || res.status === UNBLOCK_UNAUTHORIZED.http, context).toBe(true)
  const problems = listed
    ? anyBranchProblems(specBranches('network-unblock', res.status, mediaType), body)
    : componentProblems(UNBLOCK_UNAUTHORIZED.schema, body)
  expect(mediaType, context).toBe(MEDIA_TYPES.json)
  expect(problems, context).toEqual([])
  return res
}

describe('network unblock answers as the definition says', () => {
  it('202 for a network blocked, 404 for one not blocked', async () => {
    await admin(sb.base, '/faults', { endpoint: 'request', status: '7', network: '23410' })
    try {
      const ok = await expectUnblockAnswer(unblock('{"network":"23410","unblock_duration":600}'))
      expect(ok.status).toBe(202)
    } finally {
      await admin(sb.base, '/faults', undefined, 'DELETE')
    }
    expect((await expectUnblockAnswer(unblock('{"network":"23410"}'))).status).toBe(404)
  })

  it.each([
    ['no network', '{"unblock_duration":600}'],
    ['a network that is no network code', '{"network":"abc"}'],
    ['a duration out of range', '{"network":"23410","unblock_duration":86401}'],
    ['a body that is not JSON', '{"network":'],
  ])('422 for %s', async (_, body) => {
    expect((await expectUnblockAnswer(unblock(body))).status).toBe(422)
  })

  it('429 when throttled', async () => {
    const res = await throttled(() => unblock('{"network":"23410"}'))
    expect((await expectUnblockAnswer(Promise.resolve(res))).status).toBe(429)
  })

  it('401 for a wrong secret (by the named allowance: a problem object all the same)', async () => {
    const res = await expectUnblockAnswer(unblock('{"network":"23410"}', basic(sb.key, 'wrong')))
    expect(res.status).toBe(UNBLOCK_UNAUTHORIZED.http)
  })
})
