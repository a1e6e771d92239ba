/**
 * A lock between the tabs of one browser over a BroadcastChannel, for pages where the Web Locks API
 * is missing: `navigator.locks` exists only in secure contexts, so a dashboard served over plain
 * HTTP to other machines (`http://desk-host:4173`) has none, while BroadcastChannel works there.
 * It has the shape of `navigator.locks.request(name, { signal }, callback)`, for one holder at a time:
 *
 * - a tab that wants the lock asks whether a holder is there (`ping`); the holder answers (`held`)
 *   when it gets the message (message handling is not throttled like a hidden tab's timers);
 * - with no answer in time, the tab claims it (`claim`) and holds it once a short window passed
 *   with no holder answering and no claim from a tab with a smaller id (the smaller id wins);
 * - the holder says when it lets go (`released`, also when its page is hidden for good), and the
 *   waiting tabs claim at once; a holder that vanished without a word (a crash) is noticed at the
 *   next ping of a waiting tab.
 *
 * Best effort: two holders for a moment are possible if messages are late by more than the claim
 * window (the shared stream's later leader then hears the other and steps down), never none for long.
 */
import type { ChannelLike, LockManagerLike } from './event-stream'

export interface ChannelLockOptions {
  /** How often a waiting tab checks the holder is still there. @default 4000 */
  pingEveryMs?: number
  /** How long a waiting tab waits for the holder's answer before it claims. @default 600 */
  answerWithinMs?: number
  /** How long a claim waits for a holder's answer or a smaller claim. @default 200 */
  claimWindowMs?: number
  /** Adds a `pagehide` listener; returns its removal (a holder whose page goes lets go). */
  onPageHide?: (listener: () => void) => () => void
}

type LockMessage = { kind: 'ping' | 'claim' | 'held' | 'released'; id: string }

function isLockMessage(value: unknown): value is LockMessage {
  if (typeof value !== 'object' || value === null) return false
  const { kind, id } = value as { kind?: unknown; id?: unknown }
  return (
    typeof id === 'string' &&
    (kind === 'ping' || kind === 'claim' || kind === 'held' || kind === 'released')
  )
}

let nextRequest = 1

function requestId(): string {
  // Ordered by time first, so that of two claims the older tab tends to win.
  const time = Date.now().toString(36).padStart(10, '0')
  return `${time}-${Math.random().toString(36).slice(2, 10)}-${nextRequest++}`
}

/** A `navigator.locks` stand-in over BroadcastChannels made by `createChannel`. */
export function channelLocks(
  createChannel: (name: string) => ChannelLike,
  options: ChannelLockOptions = {},
): LockManagerLike {
  const pingEveryMs = options.pingEveryMs ?? 4000
  const answerWithinMs = options.answerWithinMs ?? 600
  const claimWindowMs = options.claimWindowMs ?? 200

  return {
    mayOverlap: true,
    request(name, { signal }, callback) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) {
          reject(new DOMException('The lock request was aborted.', 'AbortError'))
          return
        }
        const id = requestId()
        const channel = createChannel(`verify-desk:tab-lock:${name}`)
        let phase: 'waiting' | 'claiming' | 'holding' | 'done' = 'waiting'
        let timer: ReturnType<typeof setTimeout> | null = null
        /** Whether a holder spoke since the last ping. */
        let heard = false

        const later = (ms: number, run: () => void) => {
          if (timer !== null) clearTimeout(timer)
          timer = setTimeout(() => {
            timer = null
            run()
          }, ms)
        }
        const send = (kind: LockMessage['kind']) => {
          try {
            channel.postMessage({ kind, id } satisfies LockMessage)
          } catch {
            // The channel is closed: nobody left to tell.
          }
        }
        const stopPageHide = options.onPageHide?.(() => {
          if (phase === 'holding') send('released')
        })

        function finish(): void {
          phase = 'done'
          if (timer !== null) clearTimeout(timer)
          timer = null
          channel.onmessage = null
          stopPageHide?.()
          channel.close()
        }

        function probe(): void {
          if (phase !== 'waiting') return
          heard = false
          send('ping')
          later(answerWithinMs, () => {
            if (phase !== 'waiting') return
            if (heard) later(pingEveryMs, probe)
            else claim()
          })
        }

        function claim(): void {
          phase = 'claiming'
          send('claim')
          later(claimWindowMs, hold)
        }

        function hold(): void {
          if (phase !== 'claiming') return
          phase = 'holding'
          send('held')
          let held: Promise<void>
          try {
            held = Promise.resolve(callback({ name }))
          } catch (error) {
            held = Promise.reject(error)
          }
          held.then(
            (value) => {
              send('released')
              finish()
              resolve(value)
            },
            (error: unknown) => {
              send('released')
              finish()
              reject(error)
            },
          )
        }

        channel.onmessage = (event) => {
          const message: unknown = event.data
          if (!isLockMessage(message) || message.id === id || phase === 'done') return
          if (message.kind === 'ping' || message.kind === 'claim') {
            if (phase === 'holding') send('held')
            else if (message.kind === 'claim' && phase === 'claiming' && message.id < id) {
              // The smaller id wins: wait for it to hold, then check on it as usual.
              phase = 'waiting'
              heard = true
              later(answerWithinMs + claimWindowMs, probe)
            }
          } else if (message.kind === 'held') {
            heard = true
            if (phase === 'claiming') {
              phase = 'waiting'
              later(pingEveryMs, probe)
            }
          } else if (message.kind === 'released' && phase === 'waiting') {
            claim()
          }
        }

        signal?.addEventListener('abort', () => {
          if (phase !== 'waiting' && phase !== 'claiming') return
          finish()
          reject(new DOMException('The lock request was aborted.', 'AbortError'))
        })

        probe()
      })
    },
  }
}
