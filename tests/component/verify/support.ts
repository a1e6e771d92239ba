import { h } from 'vue'
import { mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { AdminRequest } from '@contract/admin'
import type { EnvironmentsResponse } from '@/api/verify'
import NewVerificationView from '@/views/NewVerificationView.vue'
import { admin, iso } from '../../unit/utils/admin-request-support'

export const REQUEST_ID = 'a'.repeat(32)
export const BLOCKER_ID = 'b'.repeat(32)

/**
 * Mounts the New verification page with a real Pinia and a memory router, on an empty
 * localStorage (`prepare` runs after it is cleared, e.g. to store settings) and, unless
 * `keepDraft`, an empty sessionStorage (where the form keeps its draft).
 */
export async function mountNewVerification(
  prepare?: () => void,
  { keepDraft = false }: { keepDraft?: boolean } = {},
): Promise<{ wrapper: VueWrapper; router: Router }> {
  localStorage.clear()
  if (!keepDraft) sessionStorage.clear()
  prepare?.()
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: NewVerificationView },
      { path: '/requests/:id', component: { render: () => h('p', 'request page') } },
    ],
  })
  await router.push('/')
  const wrapper = mount(NewVerificationView, {
    global: { plugins: [pinia, router] },
    attachTo: document.body,
  })
  return { wrapper, router }
}

/**
 * A sandbox admin view of a request submitted at `submittedAt` (epoch ms), its first SMS sent then:
 * the next event due 125 s later, the request expiring at 605 s.
 */
export function adminRequest(
  id: string,
  submittedAt: number,
  patch: Partial<AdminRequest> = {},
): AdminRequest {
  return admin({
    request_id: id,
    lg: 'en-us',
    pin: '1234',
    pin_generated_at: iso(submittedAt),
    date_submitted: '',
    submitted_at: iso(submittedAt),
    next_event_at: iso(submittedAt + 125_000),
    expires_at: iso(submittedAt + 605_000),
    events: [
      { id: 'e1', type: 'sms', index: 0, sent_at: iso(submittedAt), new_pin: true, price: '0.033' },
    ],
    estimated_price_messages_sent: '0.033',
    ...patch,
  })
}

/** The environments of a desk with the sandbox only. */
export const SANDBOX_ONLY: EnvironmentsResponse = {
  environments: [{ id: 'sandbox', label: 'Sandbox', available: true }],
  default: 'sandbox',
}

/** Types `value` into the field `#id` of the page in `wrapper` and leaves the field. */
export async function fillField(wrapper: VueWrapper, id: string, value: string): Promise<void> {
  const input = wrapper.get(`#${id}`)
  await input.setValue(value)
  await input.trigger('blur')
}
