import http from 'node:http'

/** A raw HTTP answer: status, lower-cased headers and the body as text. */
export interface RawResponse {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
}

export interface RawRequest {
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
}

/**
 * One HTTP request with full control over method, path, headers and body (node:http, no agent
 * reuse), so malformed requests reach the server exactly as written.
 */
export function raw(base: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method ?? 'GET',
        path: req.path,
        headers: {
          ...(req.body !== undefined
            ? { 'content-length': String(Buffer.byteLength(req.body)) }
            : {}),
          ...req.headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    r.on('error', reject)
    if (req.body !== undefined) r.write(req.body)
    r.end()
  })
}

export type Params = Record<string, string | number | string[] | undefined>

/** `a=1&b=2&b=3` from a params object (arrays become repeated keys, undefined is left out). */
export function qs(params: Params): string {
  const out = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue
    if (Array.isArray(v)) for (const item of v) out.append(k, item)
    else out.append(k, String(v))
  }
  return out.toString()
}

export function basic(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`
}

/** A parsed JSON API answer. Values are `unknown` until a test asserts their type. */
export type Body = Record<string, unknown>

export interface ApiResult {
  http: number
  contentType: string
  body: Body
}

function parse(res: RawResponse): ApiResult {
  let body: Body
  try {
    body = JSON.parse(res.text) as Body
  } catch {
    throw new Error(`not JSON (HTTP ${res.status}): ${res.text.slice(0, 300)}`)
  }
  return { http: res.status, contentType: String(res.headers['content-type'] ?? ''), body }
}

/** GET with every parameter in the query string (the cURL snippets' style). */
export async function getJson(base: string, path: string, params: Params): Promise<ApiResult> {
  const q = qs(params)
  return parse(await raw(base, { path: q ? `${path}?${q}` : path }))
}

/** POST a body of this content type (extra headers after it), the answer read as JSON. */
async function postParsed(
  base: string,
  path: string,
  type: string,
  body: string,
  headers: Record<string, string>,
): Promise<ApiResult> {
  return parse(
    await raw(base, { method: 'POST', path, headers: { 'content-type': type, ...headers }, body }),
  )
}

/** POST `application/x-www-form-urlencoded`. */
export function postForm(
  base: string,
  path: string,
  params: Params,
  headers: Record<string, string> = {},
): Promise<ApiResult> {
  return postParsed(base, path, 'application/x-www-form-urlencoded', qs(params), headers)
}

/** POST `application/json` (the Node SDK's style). */
export function postJson(
  base: string,
  path: string,
  params: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<ApiResult> {
  return postParsed(base, path, 'application/json', JSON.stringify(params), headers)
}

/** POST a body as it is, under any content type: the status, the text and the JSON it holds. */
export async function postBody(base: string, path: string, type: string, body: string | Buffer) {
  const res = await raw(base, { method: 'POST', path, headers: { 'content-type': type }, body })
  return { http: res.status, text: res.text, body: JSON.parse(res.text) as Body }
}
