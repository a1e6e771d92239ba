/**
 * The sandbox as the dashboard sees it: the handset's messages, every request the sandbox knows
 * (including those made by other clients), its clock, faults and test numbers, kept current by the
 * admin event stream. Views call `connect()` on mount and `disconnect()` on unmount; the stream is
 * open while at least one view needs it.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type {
  AdminClock,
  AdminFault,
  AdminFaultInput,
  AdminRequest,
  HandsetMessage,
  TestNumber,
} from '@contract/admin'
import * as admin from '@/api/sandbox'
import { isApiError } from '@/api/client'

/** How many of the newest messages and requests are loaded (the stream adds new ones). */
const LOAD_LIMIT = 200
/** As many requests as the admin API lists at once: those in progress, read all when past LOAD_LIMIT. */
const IN_PROGRESS_LIMIT = 1000

/** `reconnecting`: the stream dropped or failed (a network problem); `refused`: the access token was refused. */
export type SandboxConnection = 'closed' | 'connecting' | 'open' | 'reconnecting' | 'refused'
export type SandboxAction = 'clock' | 'fault' | 'test-number' | 'reset'

/** A number the handset received messages on, with its newest message time. */
export interface HandsetNumber {
  number: string
  count: number
  latestAt: string
}

/** The server's code for `error`, when it named one. */
function codeOf(error: unknown): string | null {
  return isApiError(error) ? (error.code ?? null) : null
}

function describe(error: unknown): string {
  if (isApiError(error)) {
    if (error.kind === 'network') return `${error.message} Check that the app server is running.`
    return error.message
  }
  return error instanceof Error ? error.message : String(error)
}

/** What the event stream brought while a load was on its way (see `arrivedDuringLoad`). */
interface Arrived {
  messages: HandsetMessage[]
  requests: AdminRequest[]
  /** The latest list of faults the stream sent, when it sent one. */
  faults?: AdminFault[]
  testNumbers?: TestNumber[]
  /** The latest clock the stream sent, when it sent one. */
  clock?: AdminClock
  /**
   * The sandbox was reset or its clock moved after the load's reads went out: its answer is not
   * shown (the load sent after that change is).
   */
  stale?: boolean
}

function byNewest<T>(items: T[], at: (item: T) => string): T[] {
  return items.sort((a, b) => (at(a) < at(b) ? 1 : at(a) > at(b) ? -1 : 0))
}

