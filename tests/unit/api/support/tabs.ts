/** Fakes of what the tabs of one browser share: Web Locks and BroadcastChannel. */
import type { ChannelLike, LockManagerLike } from '@/api/event-stream'

/**
 * The browser's Web Locks for several tabs of one profile: one holder per name, the others queued
 * in order; a tab that closes gives its lock up and leaves the queue.
 */
export class FakeLocks {
  private held = new Map<string, { tab: number; release: () => void }>()
  private queue: {
    tab: number
    name: string
    callback: (lock: unknown) => Promise<void>
    resolve: (value: unknown) => void
    reject: (reason: unknown) => void
  }[] = []

  forTab(tab: number): LockManagerLike {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          const entry = { tab, name, callback, resolve, reject }
          options.signal?.addEventListener('abort', () => {
            const at = this.queue.indexOf(entry)
            if (at === -1) return
            this.queue.splice(at, 1)
            reject(new DOMException('The request was aborted.', 'AbortError'))
          })
          this.queue.push(entry)
          this.grant()
        }),
    }
  }

  holder(name: string): number | undefined {
    return this.held.get(name)?.tab
  }

  /** The tab is closed: its lock goes to the next in the queue. */
  closeTab(tab: number): void {
    this.queue = this.queue.filter((entry) => entry.tab !== tab)
    for (const [, holder] of this.held) if (holder.tab === tab) holder.release()
  }

  private grant(): void {
    for (const entry of [...this.queue]) {
      if (this.held.has(entry.name)) continue
      this.queue.splice(this.queue.indexOf(entry), 1)
      let released = false
      const release = () => {
        if (released) return
        released = true
        this.held.delete(entry.name)
        this.grant()
      }
      this.held.set(entry.name, { tab: entry.tab, release })
      entry.callback({ name: entry.name }).then(
        (value) => {
          release()
          entry.resolve(value)
        },
        (error: unknown) => {
          release()
          entry.reject(error)
        },
      )
    }
  }
}

/** BroadcastChannel between the tabs: a copy of each message reaches the other tabs, later. */
export class FakeBus {
  private channels = new Set<{ tab: number; name: string; channel: ChannelLike }>()
  /** Every message posted, for the assertions. */
  posted: unknown[] = []
  /** Which messages come late: they wait for `deliverLate()` (a busy machine). */
  late: ((message: unknown) => boolean) | null = null
  private waiting: (() => void)[] = []

  forTab(tab: number): (name: string) => ChannelLike {
    return (name) => {
      const entry = { tab, name, channel: null as unknown as ChannelLike }
      const channel: ChannelLike = {
        onmessage: null,
        postMessage: (message) => {
          this.posted.push(message)
          const copy = structuredClone(message)
          for (const other of this.channels) {
            if (other === entry || other.name !== name) continue
            const deliver = () =>
              setImmediate(() => {
                if (this.channels.has(other)) {
                  other.channel.onmessage?.(new MessageEvent('message', { data: copy }))
                }
              })
            if (this.late?.(message)) this.waiting.push(deliver)
            else deliver()
          }
        },
        close: () => {
          this.channels.delete(entry)
        },
      }
      entry.channel = channel
      this.channels.add(entry)
      return channel
    }
  }

  /** Delivers the messages held back by `late`, in the order they were posted. */
  deliverLate(): void {
    const waiting = this.waiting
    this.waiting = []
    for (const deliver of waiting) deliver()
  }

  closeTab(tab: number): void {
    for (const entry of [...this.channels]) if (entry.tab === tab) this.channels.delete(entry)
  }
}
