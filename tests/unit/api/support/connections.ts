/**
 * Event stream connections as the dashboard opens them (the admin event stream through the API
 * client, new tokens followed, no random part in the waits), each recording what it reports. Open
 * them through `trackConnections()` of the test file and close them all in its `afterEach`.
 */
import { onAccessTokenChange, openApiStream } from '@/api/client'
import {
  connectEventStream,
  type Connection,
  type ConnectionOptions,
  type StreamMessage,
} from '@/api/event-stream'

/** The path of the sandbox admin event stream, below the API prefix. */
export const EVENTS_PATH = 'sandbox/__admin/events'

export interface Watched {
  /** What the connection reported, in order: `open`, `lost <ms>`, `refused`. */
  log: string[]
  messages: StreamMessage[]
  connection: Connection
}

export interface TrackedConnections {
  /** Connects to the event stream; `options` replace the defaults (e.g. a limit, an `open`). */
  connect(options?: Partial<ConnectionOptions>): Watched
  /** Has `closeAll()` close a connection the test made itself, and returns it. */
  track(connection: Connection): Connection
  /** Closes every connection opened or tracked since the last call. */
  closeAll(): void
}

export function trackConnections(): TrackedConnections {
  const open: Connection[] = []
  const track = (connection: Connection): Connection => {
    open.push(connection)
    return connection
  }
  return {
    connect(options = {}) {
      const log: string[] = []
      const messages: StreamMessage[] = []
      const connection = connectEventStream(
        {
          onOpen: () => log.push('open'),
          onMessage: (message) => messages.push(message),
          onLost: (ms) => log.push(`lost ${ms}`),
          onRefused: () => log.push('refused'),
        },
        {
          open: (signal) => openApiStream(EVENTS_PATH, { signal }),
          onTokenChange: onAccessTokenChange,
          random: () => 0,
          ...options,
        },
      )
      return { log, messages, connection: track(connection) }
    },
    track,
    closeAll() {
      for (const connection of open.splice(0)) connection.close()
    },
  }
}
