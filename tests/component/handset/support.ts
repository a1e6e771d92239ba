/** A handset message as its tests mount it: a real Pinia whose sandbox holds one request. */
import { mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AdminRequest } from '@contract/admin'
import HandsetMessage from '@/components/handset/HandsetMessage.vue'
import { useSandboxStore } from '@/stores/sandbox'
import { LONG_WAIT } from '../../unit/utils/admin-request-support'

type HandsetMessageProps = InstanceType<typeof HandsetMessage>['$props']

/** The mounted message and the sandbox store it reads. */
export interface MountedHandsetMessage {
  wrapper: VueWrapper
  sandbox: ReturnType<typeof useSandboxStore>
}

/**
 * Mounts one message of `request`, the sandbox store holding only that request and its clock moved
 * ahead by `clockOffsetMs`; any route renders a placeholder page.
 */
export function mountHandsetMessage(
  request: AdminRequest,
  props: HandsetMessageProps,
  clockOffsetMs = 0,
): MountedHandsetMessage {
  const pinia = createPinia()
  setActivePinia(pinia)
  const sandbox = useSandboxStore()
  sandbox.requests = [request]
  sandbox.clock = { now: '', now_ms: 0, offset_ms: clockOffsetMs, next_due_at: null }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/:any(.*)*', component: { template: '<p>page</p>' } }],
  })
  const wrapper = mount(HandsetMessage, { props, global: { plugins: [pinia, router] } })
  return { wrapper, sandbox }
}

/**
 * The first message of LONG_WAIT (workflow 2, next_event_wait=900, sent at T0): its PIN expires at
 * 300 s while the request stays in progress until the next SMS (900 s) and beyond.
 */
export function mountLongWaitMessage(
  channel: 'sms' | 'tts' = 'sms',
  clockOffsetMs = 0,
): MountedHandsetMessage {
  return mountHandsetMessage(
    LONG_WAIT,
    {
      channel,
      text:
        channel === 'sms'
          ? 'Your Acme PIN is 2172. Valid for 5 minutes.'
          : 'Your Acme code is 2, 1, 7, 2.',
      pin: LONG_WAIT.pin,
      sender: 'VERIFY',
      at: LONG_WAIT.submitted_at,
      requestId: LONG_WAIT.request_id,
      requestStatus: 'IN PROGRESS',
      currentPin: LONG_WAIT.pin,
    },
    clockOffsetMs,
  )
}

/** The "Enter PIN" link of LONG_WAIT's message, there while its PIN can be checked. */
export const ENTER_LONG_WAIT_PIN = 'a[aria-label="Enter PIN 2172 on its request"]'
