import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import type { AdminRequest } from '@contract/admin'
import { configureClient } from '@/api/client'
import { useRequestsStore } from '@/stores/requests'
import { adminRequest, BLOCKER_ID, fillField, mountNewVerification, REQUEST_ID } from './support'
import {
  answerEnvironments,
  environments,
  paramsOf,
  START_REFUSED,
  startAnsweredHtml,
  startDropped,
  startPath,
  startTimedOut,
} from './desk-support'
import { clockAt } from '../request/support'
import {
  errorAnswer,
  heldUntil,
  json,
  noAnswer,
  searchedIds,
  searchPath,
  useDeskServer,
} from '../support/desk-server'
import { deferred } from '../../support/deferred'
import { eventually } from '../support/eventually'

const server = useDeskServer()

const REQUESTS = 'sandbox/__admin/requests'
const CLOCK = 'sandbox/__admin/clock'
const CONTROL = 'sandbox/verify/control/json'

/** A start accepted (status 0), naming REQUEST_ID. */
const accepted = () => json({ status: '0', request_id: REQUEST_ID })
/** A start refused with status 10, naming BLOCKER_ID as the request already in progress. */
const refusedByBlocker = () =>
  json({
    status: '10',
    request_id: BLOCKER_ID,
    error_text: 'Concurrent verifications to the same number are not allowed',
  })
/** What search answers of a request it does not know: status 101. */
const searchNotFound = () =>
  json({ request_id: BLOCKER_ID, status: '101', error_text: 'No response found' })
/** The starts (`psd2`: the PSD2 starts) to `env` that reached the server. */
const starts = (env: 'sandbox' | 'live' = 'sandbox', kind: 'request' | 'psd2' = 'request') =>
  server.callsTo('POST', startPath(env, kind))
/** Every start of any kind to any environment that reached the server. */
const startCalls = () =>
  server.calls.filter(
    (c) => c.method === 'POST' && /^(sandbox|live)\/verify\/(psd2\/)?json$/.test(c.path),
  )
/** What the sandbox's admin API holds of the blocking request (null: nothing). */
let sandboxView: AdminRequest | null = null
/** The sandbox's answer to a read of the blocking request: what it holds now. */
const answerView = () => {
  const requests = sandboxView ? [sandboxView] : []
  return json({ requests, total: requests.length })
}

let wrapper: VueWrapper

beforeEach(async () => {
  sandboxView = null
  answerEnvironments(server)
  server.on('GET', REQUESTS, answerView)
  ;({ wrapper } = await mountNewVerification())
  await flushPromises()
})
afterEach(async () => {
  wrapper.unmount()
  await useRequestsStore().dispose()
  vi.useRealTimers()
})

const fill = (id: string, value: string) => fillField(wrapper, id, value)

function errorOf(id: string): string {
  return wrapper.find(`#${id}-error`).exists() ? wrapper.get(`#${id}-error`).text() : ''
}

async function submit() {
  await wrapper.get('form[aria-label="New verification"]').trigger('submit')
  await flushPromises()
}

/**
 * Closes the page and opens it again with a new Pinia: `prepare` and `keepDraft` as in
 * `mountNewVerification`, which clears the browser storage first.
 */
async function reopen(...options: Parameters<typeof mountNewVerification>): Promise<void> {
  wrapper.unmount()
  await useRequestsStore().dispose()
  ;({ wrapper } = await mountNewVerification(...options))
  await flushPromises()
}

