import { h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { MockInstance } from 'vitest'
import type { AdminRequest } from '@contract/admin'
import { ApiError, configureClient } from '@/api/client'
import type { EnvironmentsResponse, SearchResult, startVerification } from '@/api/verify'
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

/** A search for BLOCKER_ID that finds nothing (status 101). */
export const blockerNotFound = (): SearchResult => ({
  kind: 'not_found',
  ids: [BLOCKER_ID],
  error_text: 'No response found',
})

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

/** A start Vonage did not answer in time (the proxy's 504): it may have gone out. */
export function startTimedOut(): ApiError {
  return new ApiError('proxy', 'Vonage did not answer within 15 s.', {
    httpStatus: 504,
    code: 'upstream_timeout',
    delivery: 'maybe',
  })
}

/**
 * Sends a start to `number` for `brand` from the form in `wrapper` that gets no answer
 * (`startTimedOut`); `start` is the calling test file's mocked `startVerification`.
 */
export async function sendUnansweredStart(
  wrapper: VueWrapper,
  start: MockInstance<typeof startVerification>,
  number: string,
  brand: string,
): Promise<void> {
  start.mockRejectedValueOnce(startTimedOut())
  await fillField(wrapper, 'number', number)
  await fillField(wrapper, 'brand', brand)
  await wrapper.get('form[aria-label="New verification"]').trigger('submit')
  await flushPromises()
}

/** An answer of the desk's server: `body` as JSON with HTTP `status`. */
export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/**
 * Puts a stub desk server under the real API layer (only `fetch` is replaced): it lists the
 * sandbox and Live (usable if `liveAvailable`), answers a call to one of `startPaths` with
 * `answerStart()`, and anything else with a 404.
 */
export function stubDeskServer({
  liveAvailable,
  startPaths,
  answerStart,
}: {
  liveAvailable: boolean
  startPaths: string[]
  answerStart: () => Response | Promise<Response>
}): void {
  configureClient({
    prefixUrl: 'http://127.0.0.1:9/api',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init)
      const path = new URL(request.url).pathname
      if (path === '/api/environments') {
        return json({
          environments: [
            { id: 'sandbox', label: 'Sandbox', available: true },
            { id: 'live', label: 'Live', available: liveAvailable },
          ],
          default: 'sandbox',
        })
      }
      if (startPaths.includes(path)) return answerStart()
      return json({ error: { code: 'not_found', message: `unexpected call ${path}` } }, 404)
    }) as typeof fetch,
  })
}
