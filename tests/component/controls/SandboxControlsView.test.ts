import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { AdminFault } from '@contract/admin'
import SandboxControlsView from '@/views/SandboxControlsView.vue'
import { useEnvironmentsStore } from '@/stores/environments'
import { adminRequest } from '../verify/support'
import { deferred } from '../../support/deferred'
import {
  answerSandboxReads,
  errorAnswer,
  heldUntil,
  json,
  noAnswer,
  useDeskServer,
} from '../support/desk-server'

const server = useDeskServer()
const ADMIN = 'sandbox/__admin'

const NOW = Date.parse('2026-11-25T20:00:00.000Z')
const clock = (offsetMs: number) => ({
  now: new Date(NOW + offsetMs).toISOString(),
  now_ms: NOW + offsetMs,
  offset_ms: offsetMs,
  next_due_at: null,
})

/** A fault that drops the next 2 calls to check. */
const DROP_FAULT: AdminFault = {
  id: 'f1',
  endpoint: 'check',
  remaining: 2,
  status: null,
  error_text: null,
  delay_ms: 0,
  drop: true,
  network: null,
}

/** The one button whose accessible name (its aria-label, else its text) matches `name`. */
function buttonNamed(wrapper: VueWrapper, name: string | RegExp): HTMLButtonElement {
  const named = wrapper.findAll('button').filter((b) => {
    const accessible = b.attributes('aria-label') ?? b.text().replace(/\s+/g, ' ').trim()
    return typeof name === 'string' ? accessible === name : name.test(accessible)
  })
  expect(named, `buttons named ${String(name)}`).toHaveLength(1)
  return named[0]!.element as HTMLButtonElement
}

/** The sandbox controls a user acts with, by accessible name. */
const CONTROLS = [
  '+30 s',
  /^To the next event \(\+\d+ s\)$/,
  /^To expiry \(\+\d+ s\)$/,
  'Inject fault',
  'Clear all faults',
  'Add test number',
  'Remove test number 447700900999',
  'Reset the sandbox…',
]

/** Mounts the page on `env` with a request in progress, an active fault and a test number. */
async function mountWithEverythingActive(env: 'sandbox' | 'live') {
  answerSandboxReads(server, {
    clock: clock(0),
    requests: [adminRequest('c'.repeat(32), Date.now())],
    faults: [DROP_FAULT],
    testNumbers: [{ number: '447700900999', pin: '2468' }],
  })
  const environments = useEnvironmentsStore()
  environments.environments = [
    { id: 'sandbox', label: 'Sandbox', available: true },
    { id: 'live', label: 'Live', available: true },
  ]
  environments.select(env)
  return mountView()
}

async function mountView(options: { attach?: boolean } = {}) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<p>home</p>' } },
      { path: '/controls', component: SandboxControlsView },
    ],
  })
  await router.push('/controls')
  const wrapper = mount(
    { template: '<RouterView />' },
    { global: { plugins: [router] }, ...(options.attach ? { attachTo: document.body } : {}) },
  )
  await flushPromises()
  return wrapper
}

beforeEach(() => {
  localStorage.clear()
  // The forms keep what is typed in session storage: each test opens the page afresh.
  sessionStorage.clear()
  setActivePinia(createPinia())
  answerSandboxReads(server, { clock: clock(0) })
})