describe('the new verification form: rules and messages', () => {
  it('says what is missing next to each required field, with the API text, and sends nothing', async () => {
    await fill('brand', '')
    await submit()
    expect(errorOf('number')).toContain('Enter the phone number to verify.')
    expect(errorOf('number')).toContain(
      'Your request is incomplete and missing the mandatory parameter: number',
    )
    expect(errorOf('brand')).toContain('Enter a brand')
    const number = wrapper.get('#number')
    expect(number.attributes('aria-invalid')).toBe('true')
    expect(number.attributes('aria-describedby')).toContain('number-error')
    expect(document.activeElement?.id).toBe('number')
    expect(wrapper.text()).toContain('2 fields need attention before sending.')
    expect(startCalls()).toEqual([])
  })

  it('says a refused submit again when it is repeated with the same fields to fix', async () => {
    await fill('brand', '')
    await submit()
    const said = wrapper.get('[data-test="form-announcement"]')
    expect(said.attributes('role')).toBe('status')
    expect(said.text()).toBe('2 fields need attention before sending.')
    // Enter again, nothing changed: emptied, then said again (a live region only speaks changes).
    const texts: string[] = []
    const observer = new MutationObserver(() => texts.push(said.element.textContent!.trim()))
    observer.observe(said.element, { childList: true, characterData: true, subtree: true })
    await submit()
    observer.disconnect()
    expect(texts).toEqual(['', '2 fields need attention before sending.'])
    // Kept current while fields are fixed, and gone once none is left.
    await fill('brand', 'Acme')
    expect(said.text()).toBe('1 field needs attention before sending.')
    await fill('number', '+447700900123')
    expect(said.text()).toBe('')
    expect(startCalls()).toEqual([])
  })

  it('says nothing more about fields to fix once all were fixed, until the next refused submit', async () => {
    await fill('brand', '')
    await submit()
    const said = wrapper.get('[data-test="form-announcement"]')
    await fill('brand', 'Acme')
    await fill('number', '+447700900123')
    expect(said.text()).toBe('')
    // Broken again: its own error shows, the form's count does not come back by itself.
    await fill('brand', '')
    expect(errorOf('brand')).toContain('Enter a brand')
    expect(said.text()).toBe('')
    await submit()
    expect(said.text()).toBe('1 field needs attention before sending.')
    expect(startCalls()).toEqual([])
  })

  it.each([
    [
      'brand',
      'x'.repeat(19),
      'Brand is at most 18 characters (now 19 characters).',
      'Invalid value for param: brand. Parameter is too long.',
    ],
    [
      'pin_expiry',
      '59',
      'Use whole seconds from 60 to 3600',
      'Invalid value for param: pin_expiry',
    ],
    [
      'pin_expiry',
      '3601',
      'Use whole seconds from 60 to 3600',
      'Invalid value for param: pin_expiry',
    ],
    [
      'pin_expiry',
      '5m',
      'Use whole seconds from 60 to 3600',
      'Invalid value for param: pin_expiry',
    ],
    [
      'next_event_wait',
      '901',
      'Use whole seconds from 60 to 900',
      'Invalid value for param: next_event_wait',
    ],
    [
      'next_event_wait',
      '30',
      'Use whole seconds from 60 to 900',
      'Invalid value for param: next_event_wait',
    ],
  ])('%s = %j: %s', async (field, value, message, apiText) => {
    await fill(field, value)
    expect(errorOf(field)).toContain(message)
    expect(errorOf(field)).toContain(apiText)
    expect(wrapper.get(`#${field}`).attributes('aria-invalid')).toBe('true')
  })

  it.each([
    [
      'sender_id',
      'ABCDEFGHIJKL',
      'Sender ID is at most 11 characters (now 12 characters).',
      'Invalid value for param: sender_id. Parameter is too long.',
    ],
    [
      'pin_code',
      'A12',
      'A custom PIN has 4 to 10 characters (now 3 characters).',
      'Invalid value for param: pin_code',
    ],
    [
      'pin_code',
      'A1234567890',
      'A custom PIN has 4 to 10 characters (now 11 characters).',
      'Invalid value for param: pin_code',
    ],
    ['country', 'GBR', 'Use a two-letter country code', 'Invalid value for param: country'],
    [
      'country',
      'xx',
      'XX is not a country code: use one such as GB or US',
      'Invalid value for param: country',
    ],
  ])('advanced %s = %j: %s', async (field, value, message, apiText) => {
    await fill(field, value)
    expect(errorOf(field)).toContain(message)
    expect(errorOf(field)).toContain(apiText)
  })

  it.each([
    ['abc', 'Use digits only'],
    ['+44 12', 'The number is too short: with its country code it has at least 7 digits.'],
    ['0770090012345678', 'The number is too long for United Kingdom.'],
  ])('number %j: %s', async (value, message) => {
    await fill('number', value)
    expect(errorOf('number')).toContain(message)
    expect(errorOf('number')).toContain('Invalid value for param: number')
  })

  it.each([
    ['+999 1234567', '9991234567', 'No country has this calling code'],
    ['+4477009', '4477009', 'This length is unusual for a number of +44'],
    ['+1 202 555 0100 1234', '120255501001234', 'This length is unusual for a number of '],
  ])('number %j: only a warning, as the sandbox takes it', async (value, digits, warning) => {
    await fill('number', value)
    expect(errorOf('number')).toBe('')
    expect(wrapper.get('#number').attributes('aria-invalid')).not.toBe('true')
    const hint = wrapper.get('#number-hint').text()
    expect(hint).toContain(`Sent as ${digits}`)
    expect(hint).toContain(warning)
    expect(hint).toContain('the live API may refuse it')
  })

  it('says a number set aside for drama and examples is one, not that it looks invalid', async () => {
    await fill('number', '+44 7700 900000')
    expect(errorOf('number')).toBe('')
    expect(wrapper.get('#number-hint').text()).toBe(
      'Sent as 447700900000 (+44 7700 900000). A number set aside for drama and examples: the sandbox takes it; no phone has it, so live nobody receives the code.',
    )
  })

  it('shows no message on a field the user has not left yet', async () => {
    await wrapper.get('#pin_expiry').setValue('1')
    expect(errorOf('pin_expiry')).toBe('')
  })

  it('PSD2 mode asks for payee and amount and offers the PSD2 languages', async () => {
    await wrapper.get('input[value="psd2"]').setValue(true)
    expect(wrapper.find('#brand').exists()).toBe(false)
    const languages = wrapper.findAll('#lg option').map((o) => o.attributes('value'))
    expect(languages).toContain('bg-bg')
    expect(languages).not.toContain('en-us')
    await fill('payee', 'x'.repeat(19))
    await fill('amount', '12,50')
    expect(errorOf('payee')).toContain('Payee is at most 18 characters')
    expect(errorOf('amount')).toContain('e.g. 48.00')
    await fill('amount', '0')
    expect(errorOf('amount')).toContain('Use a positive amount')
  })

  it('warns of a PSD2 amount past the cents, which the API takes and the sandbox rounds', async () => {
    await wrapper.get('input[value="psd2"]').setValue(true)
    await fill('amount', '12.345')
    expect(errorOf('amount')).toBe('')
    expect(wrapper.get('#amount-hint').text()).toBe(
      'Payments in euros have at most 2 decimals: 12.345 has 3, and many read it as a larger ' +
        'amount. The sandbox rounds it to the cent (12.35); what Vonage does with it is not ' +
        'documented: write euros and cents, e.g. 12.35.',
    )
    expect(wrapper.get('#amount').attributes('aria-describedby')).toContain('amount-hint')
    await fill('amount', '12.50')
    expect(wrapper.get('#amount-hint').text()).toBe('For example 48.00')
  })

  it('names in the "More parameters" summary exactly the fields it offers, in both modes', async () => {
    const offered = () => wrapper.findAll('details.advanced input').map((i) => i.attributes('id'))
    const summary = () => wrapper.get('details.advanced summary').text()
    expect(offered()).toEqual(['country', 'sender_id', 'pin_code'])
    expect(summary()).toBe('More parameters (country, sender_id, pin_code)')
    await wrapper.get('input[value="psd2"]').setValue(true)
    expect(offered()).toEqual(['country'])
    expect(summary()).toBe('More parameters (country)')
  })

  it('lists each workflow with its sequence and default waits', () => {
    const options = wrapper.findAll('#workflow_id option').map((o) => o.text())
    expect(options).toHaveLength(7)
    expect(options[0]).toBe('1: SMS → 125 s → TTS → 180 s → TTS (new PIN) → 300 s → expires')
    expect(options[5]).toBe('6: SMS → 300 s → expires')
  })

  it('keeps what was typed across a reload, but not a chosen PIN, until the start succeeds', async () => {
    await fill('pin_code', '4321')
    await wrapper.get('input[name="kind"][value="psd2"]').setValue(true)
    await fill('number', '+447700900123')
    await fill('payee', 'Acme Shop')
    await fill('pin_expiry', '240')
    await reopen(undefined, { keepDraft: true })
    const value = (id: string) => (wrapper.get(`#${id}`).element as HTMLInputElement).value
    expect(wrapper.get('input[name="kind"][value="psd2"]').element).toHaveProperty('checked', true)
    expect(value('number')).toBe('+447700900123')
    expect(value('payee')).toBe('Acme Shop')
    expect(value('pin_expiry')).toBe('240')
    expect(sessionStorage.getItem('verify-desk:new-verification-draft')).not.toContain('4321')

    server.on('POST', startPath('sandbox', 'psd2'), accepted())
    await fill('amount', '12.50')
    await submit()
    expect(starts('sandbox', 'psd2')).toHaveLength(1)
    await reopen(undefined, { keepDraft: true })
    expect(value('number')).toBe('')
    expect(wrapper.get('input[name="kind"][value="request"]').element).toHaveProperty(
      'checked',
      true,
    )
  })

  it('starts from the defaults saved in Settings', async () => {
    wrapper.unmount()
    await useRequestsStore().dispose()
    const defaults = {
      brand: 'Acme Shop',
      workflow_id: '4',
      lg: 'fr-fr',
      code_length: '6',
      numberCountry: 'FR',
    }
    ;({ wrapper } = await mountNewVerification(() =>
      localStorage.setItem('verify-desk:settings', JSON.stringify({ defaults })),
    ))
    await flushPromises()
    const value = (id: string) => (wrapper.get(`#${id}`).element as HTMLInputElement).value
    expect(value('brand')).toBe('Acme Shop')
    expect(value('workflow_id')).toBe('4')
    expect(value('lg')).toBe('fr-fr')
    expect(value('code_length')).toBe('6')
    expect(value('number-country')).toBe('FR')
    server.on('POST', startPath(), accepted())
    await fill('number', '0612345678')
    await submit()
    expect(starts()).toHaveLength(1)
    expect(paramsOf(starts()[0])).toMatchObject(
      expect.objectContaining({
        number: '33612345678',
        brand: 'Acme Shop',
        workflow_id: '4',
        lg: 'fr-fr',
        code_length: '6',
      }),
    )
  })
})

