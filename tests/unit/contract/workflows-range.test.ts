import { describe, expect, it } from 'vitest'
import { WORKFLOWS, isWorkflowId } from '@contract/workflows'
import { explainTiming } from '@/utils/verify-form'

// The Verify v1 workflows are 1 to 7 (the reference's §5.1): each of them, and nothing else, is a
// workflow the dashboard knows and can show the schedule of.
describe('the workflow ids', () => {
  it('are exactly 1 to 7', () => {
    const known = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 1.5, Number.NaN].filter((n) => isWorkflowId(n))
    expect(known).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(Object.keys(WORKFLOWS).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })
})

describe('the schedule shown as the start form is filled in', () => {
  const schedule = (workflow_id: string, pin_expiry = '') =>
    explainTiming({ workflow_id, pin_expiry, next_event_wait: '' }).schedule

  it('is shown for the first and the last workflow', () => {
    expect(schedule('1')).toBe('SMS → 125 s → TTS → 180 s → TTS (new PIN) → 300 s → expires')
    expect(schedule('7')).toBe('TTS → 300 s → expires')
    expect(schedule('7', '120')).toBe('TTS → 120 s → expires')
  })

  it('is not shown for a workflow that does not exist', () => {
    expect(schedule('0')).toBe('')
    expect(schedule('8')).toBe('')
  })
})