describe('SandboxControlsView', () => {
  it('moves the clock and says how far ahead of real time it is', async () => {
    server.on('POST', `${ADMIN}/clock`, json(clock(30_000)))
    server.on('GET', `${ADMIN}/clock`, json(clock(0)), json(clock(30_000)))
    const wrapper = await mountView()
    await wrapper
      .findAll('button')
      .find((b) => b.text() === '+30 s')!
      .trigger('click')
    await flushPromises()
    expect(server.callsTo('POST', `${ADMIN}/clock`).map((c) => c.body)).toEqual([
      { advance_seconds: 30 },
    ])
    expect(wrapper.text()).toContain('30 s ahead of real time')
    expect(wrapper.text()).toContain('Clock moved 30 s ahead.')
  })

  it('resets only after confirmation', async () => {
    server.on('POST', `${ADMIN}/reset`, json({ ok: true, clock: clock(0) }))
    const wrapper = await mountView()
    await wrapper
      .findAll('button')
      .find((b) => b.text().startsWith('Reset the sandbox'))!
      .trigger('click')
    expect(server.callsTo('POST', `${ADMIN}/reset`)).toEqual([])
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Yes, reset everything')!
      .trigger('click')
    await flushPromises()
    expect(server.callsTo('POST', `${ADMIN}/reset`)).toHaveLength(1)
    expect(wrapper.text()).toContain('The sandbox was reset.')
  })

  it('sends a validated fault to the admin API in its own shape', async () => {
    server.on('POST', `${ADMIN}/faults`, json(DROP_FAULT))
    const wrapper = await mountView()
    await wrapper.get('#fault-endpoint').setValue('check')
    await wrapper.get('#fault-count').setValue('2')
    await wrapper.get('input[value="drop"]').setValue(true)
    await wrapper.get('form[aria-label="Inject a fault"]').trigger('submit')
    await flushPromises()
    expect(server.callsTo('POST', `${ADMIN}/faults`).map((c) => c.body)).toEqual([
      { endpoint: 'check', count: 2, drop: true },
    ])
    expect(wrapper.text()).toContain('Next 2 calls to check: drop the connection')
  })

  it('says why "Clear all faults" is disabled when no fault is active', async () => {
    const wrapper = await mountView()
    const clear = wrapper.findAll('button').find((b) => b.text() === 'Clear all faults')!
    expect((clear.element as HTMLButtonElement).disabled).toBe(true)
    expect(wrapper.get(`#${clear.attributes('aria-describedby')}`).text()).toBe(
      'No fault is active: every call is answered normally.',
    )
  })

  it('has every control enabled against the sandbox when each has something to act on', async () => {
    const wrapper = await mountWithEverythingActive('sandbox')
    expect(wrapper.find('[role="note"]').exists()).toBe(false)
    expect(CONTROLS.map((name) => [name, buttonNamed(wrapper, name).disabled])).toEqual(
      CONTROLS.map((name) => [name, false]),
    )
  })

  it('has every control disabled, with the reason, while the environment is live', async () => {
    const wrapper = await mountWithEverythingActive('live')
    expect(wrapper.get('[role="note"]').text()).toContain('you are working against Live')
    expect(CONTROLS.map((name) => [name, buttonNamed(wrapper, name).disabled])).toEqual(
      CONTROLS.map((name) => [name, true]),
    )
    expect(wrapper.findAll('button').every((b) => (b.element as HTMLButtonElement).disabled)).toBe(
      true,
    )
  })
})