describe('the language: the API default (by the number) unless one is chosen', () => {
  const API_DEFAULT = 'API default (by the number)'
  const selected = () => (wrapper.get('#lg').element as HTMLSelectElement).value
  const optionTexts = () => wrapper.findAll('#lg option').map((o) => o.text())

  it('offers the API default first, chosen by default, and sends no lg with it', async () => {
    expect(optionTexts()[0]).toBe(API_DEFAULT)
    expect(selected()).toBe('')
    expect(wrapper.get('#lg-hint').text()).toBe(
      "No lg is sent: Vonage and the sandbox write in the language of the number's country (a +33 number gets French), else en-us.",
    )
    server.on('POST', startPath(), accepted())
    await fill('number', '+33612345678')
    await submit()
    expect(starts()).toHaveLength(1)
    expect(paramsOf(starts()[0])).not.toHaveProperty('lg')
  })

  it('offers it in PSD2 mode too, saying the sandbox then uses en-gb; a chosen language is sent', async () => {
    await wrapper.get('input[value="psd2"]').setValue(true)
    expect(optionTexts()[0]).toBe(API_DEFAULT)
    expect(selected()).toBe('')
    expect(wrapper.get('#lg-hint').text()).toBe(
      "No lg is sent: Vonage and the sandbox write in the language of the number's country (a +33 number gets French), else en-gb. The PSD2 languages; voice calls in English for some.",
    )
    await wrapper.get('#lg').setValue('de-de')
    expect(wrapper.get('#lg-hint').text()).toBe(
      'The PSD2 languages; voice calls in English for some.',
    )
    server.on('POST', startPath('sandbox', 'psd2'), accepted())
    await fill('number', '+4915112345678')
    await fill('payee', 'Shop')
    await fill('amount', '48.00')
    await submit()
    expect(starts('sandbox', 'psd2').map(paramsOf)).toEqual([
      expect.objectContaining({ lg: 'de-de' }),
    ])
  })

  it("keeps a user's saved language as it is (en-us stays en-us and is sent)", async () => {
    wrapper.unmount()
    await useRequestsStore().dispose()
    const saved = { brand: 'Acme', workflow_id: '1', lg: 'en-us', code_length: '4' }
    ;({ wrapper } = await mountNewVerification(() =>
      localStorage.setItem('verify-desk:settings', JSON.stringify({ defaults: saved })),
    ))
    await flushPromises()
    expect(selected()).toBe('en-us')
    server.on('POST', startPath(), accepted())
    await fill('number', '+33612345678')
    await submit()
    expect(starts().map(paramsOf)).toEqual([expect.objectContaining({ lg: 'en-us' })])
  })

  it('"Send again" of a start sent without lg sends it again without lg, whatever the Settings default', async () => {
    await reopen()
    server.on('POST', startPath(), startTimedOut())
    await fill('number', '+33612345678')
    await submit()
    // Meanwhile French is made the default language.
    wrapper.unmount()
    await useRequestsStore().dispose()
    const stored = localStorage.getItem('verify-desk:unanswered-starts') ?? ''
    const defaults = { brand: 'Verify Desk', workflow_id: '1', lg: 'fr-fr', code_length: '4' }
    ;({ wrapper } = await mountNewVerification(() => {
      localStorage.setItem('verify-desk:unanswered-starts', stored)
      localStorage.setItem('verify-desk:settings', JSON.stringify({ defaults }))
    }))
    await flushPromises()
    expect(selected()).toBe('fr-fr')
    await wrapper.get('button[aria-label="Send again to +33612345678"]').trigger('click')
    await flushPromises()
    expect(selected()).toBe('')
    server.on('POST', startPath(), accepted())
    await submit()
    expect(starts()).toHaveLength(2)
    expect(paramsOf(starts().at(-1))).not.toHaveProperty('lg')
  })
})

describe('the environment', () => {
  it('offers live only when configured, and says why not', async () => {
    const live = wrapper.get('input[name="environment"][value="live"]')
    expect((live.element as HTMLInputElement).disabled).toBe(true)
    const reason = wrapper.get(`#${live.attributes('aria-describedby')}`)
    expect(reason.text()).toContain('set VONAGE_API_KEY and VONAGE_API_SECRET')
    expect(wrapper.get('input[name="environment"][value="sandbox"]').element).toHaveProperty(
      'checked',
      true,
    )
  })

  it('sends to live once it is configured and chosen', async () => {
    answerEnvironments(server, { keyHint: 'ab12…' })
    await reopen()
    expect(wrapper.text()).toContain('key ab12…')
    await wrapper.get('input[name="environment"][value="live"]').setValue(true)
    server.on('POST', startPath('live'), accepted())
    await fill('number', '+447700900123')
    await submit()
    expect(startCalls().map((c) => [c.path, paramsOf(c).number])).toEqual([
      ['live/verify/json', '447700900123'],
    ])
    expect(localStorage.getItem('verify-desk:environment')).toBe('live')
  })
})

describe('the pin_expiry / next_event_wait "multiple" rule, explained as the user types', () => {
  const explanation = () => wrapper.get('[data-test="timing-explanation"]')

  it('explains the defaults, then each combination', async () => {
    expect(explanation().text()).toContain('The PIN expires after 300 s (the default)')
    expect(explanation().attributes('aria-live')).toBe('polite')
    await wrapper.get('#next_event_wait').setValue('120')
    expect(explanation().text()).toContain('Every wait between messages or calls is 120 s')
    await wrapper.get('#pin_expiry').setValue('250')
    expect(explanation().text()).toContain(
      '250 s is not a multiple of 120 s, so Verify uses 120 s as the PIN expiry',
    )
    expect(explanation().text()).toContain('(240 s or 360 s)')
    expect(explanation().classes()).toContain('warn')
    await wrapper.get('#pin_expiry').setValue('240')
    expect(explanation().text()).toContain('240 s is 2 × 120 s')
    expect(explanation().classes()).not.toContain('warn')
    expect(wrapper.get('#workflow_id-hint').text()).toContain(
      'SMS → 120 s → TTS → 120 s → TTS (new PIN) → 120 s → expires',
    )
  })
})

