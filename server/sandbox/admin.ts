/**
 * The admin API under `/__admin/`: requests with their PINs, the handset's messages, a live event
 * stream, the clock, injected faults, test numbers, accounts and reset. JSON in and out; bad input
 * gets a 4xx with `{"error":{"code","message"}}`.
 */
import type { Call, Answer } from './http.ts'
import { JSON_TYPE, httpError, jsonAnswer } from './http.ts'
import type { SandboxContext } from './context.ts'
import { messageView } from './handset.ts'
import { statusFilterOf } from './engine.ts'
import type { AccountLimits } from './engine.ts'
import {
  ADMIN_REFUSAL_CODES,
  SEARCH_STATUSES,
  type EventType,
  type HttpErrorBody,
} from '../../contract/index.ts'

const MAX_ADVANCE_SECONDS = 366 * 24 * 3600
const MAX_LIST = 1000

const ROUTES_HELP = {
  routes: [
    'GET /__admin/requests?request_id=&number=&status=&account=&limit=&offset= (request_id: one or more ids, repeated or comma-separated)',
    'GET /__admin/requests/{request_id}',
    'GET /__admin/messages?number=&request_id=&channel=&limit=&offset=',
    'GET /__admin/events (Server-Sent Events)',
    'GET /__admin/clock',
    'POST /__admin/clock {"advance_seconds": N}',
    'GET /__admin/faults',
    'POST /__admin/faults {"endpoint","count","status","error_text","delay_ms","drop"}',
    'DELETE /__admin/faults',
    'DELETE /__admin/faults/{id}',
    'GET /__admin/test-numbers',
    'PUT /__admin/test-numbers {"number","pin"}',
    'PUT /__admin/test-numbers/{number} {"pin"}',
    'DELETE /__admin/test-numbers',
    'DELETE /__admin/test-numbers/{number}',
    'GET /__admin/accounts',
    'PUT /__admin/throttle {"per_second"?: N|null, "search_per_second"?: N|null, "api_key"?}',
    'POST /__admin/reset {"test_numbers"?: true}',
  ],
}

const decoder = new TextDecoder()

/**
 * The ids `request_id` names in a requests list query: one, or several (repeated, or
 * comma-separated as a list is pasted: the admin API's own convenience, where a Verify search
 * takes each `request_ids` value as one id); undefined when it names none.
 */
function requestIdsOf(query: URLSearchParams): string[] | undefined {
  const ids = query
    .getAll('request_id')
    .flatMap((value) => value.split(','))
    .map((id) => id.trim())
    .filter(Boolean)
  return ids.length > 0 ? ids : undefined
}

type JsonBody = { ok: true; value: unknown } | { ok: false; answer: Answer }

function readJson(call: Call, required = true): JsonBody {
  if (call.tooLarge) {
    return { ok: false, answer: httpError(413, 'payload_too_large', 'The body is too large.') }
  }
  const text = call.body ? decoder.decode(call.body).trim() : ''
  if (text === '') {
    return required
      ? { ok: false, answer: httpError(400, 'invalid_json', 'A JSON body is required.') }
      : { ok: true, value: {} }
  }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false, answer: httpError(400, 'invalid_json', 'The body is not valid JSON.') }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  max: number,
): number | string {
  const raw = query.get(name)
  if (raw === null || raw === '') return fallback
  if (!/^[0-9]+$/.test(raw)) return `${name} must be a non-negative integer.`
  return Math.min(Number(raw), max)
}

/** 405 with the `Allow` header the route's methods call for (HEAD wherever GET is). */
function notAllowed(call: Call, allow: readonly string[]): Answer {
  const body: HttpErrorBody = {
    error: {
      code: 'method_not_allowed',
      message: `Method ${call.method} is not allowed here; use ${allow.join(' or ')}.`,
    },
  }
  return {
    status: 405,
    headers: { 'content-type': JSON_TYPE, allow: allow.join(', ') },
    body: JSON.stringify(body),
  }
}

