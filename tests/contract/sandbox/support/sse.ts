import http from 'node:http'
import { EVENTUALLY_MS } from '../../../support/eventually'

export interface SseEvent {
  event: string
  data: unknown
}

/** A live subscription to a Server-Sent Events stream over real HTTP. */
export interface SseStream {
  status: number
  contentType: string
  events: SseEvent[]
  /**
   * Resolves with the first event (seen so far or later) that matches; rejects after `ms` (by
   * default the shared generous limit: an event a busy machine is slow to deliver is not missing).
   */
  waitFor(match: (e: SseEvent) => boolean, ms?: number): Promise<SseEvent>
  close(): void
}

export function openSse(base: string, path: string): Promise<SseStream> {
  const url = new URL(path, base)
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      const events: SseEvent[] = []
      const waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = []
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          let event = 'message'
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim()
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
          }
          if (data.length === 0) continue
          let parsed: unknown
          try {
            parsed = JSON.parse(data.join('\n'))
          } catch {
            parsed = data.join('\n')
          }
          const e = { event, data: parsed }
          events.push(e)
          for (const w of [...waiters]) {
            if (w.match(e)) {
              waiters.splice(waiters.indexOf(w), 1)
              w.resolve(e)
            }
          }
        }
      })
      res.on('error', () => undefined)
      resolve({
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type'] ?? ''),
        events,
        waitFor(match, ms = EVENTUALLY_MS) {
          const seen = events.find(match)
          if (seen) return Promise.resolve(seen)
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`no matching event within ${ms} ms`)), ms)
            waiters.push({
              match,
              resolve: (e) => {
                clearTimeout(timer)
                ok(e)
              },
            })
          })
        },
        close() {
          req.destroy()
        },
      })
    })
    req.on('error', reject)
  })
}