describe('sending', () => {
  it.each([
    ['07700 900123', 'GB', '447700900123'],
    ['+1 (212) 555-0123', 'GB', '12125550123'],
    ['0049 30 1234567', 'GB', '49301234567'],
    ['030 1234567', 'DE', '49301234567'],
    ['+999 1234567', 'GB', '9991234567'],
    ['+1234567', 'GB', '1234567'],
  ])('normalises %j (country %s) to E.164 digits %s', async (typed, country, digits) => {
    server.on('POST', startPath(), accepted())
    await wrapper.get('#number-country').setValue(country)
    await fill('number', typed)
    expect(wrapper.get('#number-hint').text()).toContain(`Sent as ${digits}`)
    await submit()
    expect(starts().map(paramsOf)).toEqual([expect.objectContaining({ number: digits })])
  })

  it('sends every parameter filled in, and nothing empty', async () => {
    server.on('POST', startPath(), accepted())
    await fill('number', '+447700900123')
    await fill('brand', 'Acme Inc')
    await wrapper.get('#code_length').setValue('6')
    await wrapper.get('#lg').setValue('de-de')
    await wrapper.get('#workflow_id').setValue('4')
    await fill('pin_expiry', '240')
    await fill('next_event_wait', '120')
    await fill('sender_id', 'ACME')
    await fill('country', 'gb')
    await fill('pin_code', '4321')
    await submit()
    expect(starts()).toHaveLength(1)
    expect(paramsOf(starts()[0])).toEqual({
      number: '447700900123',
      country: 'GB',
      brand: 'Acme Inc',
      sender_id: 'ACME',
      code_length: '6',
      lg: 'de-de',
      pin_expiry: '240',
      next_event_wait: '120',
      workflow_id: '4',
      pin_code: '4321',
    })
  })

  it('sends a PSD2 start to the PSD2 endpoint', async () => {
    server.on('POST', startPath('sandbox', 'psd2'), accepted())
    await wrapper.get('input[value="psd2"]').setValue(true)
    await fill('number', '+447700900123')
    await fill('payee', 'Shop')
    await fill('amount', '48.00')
    await submit()
    // No lg by default: the API picks the number's language.
    expect(starts('sandbox', 'psd2').map(paramsOf)).toEqual([
      {
        number: '447700900123',
        payee: 'Shop',
        amount: '48.00',
        code_length: '4',
        workflow_id: '1',
      },
    ])
    expect(starts()).toEqual([])
  })

  it('sends once under a double click, Enter held down and a slow network; then opens the request', async () => {
    const answer = deferred<Response>()
    server.on('POST', startPath(), heldUntil(answer.promise))
    await fill('number', '+447700900123')
    const button = wrapper.get('button[type="submit"]')
    const form = wrapper.get('form[aria-label="New verification"]')
    // Double click, then Enter repeating while the first call is still on its way.
    await button.trigger('click')
    await button.trigger('click')
    for (let i = 0; i < 5; i++) await form.trigger('submit')
    await flushPromises()
    expect(starts()).toHaveLength(1)
    // Off while sending, yet focusable: the focus stays on the button pressed.
    expect(button.attributes('aria-disabled')).toBe('true')
    expect(button.attributes('aria-busy')).toBe('true')
    expect(button.text()).toContain('Sending…')
    answer.resolve(accepted())
    await flushPromises()
    await form.trigger('submit')
    await flushPromises()
    expect(startCalls()).toHaveLength(1)
    const router = wrapper.vm.$router
    expect(router.currentRoute.value.fullPath).toBe(`/requests/${REQUEST_ID}`)
    const entry = useRequestsStore().byId(REQUEST_ID)
    expect(entry).toMatchObject({
      environment: 'sandbox',
      number: '447700900123',
      brand: 'Verify Desk',
      status: 'IN PROGRESS',
      source: 'started',
    })
  })

  it('status 4: says the server credentials were refused and who can fix them', async () => {
    server.on(
      'POST',
      startPath(),
      json({ status: '4', error_text: 'Invalid credentials were provided' }),
    )
    await fill('number', '+447700900123')
    await submit()
    const alert = wrapper.get('[role="alert"]')
    expect(alert.text()).toContain('Status 4: Bad credentials')
    expect(alert.text()).toContain(
      "Next: This server's API key and secret for this environment were refused: whoever runs the server must check them (for the sandbox: the server's sandbox account).",
    )
  })

  it('explains an API error and lets the user send again', async () => {
    server.on(
      'POST',
      startPath(),
      json({ status: '3', error_text: 'Invalid value for param: number' }),
    )
    await fill('number', '+447700900123')
    await submit()
    const alert = wrapper.get('[role="alert"]')
    expect(alert.text()).toContain('Status 3: Invalid value')
    expect(alert.text()).toContain('Invalid value for param: number')
    expect(alert.text()).toContain('Next: Correct the parameter named in the error text.')
    server.on('POST', startPath(), accepted())
    await submit()
    expect(starts()).toHaveLength(2)
  })
})

describe('status 10: a verification to this number is already in progress', () => {
  it('links the blocking request, counts down to cancel, cancels it and lets the user start again', async () => {
    // The clock only moves forward: Vue ignores DOM events that look older than their listener.
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    vi.setSystemTime(t0 + 10_000)
    sandboxView = adminRequest(BLOCKER_ID, t0)
    server.on('GET', CLOCK, json(clockAt(t0)))
    server.on('POST', CONTROL, json({ status: '0', command: 'cancel' }))
    server.on('GET', searchPath(), searchNotFound())
    server.on('POST', startPath(), refusedByBlocker())
    await fill('number', '+447700900123')
    await submit()
    await flushPromises()

    const panel = wrapper.get('[data-test="blocking-request"]')
    expect(wrapper.text()).toContain('Status 10: Verification already in progress')
    expect(panel.get('a').attributes('href')).toBe(`/requests/${BLOCKER_ID}`)
    const cancel = panel.get('#blocking-cancel')
    expect((cancel.element as HTMLButtonElement).disabled).toBe(true)
    expect(panel.get('#blocking-cancel-reason').text()).toBe('cancel possible in 20 s')
    expect(cancel.attributes('aria-describedby')).toBe('blocking-cancel-reason')
    // The panel follows the blocking request on the sandbox's event stream.
    await eventually(() => expect(server.stream.tries).toBeGreaterThan(0))

    vi.advanceTimersByTime(8_000)
    await flushPromises()
    expect(panel.get('#blocking-cancel-reason').text()).toBe('cancel possible in 12 s')
    vi.advanceTimersByTime(12_000)
    await flushPromises()
    expect((cancel.element as HTMLButtonElement).disabled).toBe(false)

    sandboxView = adminRequest(BLOCKER_ID, t0, {
      status: 'CANCELLED',
      next_event_at: null,
      expires_at: null,
    })
    await cancel.trigger('click')
    await flushPromises()
    expect(server.callsTo('POST', CONTROL).map((c) => c.body)).toEqual([
      { request_id: BLOCKER_ID, cmd: 'cancel' },
    ])
    expect(wrapper.text()).toContain(
      'The blocking request was cancelled: send the verification again.',
    )

    server.on('POST', startPath(), accepted())
    await submit()
    expect(starts()).toHaveLength(2)
  })

  it('says a failed cancel of the blocking request once, not its title and message alike', async () => {
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    vi.setSystemTime(t0 + 40_000)
    sandboxView = adminRequest(BLOCKER_ID, t0)
    server.on('GET', CLOCK, json(clockAt(t0)))
    server.on('GET', searchPath(), searchNotFound())
    server.on('POST', startPath(), refusedByBlocker())
    await fill('number', '+447700900123')
    await submit()
    await flushPromises()
    // The browser goes offline: the cancel's connection fails before it leaves.
    server.on('POST', CONTROL, noAnswer())
    vi.stubGlobal('navigator', { ...navigator, onLine: false })
    try {
      await wrapper.get('#blocking-cancel').trigger('click')
      await flushPromises()
    } finally {
      vi.unstubAllGlobals()
    }
    const said = wrapper.get('[data-test="blocking-outcome"]').text()
    expect(said).toContain('offline')
    expect(said.match(/offline/g)).toHaveLength(1)
    expect(said).toContain('Check the connection, then try again.')
  })
})

