import type { Dispatcher } from 'undici'
import { describe, expect, it } from 'vitest'
import { UpstreamTimeoutError, httpUpstream, sandboxUpstream } from '../../../server/proxy/upstream'

/** The embedded sandbox as the proxy calls it, answering every admin call with `answer`. */
function sandboxAnswering(answer: () => Response) {
  return sandboxUpstream(
    {
      handle: () => {
        throw new Error('not a Verify call')
      },
      fetch: async () => answer(),
    },
    'the embedded sandbox',
  )
}

const read = async (body: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks).toString('utf8')
}

describe('sandboxUpstream admin answers', () => {
  const request = { method: 'GET', path: '/__admin/accounts', headers: {} }

  it('gives a JSON answer made in memory its Content-Length, like an HTTP upstream', async () => {
    const upstream = sandboxAnswering(
      () => new Response('{"ok":"é"}', { headers: { 'content-type': 'application/json' } }),
    )
    const response = await upstream.send(request, new AbortController().signal)
    expect(response.headers['content-length']).toBe(String(Buffer.byteLength('{"ok":"é"}')))
    expect(await read(response.body)).toBe('{"ok":"é"}')
  })

  it('leaves the event stream streaming, without a length', async () => {
    let push: (text: string) => void = () => {}
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text))
      },
    })
    const upstream = sandboxAnswering(
      () => new Response(stream, { headers: { 'content-type': 'text/event-stream' } }),
    )
    // Resolves while the stream is still open: it is not read whole first.
    const response = await upstream.send(
      { ...request, path: '/__admin/events' },
      new AbortController().signal,
    )
    expect(response.headers['content-length']).toBeUndefined()
    push('event: ready\n\n')
    const first = await new Promise<string>((resolve) =>
      response.body.once('data', (chunk: Buffer) => resolve(chunk.toString())),
    )
    expect(first).toBe('event: ready\n\n')
    response.cancel()
  })
})

describe('httpUpstream time limit', () => {
  const call = { method: 'POST', path: '/verify/json', headers: {}, body: 'number=1' }
  const limits = { timeoutMs: 20, maxBytes: 1024 }

  /** A client that hands each call a connection (onRequestStart) or never does. */
  function client(connects: boolean) {
    const aborted: unknown[] = []
    const dispatcher = {
      dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
        if (connects) {
          handler.onRequestStart?.(
            {
              abort: (reason: Error) => aborted.push(reason),
            } as unknown as Dispatcher.DispatchController,
            {},
          )
        }
        return true
      },
    } as unknown as Dispatcher
    return { dispatcher, aborted }
  }

  it('says nothing was sent when the call never got a connection', async () => {
    const { dispatcher } = client(false)
    const error = await httpUpstream('http://127.0.0.1:9', dispatcher)
      .exchange(call, limits)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamTimeoutError)
    expect((error as UpstreamTimeoutError).sent).toBe(false)
  })

  it('says the call may have been sent once it had a connection, and stops it there', async () => {
    const { dispatcher, aborted } = client(true)
    const error = await httpUpstream('http://127.0.0.1:9', dispatcher)
      .exchange(call, limits)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UpstreamTimeoutError)
    expect((error as UpstreamTimeoutError).sent).toBe(true)
    expect(aborted).toEqual([error])
  })
})
