/**
 * One request as the request page shows it, built from what is known: the sandbox's admin view
 * (exact times, PIN state), a search answer, or the history entry (with the parameters sent, from
 * which the schedule is estimated). Pure.
 */
import type { AdminRequest } from '@contract/admin'
import type { EventType } from '@contract/types'
import { LIMITS } from '@contract/params'
import {
  WORKFLOWS,
  isWorkflowId,
  workflowSchedule,
  type WorkflowSchedule,
} from '@contract/workflows'
import {
  readSearchStatus,
  reportedStatus,
  type HistoryEntry,
  type HistoryPatch,
  type SearchedRequest,
} from './history-entry'
import { attemptsLeft, parseApiDate, type RequestStatus } from './request-state'
import { eventTimes, point, wholeSecond, type EventTimes, type Span } from './request-times'

export interface TimelineEvent {
  id: string
  type: EventType
  /** Epoch ms, `null` when the answer did not say. */
  at: number | null
  /** Whether a new PIN went out with it (`null`: unknown). */
  newPin: boolean | null
}

export interface TimelineCheck {
  code: string
  status: 'VALID' | 'INVALID'
  at: number | null
}

export interface RequestModel {
  requestId: string
  environment: 'sandbox' | 'live'
  kind: 'request' | 'psd2'
  status: RequestStatus
  /**
   * The status search answered, as written, when it is none this dashboard knows (`status` is then
   * `UNKNOWN`: the request was found and is not known to be over).
   */
  reportedStatus?: string
  number: string
  brand: string
  payee: string
  amount: string
  submittedAt: number | null
  finalizedAt: number | null
  events: TimelineEvent[]
  checks: TimelineCheck[]
  nextEventAt: number | null
  expiresAt: number | null
  /** When the current PIN can no longer be checked: its own expiry, or the request's if earlier. */
  pinExpiresAt: number | null
  eventsLeft: number | null
  attemptsLeft: number | null
  codeLength: number | null
  /**
   * Started with a custom PIN (`pin_code`): the code to type may have letters and 4 to 10
   * characters. Not known (false) for a request started elsewhere and looked up.
   */
  customPin?: boolean
  workflowId: number | null
  price: string
  currency: string
  estimatedPrice: string
  /** Where the data came from; `estimated` times are computed from the default schedule. */
  source: 'sandbox' | 'search' | 'history'
  estimated: boolean
  /**
   * The parameters the request was sent with are not known (started by another application and
   * looked up): workflow 1 and its default waits are assumed for the estimates of when the next
   * message or call and the request's end may come, nothing else. When the events between the
   * first and the last went out is left to what this dashboard's triggers tell; what depends on
   * `pin_expiry` is left not known: whether an event after the first brought a new PIN, when the
   * current PIN expires (`pinExpiresAt` null), and so the attempts left if wrong codes came between
   * the first event and the last.
   */
  paramsAssumed: boolean
}

function num(value: string | undefined): number | undefined {
  if (!value || !/^[0-9]+$/.test(value)) return undefined
  return Number(value)
}

/**
 * When the current PIN stops being usable: `pin_expiry` after it was sent, but never after the
 * request itself expires (a check then finds no request in progress: status 6). That is the
 * validity a message states ("Valid for 5 minutes" in workflow 4 with pin_expiry=3600).
 */
function pinUsableUntil(pinSentAt: number, pinExpiry: number, expiresAt: number | null): number {
  const own = pinSentAt + pinExpiry * 1000
  return expiresAt === null ? own : Math.min(own, expiresAt)
}

function scheduleOf(params: Record<string, string>): WorkflowSchedule | null {
  const id = num(params.workflow_id) ?? LIMITS.workflowId.default
  if (!isWorkflowId(id)) return null
  return workflowSchedule(id, {
    pinExpiry: num(params.pin_expiry),
    nextEventWait: num(params.next_event_wait),
  })
}

/**
 * When the sandbox request's current PIN (`r.pin`) can no longer be checked (epoch ms, sandbox
 * time); `null` once the request is over or when not known.
 */