describe('status 10 naming a request search does not know (101)', () => {
  async function refusedWithStatus10(): Promise<void> {
    server.on('GET', CLOCK, json(clockAt(Date.now())))
    server.on('POST', startPath(), refusedByBlocker())
    await fill('number', '+447700900123')
    await submit()
    await flushPromises()
  }

  it('says the blocking request could not be found and what to do, never an endless loading', async () => {
    server.on('GET', searchPath(), searchNotFound())
    await refusedWithStatus10()
    const panel = wrapper.get('[data-test="blocking-request"]')
    expect(panel.text()).not.toMatch(/loading/i)
    expect(panel.find('#blocking-cancel').exists()).toBe(false)
    expect(panel.get('[data-test="blocking-not-found"]').text()).toBe(
      'This request could not be found: searching the sandbox for it answered status 101 (No response found). It was probably started with another Vonage account (another API key) or removed meanwhile, so this dashboard cannot see or cancel it. ' +
        'Next: start again: if the request was removed, the start goes through; if it is still in progress for another account, the API answers status 10 again until it ends (verified, expired, or cancelled by whoever holds that account). Search again',
    )

    // Searching again asks once more; found now, the panel offers its cancel.
    sandboxView = adminRequest(BLOCKER_ID, Date.now() - 40_000)
    const reads = server.callsTo('GET', REQUESTS).length
    const again = panel.findAll('button').find((b) => b.text() === 'Search again')!
    await again.trigger('click')
    await flushPromises()
    expect(server.callsTo('GET', REQUESTS)).toHaveLength(reads + 1)
    expect(panel.find('[data-test="blocking-not-found"]').exists()).toBe(false)
    expect((panel.get('#blocking-cancel').element as HTMLButtonElement).disabled).toBe(false)
  })

  it('says the same of a live start, searching live only (no sandbox admin call)', async () => {
    answerEnvironments(server, true)
    await reopen(() => localStorage.setItem('verify-desk:environment', 'live'))
    server.on('GET', searchPath('live'), searchNotFound())
    server.on('POST', startPath('live'), refusedByBlocker())
    await fill('number', '+447700900123')
    await submit()
    await flushPromises()
    expect(startCalls().map((c) => c.path)).toEqual([startPath('live')])
    expect(server.callsTo('GET', searchPath('live')).map(searchedIds)).toContainEqual([BLOCKER_ID])
    expect(server.callsTo('GET', searchPath())).toEqual([])
    expect(server.callsTo('GET', REQUESTS)).toEqual([])
    const panel = wrapper.get('[data-test="blocking-request"]')
    expect(panel.text()).not.toMatch(/loading/i)
    expect(panel.find('#blocking-cancel').exists()).toBe(false)
    expect(panel.get('[data-test="blocking-not-found"]').text()).toContain(
      'This request could not be found: searching Live for it answered status 101 (No response found).',
    )
  })

  it('says its state could not be loaded (not "loading") when the search fails, with Try again', async () => {
    server.on('GET', searchPath(), json({ status: '5', error_text: 'Internal Error' }))
    await refusedWithStatus10()
    const panel = wrapper.get('[data-test="blocking-request"]')
    expect(panel.text()).toContain('Its state could not be loaded: status 5, Internal Error.')
    expect(panel.get('#blocking-cancel-reason').text()).toBe('its state could not be loaded')
    expect(panel.text()).not.toMatch(/loading/i)
    expect(panel.findAll('button').some((b) => b.text() === 'Try again')).toBe(true)
  })
})

