/**
 * Tells a page when the server is heard from again, so that what it could not load while the
 * server did not answer is loaded again without a click: while `waiting()` holds, `onBack` is
 * called when a call of this page gets an answer (any HTTP status: the server is there), or when
 * the sandbox's event stream opens again (shared with the rest of the app and the other tabs; it
 * tries again by itself while the server is away). Nothing is listened to while not waiting, nor
 * once the calling component is gone.
 */
import { onScopeDispose, watch } from 'vue'
import { onApiCall } from '@/api/client'
import { openSandboxEvents, type SandboxEventsHandle } from '@/api/sandbox'

export function useServerBack(waiting: () => boolean, onBack: () => void): void {
  let stopCalls: (() => void) | null = null
  let events: SandboxEventsHandle | null = null

  function stop(): void {
    stopCalls?.()
    stopCalls = null
    events?.close()
    events = null
  }

  function listen(): void {
    stopCalls = onApiCall((call) => {
      if (call.httpStatus !== null) onBack()
    })
    // An event stream open already says so at once: the server answers now.
    events = openSandboxEvents(
      () => undefined,
      undefined,
      () => onBack(),
    )
  }

  watch(
    waiting,
    (now) => {
      if (now && !stopCalls) listen()
      else if (!now) stop()
    },
    { immediate: true },
  )
  onScopeDispose(stop)
}
