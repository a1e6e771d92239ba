/**
 * Keeps the code typed in a request's PIN field (see stores/pin-drafts) for the request of the
 * current route: restores it when the page is opened again, forgets it once it is sent. A check
 * that was not sent or not processed keeps it again (useRequestActions): `restore` then puts it
 * back into a field emptied meanwhile (the page was re-created while the check was out).
 */
import { inject, watch, type Ref } from 'vue'
import { routeLocationKey } from 'vue-router'
import { usePinDraftsStore } from '@/stores/pin-drafts'
import { useRequestsStore } from '@/stores/requests'

export function usePinDraft(code: Ref<string>): { sent(): void; restore(): void } {
  // Optional: without a router (a component on its own) nothing is kept.
  const route = inject(routeLocationKey, null)
  const id = route?.params.id
  if (typeof id !== 'string' || id === '') return { sent() {}, restore() {} }
  const drafts = usePinDraftsStore()
  const history = useRequestsStore()
  // Unknown environment: treated as live (memory only).
  const sandbox = () => history.byId(id)?.environment === 'sandbox'

  const kept = drafts.get(id)
  if (code.value === '' && kept) code.value = kept
  /** The code last sent: not kept again while the field still holds it. */
  let sentCode: string | null = null
  watch(code, (value) => {
    if (value === sentCode) return
    sentCode = null
    drafts.set(id, value.trim() === '' ? '' : value, sandbox())
  })

  return {
    /** The code was sent: the check may go through, so it is not restored any more. */
    sent() {
      sentCode = code.value
      drafts.forget(id)
    },
    /** The code sent was kept again (not sent, or not processed): shown if the field is empty. */
    restore() {
      const again = drafts.get(id)
      if (code.value === '' && again) code.value = again
    },
  }
}
