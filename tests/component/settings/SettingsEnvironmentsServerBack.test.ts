/**
 * The Settings page's notice that the server could not be asked which environments it offers goes
 * by itself once the server is back: the list is asked for again as soon as the app hears from the
 * server (another call answered, the event stream open again), with no Try again pressed. A
 * server that answered with an error is not asked again unasked.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import SettingsEnvironments from '@/components/settings/SettingsEnvironments.vue'
import { listAccounts } from '@/api/sandbox'
import { errorAnswer, json, noAnswer, useDeskServer } from '../support/desk-server'
import { eventually } from '../support/eventually'

const server = useDeskServer()

const LIST = json({
  environments: [
    { id: 'sandbox', label: 'Sandbox', available: true },
    { id: 'live', label: 'Live', available: true, keyHint: 'ab12…' },
  ],
  default: 'sandbox',
})

let mounted: VueWrapper | null = null

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  setActivePinia(createPinia())
})
// The page waits for the server on the event stream, shared by the tests of this file: it stops
// with the page, so that the next test's page asks that test's server.
afterEach(() => {
  mounted?.unmount()
  mounted = null
})

/** Settings' environments while the server does not answer: the notice is up. */
async function mountWhileDown() {
  // No answer to the first ask nor to its one try again; then the list.
  server.on('GET', 'environments', noAnswer(), noAnswer(), LIST)
  const wrapper = (mounted = mount(SettingsEnvironments))
  await eventually(() => expect(wrapper.find('[role="alert"]').exists()).toBe(true))
  expect(wrapper.get('[data-test="env-load-failure"]').text()).toContain(
    'Could not ask the server which environments it offers: No answer',
  )
  expect(server.callsTo('GET', 'environments')).toHaveLength(2)
  return wrapper
}

/** The list as the page shows it, one line per environment (its parts one space apart). */
function listed(wrapper: VueWrapper): string[] {
  return wrapper.findAll('.settings-env li').map((li) =>
    li
      .findAll('strong, span')
      .map((part) => part.text())
      .join(' '),
  )
}

describe('Settings, once the server answers again', () => {
  it('asks for the environments again when another call is answered, and the notice goes', async () => {
    const wrapper = await mountWhileDown()

    // Any other page's call (here the sandbox's accounts) is answered: the server is back.
    server.on('GET', 'sandbox/__admin/accounts', json({ accounts: [] }))
    await listAccounts()
    await eventually(() =>
      expect(listed(wrapper)).toEqual([
        'Sandbox available (in use)',
        'Live available API key ab12…',
      ]),
    )
    expect(wrapper.find('[data-test="env-load-failure"]').exists()).toBe(false)
    expect(server.callsTo('GET', 'environments')).toHaveLength(3)
  })

  it('asks for the environments again when the event stream opens again, and the notice goes', async () => {
    const wrapper = await mountWhileDown()

    // The page listens for the server on the event stream meanwhile (its try still connecting).
    await eventually(() => expect(server.stream.active).toBeGreaterThan(0))
    await server.stream.open()
    await eventually(() => expect(listed(wrapper)[1]).toBe('Live available API key ab12…'))
    expect(wrapper.find('[data-test="env-load-failure"]').exists()).toBe(false)
    expect(server.callsTo('GET', 'environments')).toHaveLength(3)
  })

  it('does not ask again unasked when the server answered the ask with an error', async () => {
    server.on(
      'GET',
      'environments',
      errorAnswer(500, 'internal_error', 'The server could not list its environments.'),
      LIST,
    )
    const wrapper = (mounted = mount(SettingsEnvironments))
    await eventually(() => expect(wrapper.find('[role="alert"]').exists()).toBe(true))

    server.on('GET', 'sandbox/__admin/accounts', json({ accounts: [] }))
    await listAccounts()
    await flushPromises()
    expect(server.callsTo('GET', 'environments')).toHaveLength(1)
    expect(wrapper.get('[role="alert"] button').text()).toBe('Try again')
  })
})