export function adminPinExpiresAt(r: AdminRequest): number | null {
  if (r.status !== 'IN PROGRESS') return null
  const pinAt = parseApiDate(r.pin_generated_at)
  return pinAt === null ? null : pinUsableUntil(pinAt, r.pin_expiry, parseApiDate(r.expires_at))
}

/**
 * What History takes from the sandbox's own view of a request it holds (`stored`): what no search
 * answer tells (the brand, a PSD2 payee and amount, and so the kind), only where History has none.
 * What History has from the start is never overwritten. Null when there is nothing to add.
 */
export function historyPatchFromAdmin(
  stored: HistoryEntry | undefined,
  r: AdminRequest,
): HistoryPatch | null {
  if (!stored || stored.environment !== 'sandbox' || stored.request_id !== r.request_id) return null
  // Started here (or taken over by a start that got no answer): History has it as it was sent.
  if (stored.source === 'started') return null
  const patch: HistoryPatch = { request_id: r.request_id }
  // The kind is known from how a request was sent: an entry known only by its id has none.
  if (r.kind !== stored.kind && Object.keys(stored.params).length === 0) patch.kind = r.kind
  if (!stored.brand && r.brand) patch.brand = r.brand
  if (!stored.payee && r.payee) patch.payee = r.payee
  if (!stored.amount && r.amount) patch.amount = r.amount
  return Object.keys(patch).length > 1 ? patch : null
}

/** The sandbox's own view: exact times, attempts and PIN expiry. */
export function fromAdmin(r: AdminRequest): RequestModel {
  const at = (iso: string | null) => (iso ? parseApiDate(iso) : null)
  const events = r.events.map((e) => ({
    id: e.id,
    type: e.type,
    at: at(e.sent_at),
    newPin: e.new_pin,
  }))
  const steps = isWorkflowId(r.workflow_id) ? WORKFLOWS[r.workflow_id].steps.length : null
  const inProgress = r.status === 'IN PROGRESS'
  return {
    requestId: r.request_id,
    environment: 'sandbox',
    kind: r.kind,
    status: r.status,
    number: r.number,
    brand: r.brand,
    payee: r.payee,
    amount: r.amount,
    submittedAt: at(r.submitted_at),
    finalizedAt: at(r.finalized_at),
    events,
    checks: r.checks.map((c) => ({ code: c.code, status: c.status, at: at(c.received_at) })),
    nextEventAt: inProgress ? at(r.next_event_at) : null,
    expiresAt: inProgress ? at(r.expires_at) : null,
    pinExpiresAt: adminPinExpiresAt(r),
    eventsLeft: steps === null ? null : Math.max(0, steps - events.length),
    attemptsLeft: inProgress ? r.attempts_left : null,
    codeLength: r.code_length,
    // The sandbox shows the PIN: one that is not a code of code_length digits was chosen.
    customPin: r.pin !== '' && !(/^[0-9]+$/.test(r.pin) && r.pin.length === r.code_length),
    workflowId: r.workflow_id,
    price: r.price,
    currency: r.currency,
    estimatedPrice: r.estimated_price_messages_sent,
    source: 'sandbox',
    estimated: false,
    paramsAssumed: false,
  }
}

interface SearchLike {
  status: RequestStatus
  reportedStatus: string | null
  events: { id: string; type: EventType }[]
  checks: { code: string; status: 'VALID' | 'INVALID'; date_received: string }[]
  dateSubmitted: string
  dateFinalized: string
  firstEventDate: string
  lastEventDate: string
  price: string
  currency: string
  estimatedPrice: string
  number: string
}

/**
 * What this dashboard knows of a request beyond a search answer: when the next events it
 * triggered itself went out (`trigger_next_event` answered status 0; see `triggeredEventTimes`),
 * epoch ms on the API's clock (this browser's plus the sandbox clock's offset), in any order.
 */
export interface KnownActions {
  triggeredAt?: readonly number[]
}

/**
 * Wrong codes left for the current PIN, sent at `pin` (exactly or within bounds; `null`: not
 * known, every check counts): `null` when wrong codes were checked within those bounds (before or
 * after it, not known).
 */