const READ = ['GET', 'HEAD'] as const

const PIN_RULE = /^[0-9]{4,10}$/
const STATUSES: readonly string[] = SEARCH_STATUSES
/** The channels a message can come by (the `channel` filter of the messages list). */
const CHANNELS: readonly string[] = ['sms', 'tts'] satisfies EventType[]

export async function handleAdmin(ctx: SandboxContext, call: Call, path: string): Promise<Answer> {
  let parts: string[]
  try {
    parts = path.split('/').slice(2).map(decodeURIComponent)
  } catch {
    return httpError(400, 'invalid_path', `The path ${path} has a malformed %-escape.`)
  }
  const [resource = '', sub] = parts
  if (parts.length > 2) return httpError(404, 'not_found', `No such admin route: ${path}`)
  const { engine } = ctx
  // HEAD is answered as GET (the server sends no body for it); the event stream takes GET only.
  const method = call.method === 'HEAD' && resource !== 'events' ? 'GET' : call.method
  switch (resource) {
    case '':
      return method === 'GET'
        ? jsonAnswer(200, { ...ROUTES_HELP, state: ctx.persistence })
        : notAllowed(call, READ)

    case 'requests': {
      if (method !== 'GET') return notAllowed(call, READ)
      engine.runDue()
      ctx.changed()
      if (sub !== undefined) {
        const record = engine.getRequest(sub)
        return record
          ? jsonAnswer(200, engine.adminView(record))
          : httpError(404, 'not_found', `No request ${sub}.`)
      }
      const limit = intParam(call.query, 'limit', 100, MAX_LIST)
      const offset = intParam(call.query, 'offset', 0, Number.MAX_SAFE_INTEGER)
      if (typeof limit === 'string') return httpError(400, 'invalid_value', limit)
      if (typeof offset === 'string') return httpError(400, 'invalid_value', offset)
      const status = call.query.get('status') || undefined
      if (status !== undefined && !STATUSES.includes(statusFilterOf(status))) {
        return httpError(
          400,
          'invalid_value',
          `status must be one of ${STATUSES.join(', ')} (or with _ for the space).`,
        )
      }
      const { records, total } = engine.listRequests({
        request_id: requestIdsOf(call.query),
        number: call.query.get('number') ?? undefined,
        status,
        account: call.query.get('account') ?? undefined,
        limit,
        offset,
      })
      return jsonAnswer(200, { requests: records.map((r) => engine.adminView(r)), total })
    }

    case 'messages': {
      if (method !== 'GET') return notAllowed(call, READ)
      if (sub !== undefined) return httpError(404, 'not_found', `No such admin route: ${path}`)
      engine.runDue()
      ctx.changed()
      const limit = intParam(call.query, 'limit', 100, MAX_LIST)
      const offset = intParam(call.query, 'offset', 0, Number.MAX_SAFE_INTEGER)
      if (typeof limit === 'string') return httpError(400, 'invalid_value', limit)
      if (typeof offset === 'string') return httpError(400, 'invalid_value', offset)
      const channel = call.query.get('channel') || undefined
      if (channel !== undefined && !CHANNELS.includes(channel)) {
        return httpError(400, 'invalid_value', `channel must be one of ${CHANNELS.join(', ')}.`)
      }
      // The account as the requests filter takes it: an account_id or an API key.
      const account = call.query.get('account') || undefined
      const { messages, total } = engine.handset.list({
        number: call.query.get('number') ?? undefined,
        request_id: call.query.get('request_id') ?? undefined,
        channel,
        accounts: account === undefined ? undefined : engine.accountIdsFor(account),
        limit,
        offset,
      })
      return jsonAnswer(200, { messages: messages.map(messageView), total })
    }

    case 'events':
      if (method !== 'GET') return notAllowed(call, ['GET'])
      return eventStream(ctx)

    case 'clock': {
      if (method === 'GET') {
        engine.runDue()
        ctx.changed()
        return jsonAnswer(200, ctx.clockView())
      }
      if (method !== 'POST') return notAllowed(call, [...READ, 'POST'])
      const body = readJson(call)
      if (!body.ok) return body.answer
      const seconds = isObject(body.value) ? body.value.advance_seconds : undefined
      if (
        typeof seconds !== 'number' ||
        !Number.isFinite(seconds) ||
        seconds < 0 ||
        seconds > MAX_ADVANCE_SECONDS
      ) {
        return httpError(
          400,
          'invalid_value',
          `advance_seconds must be a number from 0 to ${MAX_ADVANCE_SECONDS}.`,
        )
      }
      return jsonAnswer(200, ctx.advanceClock(seconds))
    }

    case 'faults': {
      if (method === 'GET') {
        if (sub !== undefined) return httpError(404, 'not_found', `No such admin route: ${path}`)
        return jsonAnswer(200, { faults: ctx.faults.list() })
      }
      if (method === 'POST') {
        if (sub !== undefined) return notAllowed(call, ['DELETE'])
        const body = readJson(call)
        if (!body.ok) return body.answer
        const result = ctx.faults.add(body.value)
        if ('error' in result) return httpError(400, 'invalid_value', result.error)
        ctx.changed()
        return jsonAnswer(201, result)
      }
      if (method === 'DELETE') {
        if (sub !== undefined) {
          return ctx.faults.remove(sub)
            ? jsonAnswer(200, { faults: ctx.faults.list() })
            : httpError(404, 'not_found', `No fault ${sub}.`)
        }
        ctx.faults.clear()
        return jsonAnswer(200, { faults: [] })
      }
      return notAllowed(call, sub === undefined ? [...READ, 'POST', 'DELETE'] : ['DELETE'])
    }

    case 'test-numbers': {
      if (method === 'GET') return jsonAnswer(200, { test_numbers: engine.listTestNumbers() })
      if (method === 'PUT' || method === 'POST') {
        const body = readJson(call)
        if (!body.ok) return body.answer
        if (!isObject(body.value)) return httpError(400, 'invalid_value', 'Body must be an object.')
        const number = sub ?? body.value.number
        const pin = body.value.pin
        if (typeof number !== 'string' || number === '') {
          return httpError(
            400,
            ADMIN_REFUSAL_CODES.number,
            'number is required (international format).',
          )
        }
        if (typeof pin !== 'string' || !PIN_RULE.test(pin)) {
          return httpError(400, ADMIN_REFUSAL_CODES.pin, 'pin must be a string of 4 to 10 digits.')
        }
        const entry = engine.setTestNumber(number, pin)
        if (!entry) {
          return httpError(400, ADMIN_REFUSAL_CODES.number, `${number} is not a phone number.`)
        }
        ctx.changed()
        return jsonAnswer(200, entry)
      }
      if (method === 'DELETE') {
        if (sub === undefined) {
          engine.clearTestNumbers()
          ctx.changed()
          return jsonAnswer(200, { test_numbers: [] })
        }
        if (!engine.deleteTestNumber(sub)) {
          return httpError(404, 'not_found', `${sub} is not a test number.`)
        }
        ctx.changed()
        return jsonAnswer(200, { test_numbers: engine.listTestNumbers() })
      }
      return notAllowed(call, [...READ, 'PUT', 'POST', 'DELETE'])
    }

    case 'accounts':
      if (method !== 'GET') return notAllowed(call, READ)
      return jsonAnswer(200, { accounts: engine.listAccounts() })

    case 'throttle': {
      if (method !== 'PUT' && method !== 'POST') return notAllowed(call, ['PUT', 'POST'])
      const body = readJson(call)
      if (!body.ok) return body.answer
      const value = isObject(body.value) ? body.value : {}
      if (!('per_second' in value) && !('search_per_second' in value)) {
        return httpError(
          400,
          'invalid_value',
          'per_second or search_per_second is required (a number, or null for off).',
        )
      }
      const { per_second: perSecond, search_per_second: searchPerSecond, api_key: apiKey } = value
      for (const [name, limit] of [
        ['per_second', perSecond],
        ['search_per_second', searchPerSecond],
      ] as const) {
        if (
          limit !== undefined &&
          limit !== null &&
          (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)
        ) {
          return httpError(400, 'invalid_value', `${name} must be a non-negative integer or null.`)
        }
      }
      if (apiKey !== undefined && typeof apiKey !== 'string') {
        return httpError(400, 'invalid_value', 'api_key must be a string.')
      }
      const limits = { perSecond, searchPerSecond } as AccountLimits
      if (!engine.setLimits(limits, apiKey)) {
        return httpError(404, 'not_found', `No account with api_key ${apiKey}.`)
      }
      return jsonAnswer(200, { accounts: engine.listAccounts() })
    }

    case 'reset': {
      if (method !== 'POST') return notAllowed(call, ['POST'])
      const body = readJson(call, false)
      if (!body.ok) return body.answer
      const testNumbers = isObject(body.value) && body.value.test_numbers === true
      ctx.reset({ testNumbers })
      return jsonAnswer(200, { ok: true, clock: ctx.clockView() })
    }

    default:
      return httpError(404, 'not_found', `No such admin route: ${path}`)
  }
}

