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
import type { SandboxEventsHandle } from '@/api/sandbox'

export function useServerBack(waiting: () => boolean, onBack: () => void): void {
  // The event stream's module, fetched now (while the server answers) but apart from the code that
  // calls this: the app shell (its page-load failure) uses this too, and its first load stays small.
  const sandboxApi = import('@/api/sandbox')
  let stopCalls: (() => void) | null = null
  let events: SandboxEventsHandle | null = null
  /** Counts the listens: a stream module that arrives after a stop (or a later listen) is not used. */
  let listens = 0

  function stop(): void {
    listens++
    stopCalls?.()
    stopCalls = null
    events?.close()
    events = null
  }

  function listen(): void {
    const listening = ++listens
    stopCalls = onApiCall((call) => {
      if (call.httpStatus !== null) onBack()
    })
    // An event stream open already says so at once: the server answers now.
    void sandboxApi.then(
      ({ openSandboxEvents }) => {
        if (listening !== listens) return
        events = openSandboxEvents(
          () => undefined,
          undefined,
          () => onBack(),
        )
      },
      () => undefined,
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
