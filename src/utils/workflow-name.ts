/**
 * A workflow as every page names it: its number and its messages and calls with the default waits,
 * e.g. `1: SMS → 125 s → TTS → 180 s → TTS (new PIN) → 300 s → expires` (New verification's list,
 * Settings, the request page).
 */
import { describeSchedule, workflowSchedule, type WorkflowId } from '@contract/workflows'

export function workflowName(id: WorkflowId): string {
  return `${id}: ${describeSchedule(workflowSchedule(id))}`
}
