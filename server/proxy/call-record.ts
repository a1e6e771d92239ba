/**
 * What the proxy notes about one call as it goes (for its access log line) and when that line is
 * due: once both the response closed (or its connection went away) and the handler finished. A
 * browser leaving before its answer withdraws the call from the pacing queue.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

/** What the access log line says about one call; filled in as the call goes. */
export interface CallRecord {
  started: number
  method: string
  environment: string
  endpoint: string
  apiStatus?: string
  requestId?: string
  /** The `code` / `pin_code` values the call carries: never quoted back in an error message. */
  codes?: string[]
  note?: string
  /** The browser closed the connection before the answer was written. */
  clientClosed: boolean
  /** Withdraws the call from the pacing queue; set while it may wait there. */
  cancel: (() => void) | undefined
  /** Events still due before the log line: the browser leaving or the response closing, the handler finishing. */
  pending: number
  /** The response closed or its connection went away (counted once in `pending`). */
  closeSeen: boolean
  /** Counted among the calls close() waits for (from the moment it may be sent). */
  active: boolean
  /**
   * For a response queued behind others on its connection (HTTP/1.1 pipelining): the listener on
   * the connection's `close`, which stands in for the response's own (Node emits none for it).
   */
  onSocketClose: (() => void) | undefined
  log: (res: ServerResponse, call: CallRecord) => void
}

const CALL = Symbol('verify-desk.call')
type TrackedResponse = ServerResponse & { [CALL]?: CallRecord }

/**
 * The record of a new call on `res`, watched from now on: `log` writes its line once the response
 * closed and the handler called `finishCall`.
 */
export function trackCall(
  req: IncomingMessage,
  res: ServerResponse,
  log: (res: ServerResponse, call: CallRecord) => void,
): CallRecord {
  const call: CallRecord = {
    started: performance.now(),
    method: (req.method ?? 'GET').toUpperCase(),
    environment: '-',
    endpoint: '-',
    clientClosed: false,
    cancel: undefined,
    pending: 2,
    closeSeen: false,
    active: false,
    onSocketClose: undefined,
    log,
  }
  ;(res as TrackedResponse)[CALL] = call
  // `close` is emitted once: a plain listener spares the `once` wrapper.
  res.on('close', onResponseClose)
  // Queued behind another response on its connection (HTTP/1.1 pipelining).
  if (res.socket === null) watchQueuedResponse(res, call)
  return call
}

/** The handler is done with the call: its log line is written if the response closed already. */
export function finishCall(res: ServerResponse, call: CallRecord): void {
  if (--call.pending === 0) call.log(res, call)
}

/**
 * The shared `close` listener of every response. A close before the answer was written means the
 * browser left: a call still waiting for its turn is withdrawn. The log line is written once both
 * the response closed and the handler finished, so a call already sent is logged with its answer.
 */
function onResponseClose(this: TrackedResponse): void {
  const call = this[CALL]
  if (!call) return
  closeCall(this, call, !this.headersSent)
}

/**
 * Notes that a call's response closed or its connection went away (once): `left` when that was
 * before the answer was written.
 */
function closeCall(res: ServerResponse, call: CallRecord, left: boolean): void {
  if (call.closeSeen) return
  call.closeSeen = true
  if (call.onSocketClose) {
    res.req.socket.off('close', call.onSocketClose)
    call.onSocketClose = undefined
  }
  if (left) {
    call.clientClosed = true
    call.cancel?.()
  }
  if (--call.pending === 0) call.log(res, call)
}

/**
 * A response queued behind earlier ones on a pipelining connection has no socket yet, and Node
 * emits no `close` on it when the connection drops (the request's `close` came already, once its
 * body was read): the connection's own `close` tells that its browser left.
 */
function watchQueuedResponse(res: TrackedResponse, call: CallRecord): void {
  const socket = res.req.socket
  if (socket.destroyed) {
    closeCall(res, call, true)
    return
  }
  call.onSocketClose = () => closeCall(res, call, !res.writableFinished)
  socket.once('close', call.onSocketClose)
}

/** A log that writes nothing (access log off). */
export function noLog(): void {}

/** Adds a word to the call's log line. */
export function addNote(call: CallRecord, note: string): void {
  call.note = call.note ? `${call.note} ${note}` : note
}
