import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { RouterView, type Router } from 'vue-router'
import type { EnvironmentId } from '@/api/verify'
import type { AdminRequest } from '@contract/admin'
import { useRequestsStore } from '@/stores/requests'
import { useEnvironmentsStore } from '@/stores/environments'
import AppEnvBadge from '@/components/app/AppEnvBadge.vue'
import RequestView from '@/views/RequestView.vue'
import { adminRequest } from '../verify/support'
import { json, useDeskServer } from '../support/desk-server'
import {
  eachTestInNewTab,
  clockAt,
  formStartedEntry,
  requestRouter,
  searchAnswer,
  SANDBOX_ACCOUNTS,
} from './support'

eachTestInNewTab()

const server = useDeskServer()

const ID = 'e'.repeat(32)
let wrapper: VueWrapper | null = null

function found() {
  const submitted = new Date(Date.now() - 10_000).toISOString().replace('T', ' ').slice(0, 19)
  return searchAnswer(ID, {
    account_id: 'abcd1234',
    number: '447700900177',
    date_submitted: submitted,
    first_event_date: submitted,
    last_event_date: submitted,
    events: [{ type: 'sms', id: 'e1' }],
  })
}

/**
 * The app's chrome (the environment badge) and its pages: a request page and New verification.
 * `chosen` is the environment chosen for new verifications; the request is `requestEnv`'s.
 */
async function mountApp(
  chosen: EnvironmentId,
  requestEnv: EnvironmentId,
): Promise<{ router: Router }> {
  localStorage.setItem('verify-desk:environment', chosen)
  const pinia = createPinia()
  setActivePinia(pinia)
  await useRequestsStore().upsert(
    formStartedEntry(ID, Date.now() - 10_000, { environment: requestEnv, number: '447700900177' }),
  )
  const router = await requestRouter()
  await router.push(`/requests/${ID}`)
  const Shell = defineComponent(() => () => [h(AppEnvBadge), h(RouterView)])
  wrapper = mount(Shell, { global: { plugins: [pinia, router] } })
  await flushPromises()
  return { router }
}

const badge = () => wrapper!.get('.env-badge')
const note = () => wrapper!.find('[data-testid="env-live-note"]')

/** The sandbox holds `requests` (as its admin API lists them); its clock reads this computer's. */
function sandboxHolds(requests: AdminRequest[]): void {
  server.on('GET', 'sandbox/__admin/requests', json({ requests, total: requests.length }))
  server.on('GET', 'sandbox/__admin/clock', () => json(clockAt(Date.now())))
  server.on('GET', 'sandbox/__admin/accounts', json(SANDBOX_ACCOUNTS))
}

beforeEach(() => {
  localStorage.clear()
  server.on(
    'GET',
    'environments',
    json({
      environments: [
        { id: 'sandbox', label: 'Sandbox', available: true },
        { id: 'live', label: 'Live', available: true, keyHint: 'ab12…' },
      ],
      default: 'sandbox',
    }),
  )
  server.on('GET', 'live/verify/search/json', () => json(found()))
  // The sandbox knows no request but the one a test gives it.
  sandboxHolds([])
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('the environment badge on a request page', () => {
  it('shows Live for a live request while Sandbox is chosen, as its buttons call live', async () => {
    const { router } = await mountApp('sandbox', 'live')
    expect(useEnvironmentsStore().currentId).toBe('sandbox')
    expect(badge().attributes('data-env')).toBe('live')
    expect(badge().text()).toBe(
      'Environment: Live — This request is in Live: its buttons call the real Vonage API (key ab12…), real SMS and calls are made and charged. New verifications still go to Sandbox.',
    )
    expect(badge().text()).not.toMatch(/sandbox: no real SMS/i)
    expect(note().text()).toBe('This request: real SMS and calls, charged')
    // The tab says Live too.
    expect(document.title).toBe('Live · Request …eeeeee IN PROGRESS · Verify Desk')
    // No word of the sandbox on the page of a live request.
    expect(wrapper!.findComponent(RequestView).text()).not.toMatch(/sandbox/i)

    // What the badge says is where the buttons go.
    server.on(
      'POST',
      'live/verify/control/json',
      json({ status: '0', command: 'trigger_next_event' }),
    )
    await wrapper!.get('#next-event').trigger('click')
    await flushPromises()
    expect(server.callsTo('POST', 'live/verify/control/json').map((c) => c.body)).toEqual([
      { request_id: ID, cmd: 'trigger_next_event' },
    ])
    expect(server.callsTo('POST', 'sandbox/verify/control/json')).toEqual([])

    // Leaving the page, the badge shows the chosen environment again.
    await router.push('/')
    await flushPromises()
    expect(badge().attributes('data-env')).toBe('sandbox')
    expect(badge().text()).toBe(
      'Environment: Sandbox — Calls go to the embedded sandbox: no real SMS or calls are made.',
    )
    expect(note().exists()).toBe(false)
  })

  it('shows Sandbox for a sandbox request while Live is chosen, and keeps the tab title plain', async () => {
    sandboxHolds([adminRequest(ID, Date.now() - 10_000)])
    await mountApp('live', 'sandbox')
    expect(useEnvironmentsStore().currentId).toBe('live')
    expect(badge().attributes('data-env')).toBe('sandbox')
    expect(badge().text()).toBe(
      'Environment: Sandbox — This request is in the sandbox: its buttons call the embedded sandbox, no real SMS or calls are made. New verifications still go to Live.',
    )
    expect(note().exists()).toBe(false)
    expect(document.title).toBe('Request …eeeeee IN PROGRESS · Verify Desk')
    expect(wrapper!.text()).toContain('Also list the sandbox admin calls this page made')
  })

  it('says when the request is in an environment the server no longer offers', async () => {
    server.on(
      'GET',
      'environments',
      json({
        environments: [
          { id: 'sandbox', label: 'Sandbox', available: true },
          { id: 'live', label: 'Live', available: false },
        ],
        default: 'sandbox',
      }),
    )
    await mountApp('sandbox', 'live')
    expect(badge().attributes('data-env')).toBe('live')
    expect(badge().text()).toBe(
      'Environment: Live (not available) — This request is in Live: Live is not configured: set VONAGE_API_KEY and VONAGE_API_SECRET on the server and restart it.',
    )
  })
})

describe('the call detail of a request page', () => {
  it('says the server adds the credentials where the server says it puts them', async () => {
    server.on(
      'GET',
      'environments',
      json({
        environments: [
          { id: 'sandbox', label: 'Sandbox', available: true, credentials: 'basic' },
          { id: 'live', label: 'Live', available: true, keyHint: 'ab12…', credentials: 'params' },
        ],
        default: 'sandbox',
      }),
    )
    server.on(
      'POST',
      'live/verify/control/json',
      json({ status: '0', command: 'trigger_next_event' }),
    )
    await mountApp('sandbox', 'live')
    await wrapper!.get('#next-event').trigger('click')
    await flushPromises()
    const lines = wrapper!.findAll('[data-test="call-credentials"]').map((line) => line.text())
    expect(lines).not.toHaveLength(0)
    for (const line of lines) {
      expect(line).toBe(
        'The server adds the credentials as the api_key and api_secret parameters ($VONAGE_API_KEY, $VONAGE_API_SECRET).',
      )
    }
  })
})