const encoder = new TextEncoder()
/**
 * The stream's first lines: the wait before a client connects again, and how often a `: keep-alive`
 * comment comes (the dashboard takes a stream silent for at least three of these periods for dropped).
 */
const connected = (keepAliveMs: number) =>
  `retry: 3000\n: keep-alive every ${keepAliveMs} ms\n: connected\n\n`
/** Bytes of events queued for a client before its stream stops asking for more (reads pending). */
const STREAM_HIGH_WATER_MARK = 16_384

/**
 * `GET /__admin/events`: request changes, new messages, clock moves, resets, and the whole list of
 * faults or test numbers on each change of it (`faults`, `test-numbers`), as SSE.
 *
 * The stream is read as fast as the client takes it (the HTTP adapters wait for the socket to
 * drain). A client that stops reading but keeps the connection open (a suspended tab, a peer gone
 * without a word) gets its events queued up to `ctx.eventBacklogBytes`; past that its stream is
 * ended (errored: the queue is dropped and the connection closed). The dashboard connects again by
 * itself and reads the state anew, so it loses nothing it shows.
 */
function eventStream(ctx: SandboxContext): Answer {
  let unsubscribe: (() => void) | undefined
  let keepAlive: ReturnType<typeof setInterval> | undefined
  let ended = false
  const cleanup = () => {
    ended = true
    unsubscribe?.()
    unsubscribe = undefined
    if (keepAlive) clearInterval(keepAlive)
    keepAlive = undefined
  }
  const backlogLimit = ctx.eventBacklogBytes
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const send = (text: string) => {
          if (ended) return
          try {
            controller.enqueue(encoder.encode(text))
          } catch {
            cleanup()
            return
          }
          // desiredSize = highWaterMark - bytes queued and not read yet.
          const queued = STREAM_HIGH_WATER_MARK - (controller.desiredSize ?? 0)
          if (queued > backlogLimit) {
            cleanup()
            controller.error(new Error('The event stream client stopped reading.'))
          }
        }
        send(connected(ctx.keepAliveMs))
        unsubscribe = ctx.subscribe((event, data) => {
          if (event === '__close') {
            cleanup()
            try {
              controller.close()
            } catch {
              // already closed
            }
            return
          }
          send(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
        })
        keepAlive = setInterval(() => send(': keep-alive\n\n'), ctx.keepAliveMs)
        keepAlive.unref?.()
      },
      cancel() {
        cleanup()
      },
    },
    { highWaterMark: STREAM_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
  )
  return {
    status: 200,
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
    body: stream,
  }
}