function attemptsFor(checks: readonly TimelineCheck[], pin: Span | null): number | null {
  if (pin === null) return attemptsLeft(checks, null)
  const most = attemptsLeft(checks, wholeSecond(pin.hi))
  return attemptsLeft(checks, wholeSecond(pin.lo)) === most ? most : null
}

/**
 * How far a time of an event worked out here may be from the API's (a trigger's time on this
 * browser's clock, the API's whole seconds).
 */
const EVENT_TIME_SLACK_MS = 3_000

/**
 * `times` for a request whose parameters are not known (`paramsAssumed`): whether a message or call
 * after the first brought a new PIN depends on its `pin_expiry`, so it is not known, but for those
 * that went out sooner after the first than any PIN lasts (`pin_expiry` is at least 60 s): they
 * resent it. The current PIN went out with one of them: no earlier than the first, no later than
 * the last.
 */
function withPinsUnknown(times: EventTimes): EventTimes {
  const count = times.at.length
  const first = times.at[0]
  if (count <= 1 || first === null || first === undefined) return times
  const shortest = LIMITS.pinExpiry.min * 1000 - EVENT_TIME_SLACK_MS
  let resent = 0
  while (resent + 1 < count) {
    const at = times.at[resent + 1]
    if (at === null || at === undefined || at - first >= shortest) break
    resent++
  }
  return {
    at: times.at,
    newPin: times.newPin.map((renewed, i) => (i === 0 ? renewed : i <= resent ? false : null)),
    pin: resent === count - 1 ? point(first) : { lo: first, hi: times.at[count - 1] ?? Infinity },
  }
}

function build(
  requestId: string,
  environment: 'sandbox' | 'live',
  s: SearchLike,
  entry: HistoryEntry | undefined,
  source: RequestModel['source'],
  actions: KnownActions,
): RequestModel {
  const params = entry?.params ?? {}
  // A start from this dashboard that left workflow_id out used the API's default (1).
  const assumed = params.workflow_id === undefined && entry?.source !== 'started'
  const schedule = scheduleOf(params)
  const submittedAt = parseApiDate(s.dateSubmitted) ?? entry?.createdAt ?? null
  const first = parseApiDate(s.firstEventDate)
  const last = parseApiDate(s.lastEventDate)
  // The assumed waits say nothing of when the events between went out: only the triggers do.
  const estimatedTimes = eventTimes(
    s.events.length,
    first ?? submittedAt,
    last,
    assumed ? null : schedule,
    actions.triggeredAt ?? [],
  )
  const times = assumed ? withPinsUnknown(estimatedTimes) : estimatedTimes
  const events: TimelineEvent[] = s.events.map((e, i) => ({
    id: e.id,
    type: String(e.type).toLowerCase() as EventType,
    at: times.at[i] ?? null,
    newPin: times.newPin[i] ?? null,
  }))
  const checks = s.checks.map((c) => ({
    code: c.code,
    status: c.status,
    at: parseApiDate(c.date_received),
  }))
  const inProgress = s.status === 'IN PROGRESS' || s.status === 'UNKNOWN'
  const sent = Math.max(events.length, inProgress && submittedAt !== null ? 1 : 0)
  // No event listed yet: the first goes out at the start.
  const pin = times.pin ?? (submittedAt === null ? null : point(submittedAt))
  let nextEventAt: number | null = null
  let expiresAt: number | null = null
  let pinExpiresAt: number | null = null
  if (schedule && submittedAt !== null) {
    const lastAt = events.length === 0 ? submittedAt : (events[events.length - 1]?.at ?? null)
    const lastPlanned = schedule.events[Math.max(0, sent - 1)]
    const next = schedule.events[sent]
    if (lastAt !== null && inProgress && lastPlanned) {
      if (next) nextEventAt = lastAt + (next.at - lastPlanned.at) * 1000
      expiresAt = lastAt + (schedule.expiresAt - lastPlanned.at) * 1000
    }
    // How long a PIN lasts is one of the parameters not known when they are assumed.
    if (inProgress && !assumed && pin !== null && pin.lo === pin.hi) {
      pinExpiresAt = pinUsableUntil(pin.lo, schedule.pinExpiry, expiresAt)
    }
  }
  return {
    requestId,
    environment,
    kind: entry?.kind ?? 'request',
    status: s.status,
    ...(s.status === 'UNKNOWN' && s.reportedStatus ? { reportedStatus: s.reportedStatus } : {}),
    number: s.number || entry?.number || '',
    brand: entry?.brand ?? '',
    payee: entry?.payee ?? '',
    amount: entry?.amount ?? '',
    submittedAt,
    finalizedAt: parseApiDate(s.dateFinalized),
    events,
    checks,
    nextEventAt,
    expiresAt,
    pinExpiresAt,
    eventsLeft: schedule ? Math.max(0, schedule.events.length - sent) : null,
    attemptsLeft: inProgress ? attemptsFor(checks, pin) : null,
    // Left out by a start from this dashboard: the API's default (4). Unknown for a request started
    // elsewhere (looked up): the PIN box then accepts either allowed length.
    codeLength: num(params.code_length) ?? (entry?.source === 'started' ? 4 : null),
    customPin: params.pin_code !== undefined,
    workflowId: num(params.workflow_id) ?? (entry ? 1 : null),
    price: s.price,
    currency: s.currency,
    estimatedPrice: s.estimatedPrice,
    source,
    estimated: true,
    paramsAssumed: assumed,
  }
}

