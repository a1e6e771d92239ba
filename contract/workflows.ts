/**
 * The seven Verify v1 workflows: which message or call goes out, and how long Verify waits after it.
 * A `next_event_wait` replaces every wait; workflows 6 and 7 wait for the PIN expiry instead.
 */
import { LIMITS } from './params.ts'
import type { EventType } from './types.ts'

export type WorkflowId = 1 | 2 | 3 | 4 | 5 | 6 | 7

export interface WorkflowStep {
  channel: EventType
  /** Seconds to wait after this event before the next one (or, after the last one, until expiry). */
  wait: number
}

export interface Workflow {
  id: WorkflowId
  label: string
  steps: readonly WorkflowStep[]
  /** Workflows 6 and 7: the request expires `pin_expiry` seconds after its only event. */
  expiresWithPin: boolean
}

const step = (channel: EventType, wait: number): WorkflowStep => ({ channel, wait })

export const WORKFLOWS: Readonly<Record<WorkflowId, Workflow>> = {
  1: {
    id: 1,
    label: 'SMS → TTS → TTS',
    steps: [step('sms', 125), step('tts', 180), step('tts', 300)],
    expiresWithPin: false,
  },
  2: {
    id: 2,
    label: 'SMS → SMS → TTS',
    steps: [step('sms', 125), step('sms', 180), step('tts', 300)],
    expiresWithPin: false,
  },
  3: {
    id: 3,
    label: 'TTS → TTS',
    steps: [step('tts', 150), step('tts', 150)],
    expiresWithPin: false,
  },
  4: {
    id: 4,
    label: 'SMS → SMS',
    steps: [step('sms', 120), step('sms', 180)],
    expiresWithPin: false,
  },
  5: {
    id: 5,
    label: 'SMS → TTS',
    steps: [step('sms', 120), step('tts', 180)],
    expiresWithPin: false,
  },
  6: { id: 6, label: 'SMS', steps: [step('sms', 300)], expiresWithPin: true },
  7: { id: 7, label: 'TTS', steps: [step('tts', 300)], expiresWithPin: true },
}

export function isWorkflowId(value: number): value is WorkflowId {
  return Number.isInteger(value) && value >= 1 && value <= 7
}

/**
 * The PIN lifetime in seconds. When both are given and `pin_expiry` is not an integer multiple of
 * `next_event_wait`, `pin_expiry` becomes `next_event_wait`. Default 300 s.
 */
export function effectivePinExpiry(pinExpiry?: number, nextEventWait?: number): number {
  const expiry = pinExpiry ?? LIMITS.pinExpiry.default
  if (pinExpiry !== undefined && nextEventWait !== undefined && pinExpiry % nextEventWait !== 0) {
    return nextEventWait
  }
  return expiry
}

/** The waits after each event of a workflow, in seconds. */
export function workflowWaits(
  workflowId: WorkflowId,
  options: { pinExpiry?: number; nextEventWait?: number } = {},
): number[] {
  const workflow = WORKFLOWS[workflowId]
  if (workflow.expiresWithPin) {
    return [effectivePinExpiry(options.pinExpiry, options.nextEventWait)]
  }
  return workflow.steps.map((s) => options.nextEventWait ?? s.wait)
}

export interface ScheduledEvent {
  index: number
  channel: EventType
  /** Seconds after the start. */
  at: number
  /** Whether a new PIN goes out with this event (the previous one has expired). */
  newPin: boolean
}

export interface WorkflowSchedule {
  events: ScheduledEvent[]
  /** Seconds after the start at which the request expires if nobody enters the code. */
  expiresAt: number
  /** The PIN lifetime in seconds after the pin_expiry rule. */
  pinExpiry: number
  /** Cancel is possible from `cancelFrom` up to (not including) `cancelUntil` seconds. */
  cancelFrom: number
  cancelUntil: number
}

/** The timeline of a request started now, with nothing triggered early. */
export function workflowSchedule(
  workflowId: WorkflowId,
  options: { pinExpiry?: number; nextEventWait?: number } = {},
): WorkflowSchedule {
  const workflow = WORKFLOWS[workflowId]
  const waits = workflowWaits(workflowId, options)
  const pinExpiry = effectivePinExpiry(options.pinExpiry, options.nextEventWait)
  const events: ScheduledEvent[] = []
  let at = 0
  let pinAt = 0
  workflow.steps.forEach((s, index) => {
    const newPin = index === 0 || at - pinAt >= pinExpiry
    if (newPin) pinAt = at
    events.push({ index, channel: s.channel, at, newPin })
    at += waits[index] ?? 0
  })
  const second = events[1]
  return {
    events,
    expiresAt: at,
    pinExpiry,
    cancelFrom: 30,
    cancelUntil: second ? second.at : at,
  }
}

/** A one-line description of a schedule, e.g. "SMS → 125 s → TTS → 180 s → TTS → 300 s → expires". */
export function describeSchedule(schedule: WorkflowSchedule): string {
  const parts: string[] = []
  schedule.events.forEach((e, i) => {
    parts.push(e.channel.toUpperCase() + (i > 0 && e.newPin ? ' (new PIN)' : ''))
    const next = schedule.events[i + 1]
    parts.push(`${(next ? next.at : schedule.expiresAt) - e.at} s`)
  })
  parts.push('expires')
  return parts.join(' → ')
}