export const useSandboxStore = defineStore('sandbox', () => {
  /** Messages the handset received, newest first. */
  const messages = shallowRef<HandsetMessage[]>([])
  /** Requests the sandbox knows, newest first. */
  const requests = shallowRef<AdminRequest[]>([])
  const clock = ref<AdminClock | null>(null)
  const faults = ref<AdminFault[]>([])
  const testNumbers = ref<TestNumber[]>([])
  const connection = ref<SandboxConnection>('closed')
  const isLoading = ref(false)
  /** Whether messages and requests were loaded at least once. */
  const loaded = ref(false)
  /** The last failure, in words with what to do. */
  const error = ref<string | null>(null)
  /**
   * The server's code for the last failure (`invalid_value`, `sandbox_off`…), `null` when it named
   * none (no answer, or no failure): what a view tells failures apart by, never the words.
   */
  const errorCode = ref<string | null>(null)
  /** The action in flight (buttons show a spinner and stay disabled meanwhile). */
  const busy = ref<SandboxAction | null>(null)

  /** Numbers with messages, the most recently messaged first. */
  const numbers = computed<HandsetNumber[]>(() => {
    const out = new Map<string, HandsetNumber>()
    for (const m of messages.value) {
      const entry = out.get(m.number)
      if (entry) entry.count++
      else out.set(m.number, { number: m.number, count: 1, latestAt: m.sent_at })
    }
    return [...out.values()]
  })

  const inProgress = computed(() => requests.value.filter((r) => r.status === 'IN PROGRESS'))

  function earliest(pick: (r: AdminRequest) => string | null): number | null {
    let min: number | null = null
    for (const r of inProgress.value) {
      const at = pick(r)
      const ms = at ? Date.parse(at) : NaN
      if (!Number.isNaN(ms) && (min === null || ms < min)) min = ms
    }
    return min
  }
  /** When the next event of a request in progress falls due (epoch ms, sandbox time). */
  const nextEventAt = computed(() => earliest((r) => r.next_event_at))
  /** When the first request in progress expires (epoch ms, sandbox time). */
  const nextExpiryAt = computed(() => earliest((r) => r.expires_at))

  function messagesFor(number: string): HandsetMessage[] {
    return messages.value.filter((m) => m.number === number)
  }

  /**
   * What the event stream brought while a load was on its way: the load's answer may predate it,
   * so it is laid over that answer instead of being lost.
   */
  let arrivedDuringLoad: Arrived | null = null
  /**
   * Faults the event stream has named: the answer to this page's own injection may arrive after
   * the stream said the fault was used up or removed, and must not bring it back.
   */
  const faultsSeen = new Set<string>()
  /**
   * Whether the last load left messages or requests out (the sandbox holds more than
   * `LOAD_LIMIT`): a number's older messages, and their requests, are then read on demand.
   */
  let partial = false
  /**
   * The numbers whose messages and requests were read in full (`loadNumber`): a later load keeps
   * what was read of them (older than what it brings), until a reset removes it all.
   */
  const numbersRead = new Set<string>()
  /** Counts resets: a number's read sent before one is not shown (it would bring back what went). */
  let resets = 0

  function setFaults(list: AdminFault[]): void {
    if (arrivedDuringLoad) arrivedDuringLoad.faults = list
    for (const f of list) faultsSeen.add(f.id)
    faults.value = list
  }

  function setTestNumbers(list: TestNumber[]): void {
    if (arrivedDuringLoad) arrivedDuringLoad.testNumbers = list
    testNumbers.value = list
  }

  function upsertRequest(request: AdminRequest): void {
    arrivedDuringLoad?.requests.push(request)
    const rest = requests.value.filter((r) => r.request_id !== request.request_id)
    requests.value = byNewest([request, ...rest], (r) => r.submitted_at)
  }

  function addMessage(message: HandsetMessage): void {
    arrivedDuringLoad?.messages.push(message)
    if (messages.value.some((m) => m.id === message.id)) return
    messages.value = byNewest([message, ...messages.value], (m) => m.sent_at)
  }

  let loading: Promise<void> | null = null
  /** Loads messages, requests, clock, faults and test numbers (concurrent calls share one load). */
  function load(): Promise<void> {
    if (loading) return loading
    isLoading.value = true
    const arrived: Arrived = { messages: [], requests: [] }
    arrivedDuringLoad = arrived
    // Ids start again at f1 when the sandbox restarts: what the stream named before is forgotten.
    faultsSeen.clear()
    loading = Promise.all([
      admin.listMessages({ limit: LOAD_LIMIT }),
      admin.listAdminRequests({ limit: LOAD_LIMIT }).then(async (newest) => {
        if (newest.total <= newest.requests.length) return { newest, running: [] }
        // Older requests still in progress: the Clock card counts them, and moves to their events
        // and expiry, as the sandbox does.
        const { requests: running } = await admin.listAdminRequests({
          status: 'IN PROGRESS',
          limit: IN_PROGRESS_LIMIT,
        })
        return { newest, running }
      }),
      admin.getClock(),
      admin.listFaults(),
      admin.listTestNumbers(),
    ])
      .then(([m, { newest, running }, c, f, t]) => {
        if (arrived.stale) return
        const inNewest = new Set(newest.requests.map((x) => x.request_id))
        const r = {
          total: newest.total,
          requests: [...newest.requests, ...running.filter((x) => !inNewest.has(x.request_id))],
        }
        partial = m.total > m.messages.length || r.total > r.requests.length
        const loadedIds = new Set(m.messages.map((x) => x.id))
        const newer = arrived.messages.filter((x) => !loadedIds.has(x.id))
        // What was read of a number in full, older than the newest LOAD_LIMIT, stays shown.
        const older = messages.value.filter(
          (x) => numbersRead.has(x.number) && !loadedIds.has(x.id),
        )
        const olderIds = new Set(older.map((x) => x.id))
        messages.value = byNewest(
          [...newer.filter((x) => !olderIds.has(x.id)), ...m.messages, ...older],
          (x) => x.sent_at,
        )
        const updated = new Map(arrived.requests.map((x) => [x.request_id, x]))
        const kept = r.requests.filter((x) => !updated.has(x.request_id))
        const listed = new Set([...updated.keys(), ...kept.map((x) => x.request_id)])
        const olderRequests = requests.value.filter(
          (x) => numbersRead.has(x.normalized_number) && !listed.has(x.request_id),
        )
        requests.value = byNewest(
          [...updated.values(), ...kept, ...olderRequests],
          (x) => x.submitted_at,
        )
        clock.value = arrived.clock ?? c
        faults.value = arrived.faults ?? f.faults
        testNumbers.value = arrived.testNumbers ?? t.test_numbers
        loaded.value = true
        error.value = null
        errorCode.value = null
      })
      .catch((e: unknown) => {
        error.value = `The sandbox could not be read: ${describe(e)}`
        errorCode.value = codeOf(e)
      })
      .finally(() => {
        isLoading.value = false
        loading = null
        arrivedDuringLoad = null
      })
    return loading
  }

  /**
   * Reads every message to `number` and its requests, when the last load left some out (the
   * sandbox holds more than the newest `LOAD_LIMIT`): the handset then shows that number's older
   * messages too, with their requests' status and PIN, not only those among the newest.
   */
  async function loadNumber(number: string): Promise<void> {
    if (!partial || numbersRead.has(number)) return
    numbersRead.add(number)
    const at = resets
    try {
      const [m, r] = await Promise.all([
        admin.listMessages({ number, limit: LOAD_LIMIT }),
        admin.listAdminRequests({ number, limit: LOAD_LIMIT }),
      ])
      if (at !== resets) return
      const shown = new Set(messages.value.map((x) => x.id))
      const missing = m.messages.filter((x) => !shown.has(x.id))
      if (missing.length)
        messages.value = byNewest([...messages.value, ...missing], (x) => x.sent_at)
      // Those known already are as new (the stream keeps them current) or newer.
      const known = new Set(requests.value.map((x) => x.request_id))
      const added = r.requests.filter((x) => !known.has(x.request_id))
      if (added.length) {
        requests.value = byNewest([...requests.value, ...added], (x) => x.submitted_at)
      }
    } catch {
      // Read again the next time it is shown.
      if (at === resets) numbersRead.delete(number)
    }
  }

  /** After a reset: nothing read before it is shown again. */
  function forgetNumbersRead(): void {
    resets++
    numbersRead.clear()
  }

  function onEvent(event: admin.SandboxEvent): void {
    connection.value = 'open'
    if (event.type === 'message') addMessage(event.data)
    else if (event.type === 'request') upsertRequest(event.data)
    else if (event.type === 'clock') {
      if (arrivedDuringLoad) arrivedDuringLoad.clock = event.data
      clock.value = event.data
    } else if (event.type === 'faults') setFaults(event.data.faults)
    else if (event.type === 'test-numbers') setTestNumbers(event.data.test_numbers)
    else if (event.type === 'reset') {
      forgetNumbersRead()
      messages.value = []
      requests.value = []
      faults.value = []
      void loadAfterChange()
    }
  }

  let handle: admin.SandboxEventsHandle | null = null
  let users = 0
  /** A load queued to run once the one in flight is done. */
  let loadAfter: Promise<void> | null = null

  /** A load whose reads go out from now on (after the one in flight, if any). */
  function loadAgain(): Promise<void> {
    if (!loading) return load()
    loadAfter ??= loading.then(() => {
      loadAfter = null
      return load()
    })
    return loadAfter
  }

  /**
   * After a change of the sandbox (a reset, the clock moved): a load whose reads go out from now
   * on. Not one sent before: its answer would show what the change undid (messages and requests a
   * reset removed, the clock before the move), so it is not shown at all.
   */
  function loadAfterChange(): Promise<void> {
    if (arrivedDuringLoad) arrivedDuringLoad.stale = true
    return loadAgain()
  }

  /** Starts the live stream (and a first load); pair every call with `disconnect()`. */
  function connect(): void {
    users++
    if (handle) return
    connection.value = 'connecting'
    /** Joining a stream open already: it says so at once, in a microtask. */
    let joining = true
    handle = admin.openSandboxEvents(
      onEvent,
      (trouble) => {
        if (handle) connection.value = trouble === 'refused' ? 'refused' : 'reconnecting'
      },
      () => {
        connection.value = 'open'
        // What changed before the stream opened (or while it was away) was not pushed: read
        // again, by a load sent from now on (one sent before may have been answered before that
        // change). A stream open already pushes all that follows the first load's reads.
        if (!joining) void loadAgain()
      },
    )
    queueMicrotask(() => (joining = false))
    void load()
  }

  function disconnect(): void {
    users = Math.max(0, users - 1)
    if (users > 0 || !handle) return
    handle.close()
    handle = null
    connection.value = 'closed'
  }

  async function run<T>(action: SandboxAction, what: string, job: () => Promise<T>) {
    busy.value = action
    error.value = null
    errorCode.value = null
    try {
      return await job()
    } catch (e) {
      error.value = `${what} failed: ${describe(e)}`
      errorCode.value = codeOf(e)
      return undefined
    } finally {
      busy.value = null
    }
  }

  /** Moves the sandbox clock forward; due events fire, then requests and messages are reread. */
  async function advanceClock(seconds: number): Promise<void> {
    await run('clock', 'Moving the clock', async () => {
      clock.value = await admin.advanceClock(seconds)
      await loadAfterChange()
    })
  }

  async function injectFault(fault: AdminFaultInput): Promise<boolean> {
    const added = await run('fault', 'Injecting the fault', () => admin.injectFault(fault))
    // Unless the stream has already told of it (and maybe of its use since).
    if (added && !faultsSeen.has(added.id)) {
      faults.value = [...faults.value.filter((f) => f.id !== added.id), added]
    }
    return added !== undefined
  }

  async function clearFaults(): Promise<void> {
    const done = await run('fault', 'Clearing the faults', async () => {
      await admin.clearFaults()
      return true
    })
    if (done) faults.value = []
  }

  async function saveTestNumber(entry: TestNumber): Promise<boolean> {
    const saved = await run('test-number', 'Saving the test number', () =>
      admin.saveTestNumber(entry),
    )
    if (saved) {
      testNumbers.value = [...testNumbers.value.filter((t) => t.number !== saved.number), saved]
    }
    return saved !== undefined
  }

  async function removeTestNumber(number: string): Promise<void> {
    const done = await run('test-number', 'Removing the test number', async () => {
      await admin.deleteTestNumber(number)
      return true
    })
    if (done) testNumbers.value = testNumbers.value.filter((t) => t.number !== number)
  }

  /** Forgets every request, message and fault in the sandbox, then reloads. */
  async function reset(): Promise<boolean> {
    const done = await run('reset', 'Resetting the sandbox', async () => {
      await admin.resetSandbox()
      forgetNumbersRead()
      messages.value = []
      requests.value = []
      await loadAfterChange()
      return true
    })
    return done === true
  }

  return {
    messages,
    requests,
    clock,
    faults,
    testNumbers,
    connection,
    isLoading,
    loaded,
    error,
    errorCode,
    busy,
    numbers,
    inProgress,
    nextEventAt,
    nextExpiryAt,
    messagesFor,
    load,
    loadNumber,
    connect,
    disconnect,
    advanceClock,
    injectFault,
    clearFaults,
    saveTestNumber,
    removeTestNumber,
    reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSandboxStore, import.meta.hot))