/**
 * From a search answer (plus the history entry, for the parameters sent, and what this dashboard
 * did to the request: see `KnownActions`).
 */
export function fromSearch(
  environment: 'sandbox' | 'live',
  r: SearchedRequest,
  entry?: HistoryEntry,
  actions: KnownActions = {},
): RequestModel {
  const known = readSearchStatus(r.status)
  return build(
    r.request_id,
    environment,
    {
      status: known ?? 'UNKNOWN',
      reportedStatus: known === null ? r.status : null,
      events: r.events ?? [],
      checks: r.checks ?? [],
      dateSubmitted: r.date_submitted,
      dateFinalized: r.date_finalized,
      firstEventDate: r.first_event_date,
      lastEventDate: r.last_event_date,
      price: r.price,
      currency: r.currency,
      estimatedPrice: r.estimated_price_messages_sent ?? '',
      number: r.number,
    },
    entry,
    'search',
    actions,
  )
}

/**
 * From the history entry alone (its last search, or just what was sent), with what this dashboard
 * did to the request (see `KnownActions`).
 */
export function fromHistory(entry: HistoryEntry, actions: KnownActions = {}): RequestModel {
  const s = entry.lastSearch
  return build(
    entry.request_id,
    entry.environment,
    {
      status: entry.status,
      reportedStatus: reportedStatus(entry),
      events: s?.events ?? [],
      checks: s?.checks ?? [],
      dateSubmitted: s?.dateSubmitted ?? '',
      dateFinalized: s?.dateFinalized ?? '',
      firstEventDate: s?.firstEventDate ?? '',
      lastEventDate: s?.lastEventDate ?? '',
      price: s?.price ?? '',
      currency: s?.currency ?? '',
      estimatedPrice: s?.estimatedPrice ?? '',
      number: entry.number,
    },
    entry,
    'history',
    actions,
  )
}

/**
 * `items` as a timeline shows them: by time, stable. A message or call (`isEvent`) whose time is
 * not known (one between the first and the last of a live request) goes just before the next one
 * whose time is known: it went out no later. Anything else without a time keeps its place after
 * what precedes it.
 */
export function inTimeOrder<T extends { at: number | null }>(
  items: readonly T[],
  isEvent: (item: T) => boolean,
): T[] {
  const keys: number[] = []
  items.forEach((item, i) => {
    const later =
      item.at === null && isEvent(item)
        ? items.slice(i + 1).find((next) => isEvent(next) && next.at !== null)?.at
        : undefined
    keys.push(item.at ?? later ?? keys[i - 1] ?? 0)
  })
  return items
    .map((item, index) => ({ item, index, key: keys[index] ?? 0 }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ item }) => item)
}