describe('a start without an answer', () => {
  /** Opens the page again on Live, configured on this server. */
  async function onLive(): Promise<void> {
    answerEnvironments(server, true)
    await reopen(() => localStorage.setItem('verify-desk:environment', 'live'))
  }
  /** Who answers status 10 to a start sent again, as the next step names it. */
  const ANSWERER = { sandbox: 'the sandbox', live: 'Vonage' } as const

  /** Opens the page again on `env`: on Live, configured on this server. */
  async function openOn(env: 'sandbox' | 'live'): Promise<void> {
    if (env === 'live') await onLive()
  }
  /** No answer at all: the browser gives up first (its limit brought down from 30 s to 50 ms). */
  const noAnswerInTime = { answer: () => heldUntil(new Promise<Response>(() => {})), limit: 50 }
  const proxyAnswer = (answer: (env: 'sandbox' | 'live') => Response) => ({
    answer,
    limit: 30_000,
  })

  it.each([
    ['504 upstream_timeout', 'live', proxyAnswer(startTimedOut)],
    ['504 upstream_timeout', 'sandbox', proxyAnswer(startTimedOut)],
    ['502 upstream_unreachable after sending', 'live', proxyAnswer(startDropped)],
    ['502 upstream_unreachable after sending', 'sandbox', proxyAnswer(startDropped)],
    ['502 upstream_bad_response (HTML)', 'live', proxyAnswer(startAnsweredHtml)],
    ['502 upstream_bad_response (HTML)', 'sandbox', proxyAnswer(startAnsweredHtml)],
    ['the browser timeout', 'live', noAnswerInTime],
    ['the browser timeout', 'sandbox', noAnswerInTime],
  ] as const)(
    '%s on %s: says the start may have gone out and to send it again with the same number',
    async (_, env, { answer, limit }) => {
      await openOn(env)
      server.on('POST', startPath(env), answer(env))
      await fill('number', '+447700900123')
      configureClient({ timeout: limit })
      try {
        await submit()
        await eventually(() => expect(wrapper.find('[role="alert"] h2').exists()).toBe(true))
      } finally {
        configureClient({ timeout: 30_000 })
      }
      const alert = wrapper.get('[role="alert"]')
      expect(alert.get('h2').text()).toBe('The start may have gone out')
      expect(alert.text()).toContain(
        `Next: Send it again with the same number: if the first one went through, ${ANSWERER[env]} answers status 10 and names that request — no second code is sent.`,
      )
      expect(alert.text()).not.toContain('could not be sent')
      expect(starts(env), 'the start is sent once').toHaveLength(1)
    },
  )

  it.each([
    [403, 'cross_site_request'],
    [404, 'not_found'],
    [405, 'method_not_allowed'],
    [413, 'payload_too_large'],
    [415, 'unsupported_media_type'],
  ])(
    'HTTP %i %s: nothing was sent; report the code to whoever runs the server',
    async (status, code) => {
      expect(START_REFUSED[status]?.code).toBe(code)
      server.on('POST', startPath(), errorAnswer(status, code, START_REFUSED[status]!.message))
      await fill('number', '+447700900123')
      await submit()
      const alert = wrapper.get('[role="alert"]')
      expect(alert.get('h2').text()).toBe('The server refused the start')
      expect(alert.text()).toContain(
        `Next: Nothing was sent, and the same call will fail again: report the code ${code} (HTTP ${status}) to whoever runs this server.`,
      )
      // The code is not repeated: named once with the failure, once in the next step.
      expect(alert.text().split(code)).toHaveLength(3)
      // Nothing went out: nothing to follow up in the list of starts without an answer.
      expect(wrapper.find('[data-test="unanswered-starts"]').exists()).toBe(false)
    },
  )

  it('502 upstream_credentials_refused: says Vonage refused the server credentials, once, without the 502', async () => {
    await onLive()
    server.on(
      'POST',
      startPath('live'),
      errorAnswer(
        502,
        'upstream_credentials_refused',
        "The Vonage API (https://api.nexmo.com) refused this server's credentials (HTTP 401), so nothing was processed. Whoever runs this server should check VONAGE_API_KEY and VONAGE_API_SECRET (and VONAGE_AUTH), then restart it.",
      ),
    )
    await fill('number', '+447700900123')
    await submit()
    const alert = wrapper.get('[role="alert"]')
    expect(alert.get('h2').text()).toBe("Vonage refused this server's credentials")
    expect(alert.text()).toContain('(HTTP 401)')
    expect(alert.text()).not.toContain('502')
    expect(alert.text().split("refused this server's credentials")).toHaveLength(3)
    expect(alert.text()).toContain('Server code: upstream_credentials_refused.')
    expect(alert.text()).toContain(
      'Next: Vonage processed nothing, and will refuse every call until whoever runs this server fixes its VONAGE_API_KEY and VONAGE_API_SECRET.',
    )
  })

  it('503 environment_unavailable: live is off on this server', async () => {
    // Listed as available when the page opened; no longer configured when the start came.
    await onLive()
    server.on(
      'POST',
      startPath('live'),
      errorAnswer(
        503,
        'environment_unavailable',
        'The live environment is not configured on this server: set VONAGE_API_KEY and VONAGE_API_SECRET in its environment (or .env.local) and restart it.',
      ),
    )
    await fill('number', '+447700900123')
    await submit()
    const alert = wrapper.get('[role="alert"]')
    expect(alert.get('h2').text()).toBe('Live is not available on this server')
    expect(alert.text()).toContain(
      'Next: Nothing was sent: live is off on this server. Choose Sandbox, or ask whoever runs it to set VONAGE_API_KEY and VONAGE_API_SECRET.',
    )
  })

  it('503 queue_full: not sent; wait as long as the server said, then send again', async () => {
    server.on(
      'POST',
      startPath(),
      json(
        {
          error: {
            code: 'queue_full',
            message:
              "Too many calls are already waiting for the sandbox's rate limit on this server: this call was NOT sent. Wait a few seconds and try again.",
            delivery: 'not_sent',
          },
        },
        503,
        { 'Retry-After': '1' },
      ),
    )
    await fill('number', '+447700900123')
    await submit()
    const alert = wrapper.get('[role="alert"]')
    expect(alert.get('h2').text()).toBe('The start was not sent')
    expect(alert.text()).toContain('Next: Nothing was sent. Wait 1 s, then send it again.')
  })

  it('is kept in "Starts without an answer" across a reload, without the PIN, until dismissed', async () => {
    server.on('POST', startPath(), startTimedOut())
    await fill('number', '+447700900123')
    await fill('brand', 'Acme')
    await fill('pin_code', '4321')
    await submit()
    const stored = localStorage.getItem('verify-desk:unanswered-starts') ?? ''
    const kept = JSON.parse(stored) as { params: unknown }[]
    expect(kept).toHaveLength(1)
    // The parameters as sent, less the PIN; nothing else kept holds it either (the time and the
    // entry's id are left out of that look: digits of a time may spell any code).
    expect(kept[0]?.params).toEqual({
      number: '447700900123',
      brand: 'Acme',
      code_length: '4',
      workflow_id: '1',
    })
    const keptText = JSON.stringify(kept, (key, value: unknown) =>
      key === 'at' || key === 'id' ? undefined : value,
    )
    expect(keptText).not.toContain('4321')

    // A reload (a new Pinia and page) on the same browser storage.
    await reopen(() => localStorage.setItem('verify-desk:unanswered-starts', stored))
    const list = wrapper.get('[data-test="unanswered-starts"]')
    expect(list.get('h2').text()).toBe('Starts without an answer')
    const item = list.get('[data-test="unanswered-start"]')
    expect(item.text()).toContain('Sandbox')
    expect(item.text()).toContain('+447700900123')
    expect(item.text()).toContain('Acme')
    expect(item.text()).toContain('upstream_timeout (HTTP 504)')
    expect(item.text()).toContain('The embedded sandbox did not answer within 15 s.')
    expect(item.text()).toContain('This start may have gone out')

    // Send again: the form holds the number and brand again (never the PIN); nothing is sent yet.
    await item.get('button[aria-label="Send again to +447700900123"]').trigger('click')
    await flushPromises()
    expect((wrapper.get('#number').element as HTMLInputElement).value).toBe('+447700900123')
    expect((wrapper.get('#brand').element as HTMLInputElement).value).toBe('Acme')
    expect((wrapper.get('#pin_code').element as HTMLInputElement).value).toBe('')
    expect(starts()).toHaveLength(1)

    await wrapper.get('button[aria-label="Dismiss the start to +447700900123"]').trigger('click')
    expect(wrapper.find('[data-test="unanswered-starts"]').exists()).toBe(false)
    expect(localStorage.getItem('verify-desk:unanswered-starts')).toBeNull()
  })

  /** Remounts the page with live configured too. */
  async function mountWithLive(): Promise<void> {
    answerEnvironments(server, { keyHint: 'ab12…' })
    await reopen()
  }
  const chooseEnvironment = (id: 'sandbox' | 'live') =>
    wrapper.get(`input[name="environment"][value="${id}"]`).setValue(true)
  const chosen = () =>
    (wrapper.get('input[name="environment"][value="live"]').element as HTMLInputElement).checked
      ? 'live'
      : 'sandbox'

  it('"Send again" of a Live start while Sandbox is chosen says the dashboard is now on Live and the start is real', async () => {
    await mountWithLive()
    await chooseEnvironment('live')
    server.on('POST', startPath('live'), startTimedOut('live'))
    await fill('number', '+447700900177')
    await submit()
    await chooseEnvironment('sandbox')
    expect(chosen()).toBe('sandbox')

    await wrapper.get('button[aria-label="Send again to +447700900177"]').trigger('click')
    await flushPromises()
    expect(chosen()).toBe('live')
    const notice = wrapper.get('[data-test="start-notice"] .notice')
    expect(notice.text()).toBe(
      'The dashboard is now on Live (it was on Sandbox), where this start was made: the form holds the start to +447700900177 again, and the start button sends a real SMS or call, charged. Check it, then press the start button, or choose Sandbox first to send it to the sandbox instead.',
    )
    expect(notice.attributes('data-env')).toBe('live')
    // What the notice says is where the start goes.
    server.on('POST', startPath('live'), accepted())
    await submit()
    expect(starts('live')).toHaveLength(2)
    expect(paramsOf(starts('live').at(-1))).toMatchObject({ number: '447700900177' })
    expect(starts()).toEqual([])
  })

  it('"Send again" of a Sandbox start while Live is chosen says the dashboard moved to Sandbox', async () => {
    await mountWithLive()
    server.on('POST', startPath(), startTimedOut())
    await fill('number', '+447700900177')
    await submit()
    await chooseEnvironment('live')

    await wrapper.get('button[aria-label="Send again to +447700900177"]').trigger('click')
    await flushPromises()
    expect(chosen()).toBe('sandbox')
    const notice = wrapper.get('[data-test="start-notice"] .notice')
    expect(notice.text()).toBe(
      'The dashboard is now on Sandbox (it was on Live), where this start was made: the form holds the start to +447700900177 again, and the start button sends it to the embedded sandbox (no real SMS or call). Check it, then press the start button.',
    )
    expect(notice.attributes('data-env')).toBe('sandbox')
  })

  it('"Send again" in the environment already chosen says only that the form holds the start', async () => {
    await mountWithLive()
    server.on('POST', startPath(), startTimedOut())
    await fill('number', '+447700900177')
    await submit()
    await wrapper.get('button[aria-label="Send again to +447700900177"]').trigger('click')
    await flushPromises()
    expect(chosen()).toBe('sandbox')
    expect(wrapper.get('[data-test="start-notice"]').text()).toBe(
      'The form holds the start to +447700900177 again: check it, then press the start button.',
    )
  })

  it('a status 10 after an uncertain start to the same number is probably that start: open it', async () => {
    server.on('POST', startPath(), startTimedOut())
    await fill('number', '+447700900123')
    await fill('brand', 'Live Shop')
    await submit()
    server.on('POST', startPath(), refusedByBlocker())
    await submit()
    expect(starts()).toHaveLength(2)
    const alert = wrapper.get('[role="alert"]')
    expect(alert.text()).toContain('Status 10: Verification already in progress')
    expect(alert.get('[data-test="earlier-start"]').text()).toContain(
      'This is probably your earlier start to this number',
    )
    const open = alert.get('a.open-earlier')
    expect(open.text()).toBe('Open the earlier start')
    expect(open.attributes('href')).toBe(`/requests/${BLOCKER_ID}`)
    // Not pushed to cancel the request that is probably the customer's code.
    expect(wrapper.find('[data-test="blocking-request"]').exists()).toBe(false)
    expect(wrapper.find('#blocking-cancel').exists()).toBe(false)
    // It is that request now: in History with what was entered, no longer to send again.
    expect(alert.get('[data-test="earlier-start"]').text()).toContain(
      'It is in History with what you entered for it, and no longer listed under Starts without an answer.',
    )
    expect(wrapper.find('[data-test="unanswered-start"]').exists()).toBe(false)
    expect(useRequestsStore().byId(BLOCKER_ID)).toMatchObject({
      number: '447700900123',
      brand: 'Live Shop',
      params: expect.objectContaining({ brand: 'Live Shop', workflow_id: '1' }),
      source: 'started',
    })
  })
})