describe('SandboxControlsView: the focus stays on a control, and refused input is said', () => {
  let wrapper: VueWrapper | null = null
  afterEach(() => {
    wrapper?.unmount()
    wrapper = null
  })
  const focused = () => document.activeElement
  async function press(button: HTMLElement) {
    button.focus()
    button.click()
    await flushPromises()
  }

  it('keeps the focus on "+30 s" while the clock moves and after', async () => {
    const moved = deferred<Response>()
    server.on('POST', `${ADMIN}/clock`, heldUntil(moved.promise))
    wrapper = await mountView({ attach: true })
    const plus30 = buttonNamed(wrapper, '+30 s')
    await press(plus30)
    expect(plus30.getAttribute('aria-disabled')).toBe('true')
    expect(focused()).toBe(plus30)
    await press(plus30)
    expect(server.callsTo('POST', `${ADMIN}/clock`)).toHaveLength(1)
    moved.resolve(json(clock(30_000)))
    await flushPromises()
    expect(focused()).toBe(plus30)
    expect(plus30.getAttribute('aria-disabled')).toBeNull()
  })

  it('says "Clock moved 30 s ahead." again when +30 s is pressed again', async () => {
    server.on('POST', `${ADMIN}/clock`, json(clock(30_000)))
    wrapper = await mountView({ attach: true })
    const said = wrapper.get('[data-test="controls-said"]')
    const texts: string[] = []
    const observer = new MutationObserver(() => texts.push(said.element.textContent!.trim()))
    observer.observe(said.element, { childList: true, characterData: true, subtree: true })
    await press(buttonNamed(wrapper, '+30 s'))
    await press(buttonNamed(wrapper, '+30 s'))
    observer.disconnect()
    expect(server.callsTo('POST', `${ADMIN}/clock`)).toHaveLength(2)
    expect(texts.filter((t) => t === 'Clock moved 30 s ahead.')).toHaveLength(2)
    expect(said.text()).toBe('Clock moved 30 s ahead.')
  })

  it('keeps the focus on "Inject fault" while the fault is saved', async () => {
    const saved = deferred<Response>()
    server.on('POST', `${ADMIN}/faults`, heldUntil(saved.promise))
    wrapper = await mountView({ attach: true })
    const inject = buttonNamed(wrapper, 'Inject fault')
    await press(inject)
    expect(inject.getAttribute('aria-disabled')).toBe('true')
    expect(focused()).toBe(inject)
    saved.resolve(json(DROP_FAULT))
    await flushPromises()
    expect(focused()).toBe(inject)
  })

  it('moves the focus to "No fault is active" once "Clear all faults" cleared them', async () => {
    answerSandboxReads(server, { clock: clock(0), faults: [DROP_FAULT] })
    server.on('DELETE', `${ADMIN}/faults`, json({ faults: [] }))
    wrapper = await mountView({ attach: true })
    const clear = buttonNamed(wrapper, 'Clear all faults')
    await press(clear)
    expect(server.callsTo('DELETE', `${ADMIN}/faults`)).toHaveLength(1)
    expect(clear.disabled).toBe(true)
    expect(focused()).toBe(wrapper.get('#faults-none').element)
  })

  it('moves the focus to the next "Remove", then to the number field, as test numbers go', async () => {
    answerSandboxReads(server, {
      clock: clock(0),
      testNumbers: [
        { number: '447700900111', pin: '1111' },
        { number: '447700900222', pin: '2222' },
      ],
    })
    server.on(
      'DELETE',
      `${ADMIN}/test-numbers/447700900111`,
      json({ test_numbers: [{ number: '447700900222', pin: '2222' }] }),
    )
    server.on('DELETE', `${ADMIN}/test-numbers/447700900222`, json({ test_numbers: [] }))
    wrapper = await mountView({ attach: true })
    await press(buttonNamed(wrapper, 'Remove test number 447700900111'))
    expect(focused()).toBe(buttonNamed(wrapper, 'Remove test number 447700900222'))
    await press(buttonNamed(wrapper, 'Remove test number 447700900222'))
    expect(wrapper.find('.test-numbers').exists()).toBe(false)
    expect(focused()).toBe(wrapper.get('#test-number').element)
  })

  it('keeps the focus on "Add test number" while it is saved', async () => {
    const saved = deferred<Response>()
    server.on('POST', `${ADMIN}/test-numbers`, heldUntil(saved.promise))
    wrapper = await mountView({ attach: true })
    await wrapper.get('#test-number').setValue('447700900333')
    await wrapper.get('#test-pin').setValue('3333')
    const add = buttonNamed(wrapper, 'Add test number')
    await press(add)
    expect(server.callsTo('POST', `${ADMIN}/test-numbers`)).toHaveLength(1)
    expect(add.getAttribute('aria-disabled')).toBe('true')
    expect(focused()).toBe(add)
    saved.resolve(json({ number: '447700900333', pin: '3333' }))
    await flushPromises()
    expect(focused()).toBe(add)
  })

  it('keeps a test number the sandbox refused, and says why by the form, not at the top', async () => {
    server.on(
      'POST',
      `${ADMIN}/test-numbers`,
      errorAnswer(400, 'invalid_number', '447700900124 is not a phone number.'),
    )
    wrapper = await mountView({ attach: true })
    await wrapper.get('#test-number').setValue('447700900124')
    await wrapper.get('#test-pin').setValue('5678')
    await press(buttonNamed(wrapper, 'Add test number'))
    await flushPromises()
    expect(server.callsTo('POST', `${ADMIN}/test-numbers`)).toHaveLength(1)
    expect((wrapper.get('#test-number').element as HTMLInputElement).value).toBe('447700900124')
    expect((wrapper.get('#test-pin').element as HTMLInputElement).value).toBe('5678')
    expect(wrapper.get('#test-number-error').text()).toBe(
      'Saving the test number failed: 447700900124 is not a phone number.',
    )
    expect(wrapper.get('#test-number').attributes('aria-invalid')).toBe('true')
    expect(focused()).toBe(wrapper.get('#test-number').element)
    expect(wrapper.find('.controls-view > [role="alert"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('Reload the sandbox state')
  })

  /** Types a test number and its PIN and presses "Add test number". */
  async function addTestNumber(number: string, pin: string) {
    await wrapper!.get('#test-number').setValue(number)
    await wrapper!.get('#test-pin').setValue(pin)
    await press(buttonNamed(wrapper!, 'Add test number'))
    await flushPromises()
  }

  it('shows a refusal of the number by the number field by its code, whatever its words', async () => {
    server.on(
      'POST',
      `${ADMIN}/test-numbers`,
      errorAnswer(400, 'invalid_number', '447700900124 cannot take a fixed PIN.'),
    )
    wrapper = await mountView({ attach: true })
    await addTestNumber('447700900124', '5678')
    expect(server.callsTo('POST', `${ADMIN}/test-numbers`).map((c) => c.body)).toEqual([
      { number: '447700900124', pin: '5678' },
    ])
    expect(wrapper.get('#test-number-error').text()).toBe(
      'Saving the test number failed: 447700900124 cannot take a fixed PIN.',
    )
    expect(wrapper.get('#test-number').attributes('aria-invalid')).toBe('true')
    expect(focused()).toBe(wrapper.get('#test-number').element)
    expect(wrapper.find('[data-test="test-number-save-failure"]').exists()).toBe(false)
    expect(wrapper.find('.controls-view > [role="alert"]').exists()).toBe(false)
  })

  it('shows a save that got no answer by the form, not as the number field’s error', async () => {
    server.on('POST', `${ADMIN}/test-numbers`, noAnswer())
    wrapper = await mountView({ attach: true })
    await addTestNumber('447700900124', '5678')
    expect(server.callsTo('POST', `${ADMIN}/test-numbers`)).toHaveLength(1)
    expect(wrapper.get('#test-number-error').text()).toBe('')
    expect(wrapper.get('#test-number').attributes('aria-invalid')).toBe('false')
    expect(wrapper.get('[data-test="test-number-save-failure"]').text()).toBe(
      'Saving the test number failed: No answer: the connection to the server failed or was lost (Failed to fetch). Check that the app server is running.',
    )
    expect((wrapper.get('#test-number').element as HTMLInputElement).value).toBe('447700900124')
  })

  it('empties the test number form once the number is saved', async () => {
    server.on('POST', `${ADMIN}/test-numbers`, json({ number: '447700900124', pin: '5678' }))
    wrapper = await mountView({ attach: true })
    await wrapper.get('#test-number').setValue('+44 7700 900124')
    await wrapper.get('#test-pin').setValue('5678')
    await press(buttonNamed(wrapper, 'Add test number'))
    await flushPromises()
    expect(server.callsTo('POST', `${ADMIN}/test-numbers`).map((c) => c.body)).toEqual([
      { number: '447700900124', pin: '5678' },
    ])
    expect((wrapper.get('#test-number').element as HTMLInputElement).value).toBe('')
    expect((wrapper.get('#test-pin').element as HTMLInputElement).value).toBe('')
    expect(wrapper.get('[data-test="controls-said"]').text()).toBe(
      'Test number +447700900124 saved.',
    )
  })

  it('focuses the first field to correct and says what is wrong, each time', async () => {
    wrapper = await mountView({ attach: true })
    await wrapper.get('#fault-count').setValue('0')
    await press(buttonNamed(wrapper, 'Inject fault'))
    expect(focused()).toBe(wrapper.get('#fault-count').element)
    expect(wrapper.get('#fault-count').attributes('aria-describedby')).toBe('fault-count-error')
    const faultSaid = wrapper.get('[data-test="fault-form-said"]')
    expect(faultSaid.attributes('role')).toBe('status')
    expect(faultSaid.text()).toBe('Next calls: Enter a whole number of calls from 1 to 100.')
    expect(server.callsTo('POST', `${ADMIN}/faults`)).toEqual([])

    await press(buttonNamed(wrapper, 'Add test number'))
    expect(focused()).toBe(wrapper.get('#test-number').element)
    const numberSaid = wrapper.get('[data-test="test-numbers-said"]')
    expect(numberSaid.text()).toBe('2 fields need attention: Number, Fixed PIN.')
    // Pressed again with nothing corrected: emptied, then said again.
    const texts: string[] = []
    const observer = new MutationObserver(() => texts.push(numberSaid.element.textContent!.trim()))
    observer.observe(numberSaid.element, { childList: true, characterData: true, subtree: true })
    await press(buttonNamed(wrapper, 'Add test number'))
    observer.disconnect()
    expect(texts).toEqual(['', '2 fields need attention: Number, Fixed PIN.'])
    expect(server.callsTo('POST', `${ADMIN}/test-numbers`)).toEqual([])
  })
})
