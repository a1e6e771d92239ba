/**
 * One scheduler for every due event of the sandbox: a binary min-heap of (time, id) entries, ordered
 * by time then insertion. Entries are never removed early; the owner skips stale ones when popped
 * (lazy deletion), so rescheduling is a single push.
 *
 * `createTimer` drives it with a single host timer armed for the earliest entry.
 */

export interface ScheduleEntry {
  at: number
  seq: number
  id: string
}

export class Scheduler {
  private heap: ScheduleEntry[] = []
  private seq = 0

  get size(): number {
    return this.heap.length
  }

  /** Time of the earliest entry, or undefined when empty. */
  peek(): number | undefined {
    return this.heap[0]?.at
  }

  push(at: number, id: string): void {
    const entry: ScheduleEntry = { at, seq: this.seq++, id }
    const heap = this.heap
    heap.push(entry)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const p = heap[parent] as ScheduleEntry
      if (!before(entry, p)) break
      heap[i] = p
      i = parent
    }
    heap[i] = entry
  }

  /** Removes and returns the earliest entry if it is due at `now`. */
  popDue(now: number): ScheduleEntry | undefined {
    const top = this.heap[0]
    if (!top || top.at > now) return undefined
    return this.pop()
  }

  pop(): ScheduleEntry | undefined {
    const heap = this.heap
    const top = heap[0]
    if (!top) return undefined
    const last = heap.pop() as ScheduleEntry
    if (heap.length > 0) {
      let i = 0
      const n = heap.length
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let smallest = last
        let at = -1
        const left = heap[l]
        if (l < n && left && before(left, smallest)) {
          smallest = left
          at = l
        }
        const right = heap[r]
        if (r < n && right && before(right, smallest)) {
          smallest = right
          at = r
        }
        if (at < 0) break
        heap[i] = smallest
        i = at
      }
      heap[i] = last
    }
    return top
  }

  clear(): void {
    this.heap = []
  }
}

function before(a: ScheduleEntry, b: ScheduleEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}

/** Host timer functions, injectable for tests. */
export interface TimerHost {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Longest delay a Node timer accepts. */
const MAX_DELAY = 2_147_483_647

export interface SingleTimer {
  /** Arms (or re-arms) the one timer for `at` (clock time); undefined disarms it. */
  arm(at: number | undefined): void
  stop(): void
}

/**
 * A single timer that calls `onDue` when the clock reaches the armed time. Re-arming for the same
 * time keeps the running timer; an earlier or later time replaces it. Never more than one timer.
 */
export function createTimer(
  now: () => number,
  onDue: () => void,
  host: TimerHost = {
    setTimeout: (fn, ms) => {
      const t = setTimeout(fn, ms)
      t.unref?.()
      return t
    },
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  },
): SingleTimer {
  let handle: unknown = undefined
  let armedAt: number | undefined
  let stopped = false
  const disarm = () => {
    if (handle !== undefined) host.clearTimeout(handle)
    handle = undefined
    armedAt = undefined
  }
  return {
    arm(at) {
      if (stopped) return
      if (at === undefined) return disarm()
      if (handle !== undefined && armedAt === at) return
      disarm()
      armedAt = at
      const delay = Math.min(Math.max(0, at - now()), MAX_DELAY)
      handle = host.setTimeout(() => {
        handle = undefined
        armedAt = undefined
        onDue()
      }, delay)
    },
    stop() {
      stopped = true
      disarm()
    },
  }
}