describe('a start without an answer that a status 10 already named (kept from before)', () => {
  it('is that request when New verification opens: listed no more, its fields in History', async () => {
    wrapper.unmount()
    await useRequestsStore().dispose()
    const named = {
      id: 'kept-1',
      at: Date.now() - 60_000,
      environment: 'sandbox',
      kind: 'request',
      number: '447700900123',
      brand: 'Live Shop',
      params: { number: '447700900123', brand: 'Live Shop', workflow_id: '4' },
      code: 'upstream_timeout',
      httpStatus: 504,
      message: 'Vonage did not answer within 15 s.',
      delivery: 'maybe',
      probableRequestId: BLOCKER_ID,
    }
    const other = { ...named, id: 'kept-2', number: '447700900124', probableRequestId: undefined }
    ;({ wrapper } = await mountNewVerification(() =>
      localStorage.setItem('verify-desk:unanswered-starts', JSON.stringify([named, other])),
    ))
    await flushPromises()
    await flushPromises()
    const listed = wrapper.findAll('[data-test="unanswered-start"]')
    expect(listed.map((item) => item.text().includes('+447700900124'))).toEqual([true])
    expect(useRequestsStore().byId(BLOCKER_ID)).toMatchObject({
      number: '447700900123',
      brand: 'Live Shop',
      params: { number: '447700900123', brand: 'Live Shop', workflow_id: '4' },
      source: 'started',
    })
  })
})

describe('the environment picker when the list of environments could not be loaded', () => {
  async function remount() {
    await reopen()
    return wrapper.get('fieldset.env-picker')
  }

  it('asks only for the access token while the server wants it: one message, no Try again', async () => {
    server.on(
      'GET',
      'environments',
      errorAnswer(
        401,
        'unauthorized',
        'This Verify Desk server needs its access token: send it in the X-Verify-Desk-Token header (ask whoever runs the server for the VERIFY_DESK_TOKEN value).',
      ),
    )
    const picker = await remount()
    expect(picker.get('[data-test="env-load-failure"]').text()).toBe(
      "Enter this server's access token first: the environments it offers are shown once it is accepted.",
    )
    expect(picker.text().split('access token')).toHaveLength(2)
    expect(picker.text()).not.toContain('X-Verify-Desk-Token')
    expect(picker.text()).not.toContain('could not be loaded')
    expect(picker.find('button').exists()).toBe(false)
    expect(
      picker.get('input[name="environment"][value="live"]').attributes('aria-describedby'),
    ).toBe('env-load-failure')
  })

  it('says once why the list failed, without doubled punctuation, and Try again loads it', async () => {
    // The server cannot be reached: the list is asked for twice (once tried again), then it is.
    server.on(
      'GET',
      'environments',
      noAnswer(),
      noAnswer(),
      json(environments({ keyHint: 'ab12…' })),
    )
    const picker = await remount()
    await eventually(() =>
      expect(picker.find('[data-test="env-load-failure"]').exists()).toBe(true),
    )
    expect(server.callsTo('GET', 'environments')).toHaveLength(3)
    expect(picker.get('[data-test="env-load-failure"]').text()).toBe(
      'Could not ask the server which environments it offers: No answer: the connection to the server failed or was lost (Failed to fetch). Try again',
    )
    expect(picker.text().split('failed or was lost')).toHaveLength(2)
    expect(picker.text()).not.toMatch(/\.\)|\.\./)
    await picker.get('button').trigger('click')
    await flushPromises()
    expect(picker.find('[data-test="env-load-failure"]').exists()).toBe(false)
    expect(picker.get('input[name="environment"][value="live"]').attributes('disabled')).toBe(
      undefined,
    )
  })
})

describe('a stored Live choice when live is no longer available', () => {
  it('stays Live, says so, and blocks the start with the reason instead of using the sandbox', async () => {
    await reopen(() => localStorage.setItem('verify-desk:environment', 'live'))
    expect(wrapper.get('input[name="environment"][value="live"]').element).toHaveProperty(
      'checked',
      true,
    )
    expect(wrapper.get('input[name="environment"][value="sandbox"]').element).toHaveProperty(
      'checked',
      false,
    )
    expect(wrapper.get('[data-test="chosen-unavailable"]').text()).toContain(
      'Live is still chosen but not available on this server',
    )
    const button = wrapper.get('button[type="submit"]')
    expect((button.element as HTMLButtonElement).disabled).toBe(true)
    expect(button.attributes('aria-describedby')).toBe('start-blocked-reason')
    expect(wrapper.get('#start-blocked-reason').text()).toBe(
      'Start not possible: Live is not available on this server: choose Sandbox, or ask whoever runs it to set VONAGE_API_KEY and VONAGE_API_SECRET.',
    )
    await fill('number', '+447700900123')
    await submit()
    expect(startCalls()).toEqual([])
    expect(localStorage.getItem('verify-desk:environment')).toBe('live')

    // Choosing Sandbox is a deliberate act: then the start goes there.
    await wrapper.get('input[name="environment"][value="sandbox"]').setValue(true)
    expect(wrapper.find('#start-blocked-reason').exists()).toBe(false)
    server.on('POST', startPath(), accepted())
    await submit()
    expect(startCalls().map((c) => [c.path, paramsOf(c).number])).toEqual([
      [startPath(), '447700900123'],
    ])
  })
})

