/** What the HTTP adapter and the admin API share: the engine, the clock, faults and hooks. */
import type { AdminClock } from '../../contract/index.ts'
import type { Engine } from './engine.ts'
import type { Faults } from './faults.ts'

/** Whether and where a sandbox saves its state. */
export interface SandboxPersistence {
  /** The state file (absolute), or null when the sandbox was asked to keep state in memory. */
  file: string | null
  /** Whether requests are saved to `file`: false when it is null or in use by another process. */
  saved: boolean
  /** The pid of the other process holding `file` now, when that is why nothing is saved. */
  in_use_by?: number
  /**
   * The pid of the process that held `file` when this sandbox started and has exited since, while
   * this sandbox has not taken the file over yet. It checks every 2 s (and on `GET /__admin/`):
   * once the file is free it takes the lock, merges what it kept in memory into the file and saves
   * to it (`saved: true`, neither pid shown).
   */
  was_in_use_by?: number
}

/** The sandbox clock: real time plus an offset that only moves forward. */
export class VirtualClock {
  offsetMs = 0

  constructor(private readonly base: () => number = Date.now) {}

  now = (): number => this.base() + this.offsetMs

  advance(ms: number): void {
    this.offsetMs += ms
  }
}

export interface SandboxContext {
  engine: Engine
  faults: Faults
  clock: VirtualClock
  bodyLimit: number
  /** Call after anything changed: re-arms the timer, schedules a save. */
  changed(): void
  /** Real-time wait (for injected delays). */
  sleep(ms: number): Promise<void>
  /** Moves the clock forward and fires everything that falls due, in order. */
  advanceClock(seconds: number): AdminClock
  clockView(): AdminClock
  /** Clears requests, messages, faults and the clock offset (test numbers too when asked). */
  reset(options: { testNumbers: boolean }): void
  /** Live change notifications for the admin event stream. */
  subscribe(listener: (event: string, data: unknown) => void): () => void
  /** Keep-alive interval of the event stream, ms. */
  keepAliveMs: number
  /**
   * Bytes of events held for one event stream client that does not read: past them its stream is
   * ended (it connects again and reads the state anew).
   */
  eventBacklogBytes: number
  /** Whether and where the state is saved (shown by `GET /__admin/`). */
  persistence: SandboxPersistence
}