describe('announcements and focus on New verification', () => {
  const focused = () => document.activeElement
  /** The text a live region reads out: without what is aria-hidden or in an aria-live="off" part. */
  function liveText(region: Element): string {
    let out = ''
    const walker = document.createTreeWalker(region, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const quiet = n.parentElement?.closest('[aria-hidden="true"], [aria-live="off"]')
      if (!quiet || !region.contains(quiet)) out += ` ${n.textContent ?? ''}`
    }
    return out.replace(/\s+/g, ' ').trim()
  }

  it('keeps the countdown of the blocking request out of the status 10 alert', async () => {
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    vi.setSystemTime(t0 + 10_000)
    sandboxView = adminRequest(BLOCKER_ID, t0)
    server.on('GET', CLOCK, json(clockAt(t0)))
    server.on('GET', searchPath(), searchNotFound())
    server.on('POST', startPath(), refusedByBlocker())
    await fill('number', '+447700900123')
    await submit()
    const alert = wrapper.get('[role="alert"]')
    const said = liveText(alert.element)
    expect(said).toContain('Status 10: Verification already in progress')
    expect(wrapper.get('#blocking-cancel-reason').text()).toBe('cancel possible in 20 s')
    vi.advanceTimersByTime(3_000)
    await flushPromises()
    expect(wrapper.get('#blocking-cancel-reason').text()).toBe('cancel possible in 17 s')
    // What the alert says is what it said: nothing in its live part changes with the clock. The
    // blocking request sits in it (its link and cancel belong with the refusal) but is not live.
    expect(liveText(alert.element)).toBe(said)
    expect(said).not.toMatch(/possible in \d+ s/)
    // No live region of the page reads the countdown out.
    for (const region of wrapper.findAll('[role="status"], [role="alert"], [aria-live]'))
      expect(liveText(region.element)).not.toMatch(/possible in \d+ s/)
    expect(wrapper.get('[data-test="blocking-request"]').attributes('aria-live')).toBe('off')
    // The countdown is the cancel button's description, not text read out in passing.
    expect(wrapper.get('#blocking-cancel-reason').attributes('aria-hidden')).toBe('true')
    expect(wrapper.get('#blocking-cancel').attributes('aria-describedby')).toBe(
      'blocking-cancel-reason',
    )
    // Cancelled: its button is gone with the refusal, and the focus goes to the start button.
    vi.advanceTimersByTime(17_000)
    await flushPromises()
    server.on('POST', CONTROL, json({ status: '0', command: 'cancel' }))
    sandboxView = adminRequest(BLOCKER_ID, t0, {
      status: 'CANCELLED',
      next_event_at: null,
      expires_at: null,
    })
    const cancel = wrapper.get('#blocking-cancel')
    ;(cancel.element as HTMLButtonElement).focus()
    await cancel.trigger('click')
    await flushPromises()
    expect(wrapper.find('#blocking-cancel').exists()).toBe(false)
    expect(wrapper.get('[data-test="start-notice"]').text()).toBe(
      'The blocking request was cancelled: send the verification again.',
    )
    expect(focused()).toBe(wrapper.get('button[type="submit"]').element)
  })

  it('has its live regions in the page before they say anything', async () => {
    for (const selector of [
      '[data-test="start-status"]',
      '[data-test="start-notice"]',
      '[data-test="start-error-alert"]',
    ])
      expect(wrapper.get(selector).text(), selector).toBe('')
    expect(wrapper.get('[data-test="start-status"]').attributes('role')).toBe('status')
    expect(wrapper.get('[data-test="start-notice"]').attributes('role')).toBe('status')
    expect(wrapper.get('[data-test="start-error-alert"]').attributes('role')).toBe('alert')
    server.on(
      'POST',
      startPath(),
      json({ status: '15', error_text: 'The destination number is not in a supported network' }),
    )
    await fill('number', '+447700900123')
    await submit()
    expect(wrapper.get('[data-test="start-error-alert"]').text()).toContain('Status 15')
  })

  it('titles a status 6 answered to a start as not routed, with no request to search', async () => {
    server.on(
      'POST',
      startPath(),
      json({
        status: '6',
        error_text:
          'The Vonage platform was unable to process this message for the following reason: The request could not be routed.',
      }),
    )
    await fill('number', '+447700900123')
    await submit()
    const alert = wrapper.get('[data-test="start-error-alert"]').text()
    expect(alert).toContain('Status 6: Could not be routed')
    expect(alert).not.toContain('Search the request')
  })

  it('keeps the focus on "Start verification" when the answer is an error', async () => {
    const answer = deferred<Response>()
    server.on('POST', startPath(), heldUntil(answer.promise))
    await fill('number', '+447700900123')
    const button = wrapper.get('button[type="submit"]')
    ;(button.element as HTMLButtonElement).focus()
    await button.trigger('click')
    await flushPromises()
    expect(button.attributes('aria-disabled')).toBe('true')
    expect(focused()).toBe(button.element)
    answer.resolve(
      json({ status: '15', error_text: 'The destination number is not in a supported network' }),
    )
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('Status 15')
    expect(focused()).toBe(button.element)
    expect(button.attributes('aria-disabled')).toBeUndefined()
  })

  it('focuses the refilled form on "Send again", and the next entry (then the form) on "Dismiss"', async () => {
    server.on('POST', startPath(), startTimedOut())
    await fill('number', '+447700900123')
    await submit()
    server.on('POST', startPath(), startTimedOut())
    await fill('number', '+447700900456')
    await submit()
    expect(wrapper.findAll('[data-test="unanswered-start"]')).toHaveLength(2)

    const again = wrapper.get('button[aria-label="Send again to +447700900123"]')
    ;(again.element as HTMLButtonElement).focus()
    await again.trigger('click')
    await flushPromises()
    expect(focused()).toBe(wrapper.get('#number').element)
    expect((wrapper.get('#number').element as HTMLInputElement).value).toBe('+447700900123')

    const first = wrapper.findAll('button').find((b) => b.text() === 'Dismiss')!
    ;(first.element as HTMLButtonElement).focus()
    await first.trigger('click')
    await flushPromises()
    const left = wrapper.get('[data-test="unanswered-start"] button')
    expect(left.text()).toBe('Send again')
    expect(focused()).toBe(left.element)

    const last = wrapper.findAll('button').find((b) => b.text() === 'Dismiss')!
    ;(last.element as HTMLButtonElement).focus()
    await last.trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-test="unanswered-starts"]').exists()).toBe(false)
    expect(focused()).toBe(wrapper.get('#number').element)
  })
})

describe('the new verification form: a country parameter that changes the number', () => {
  it('previews the number the API reads with the country and blocks a start to another phone', async () => {
    server.on('POST', startPath(), accepted())
    await fill('number', '+47 912 34 568')
    await fill('brand', 'Acme')
    await fill('country', 'IN')
    const hint = wrapper.get('#number-hint').text()
    expect(hint).toContain('Sent as 4791234568 with country IN: the API reads it as 914791234568')
    expect(hint).toContain('not +47 91 23 45 68')
    expect(hint).not.toContain('Sent as 4791234568 (')
    await submit()
    expect(startCalls()).toEqual([])
    expect(errorOf('country')).toContain(
      'With country IN, the API reads 4791234568 as a number of India (+91 479 123 4568), not the number you typed (+47 91 23 45 68).',
    )
    expect(errorOf('country')).toContain('Remove the country parameter, or set it to NO')
    expect(wrapper.get('#country').attributes('aria-invalid')).toBe('true')
    expect(document.activeElement?.id).toBe('country')
    expect(wrapper.text()).toContain('1 field needs attention before sending.')

    // Without the country parameter, the number typed is the one sent and read.
    await fill('country', '')
    expect(errorOf('country')).toBe('')
    expect(wrapper.get('#number-hint').text()).toContain('Sent as 4791234568 (+47 91 23 45 68).')
    await submit()
    expect(starts()).toHaveLength(1)
    expect(paramsOf(starts()[0])).toMatchObject({ number: '4791234568' })
    expect(paramsOf(starts()[0])).not.toHaveProperty('country')
  })

  it("says when the country parameter keeps the number typed (the number's own country)", async () => {
    await fill('number', '+65 8123 4567')
    await fill('country', 'SG')
    expect(wrapper.get('#number-hint').text()).toContain(
      'Sent as 6581234567 (+65 8123 4567) with country SG.',
    )
    expect(errorOf('country')).toBe('')
  })
})
