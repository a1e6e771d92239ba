/**
 * "Send again" never loses what the form held: a new customer typed meanwhile is set aside, with
 * "Undo: restore what you had typed", kept through a reload like the draft, until restored or
 * discarded; a restore sets aside what the form held in its turn.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { useRequestsStore } from '@/stores/requests'
import { json, useDeskServer } from '../support/desk-server'
import { fillField, mountNewVerification, REQUEST_ID } from './support'
import { answerEnvironments, paramsOf, sendUnansweredStart, startPath } from './desk-support'

const server = useDeskServer()

let wrapper: VueWrapper

beforeEach(async () => {
  answerEnvironments(server)
  ;({ wrapper } = await mountNewVerification())
  await flushPromises()
})
afterEach(async () => {
  wrapper.unmount()
  await useRequestsStore().dispose()
})

const fill = (id: string, value: string) => fillField(wrapper, id, value)
const valueOf = (id: string) => (wrapper.get(`#${id}`).element as HTMLInputElement).value
const notice = () => wrapper.get('[data-test="start-notice"]').text()
const button = (name: string) => wrapper.get(`button[aria-label="${name}"]`)

const SECOND = '+447700900777 · SecondCo · sender_id SECOND'
const UNDO_SECOND = `Undo: restore what you had typed (${SECOND})`

/** A start to +447700900501 for FirstCo got no answer; then SecondCo's customer is typed. */
async function unansweredThenNewCustomer(): Promise<void> {
  await sendUnansweredStart(server, wrapper, '+447700900501', 'FirstCo')
  expect(wrapper.find('[data-test="unanswered-start"]').exists()).toBe(true)
  await fill('number', '+447700900777')
  await fill('brand', 'SecondCo')
  await fill('sender_id', 'SECOND')
  await flushPromises()
}

/** A reload: a new Pinia and page on the same browser storage. */
async function reload(): Promise<void> {
  const stored = localStorage.getItem('verify-desk:unanswered-starts') ?? ''
  wrapper.unmount()
  await useRequestsStore().dispose()
  ;({ wrapper } = await mountNewVerification(
    () => localStorage.setItem('verify-desk:unanswered-starts', stored),
    { keepDraft: true },
  ))
  await flushPromises()
}

describe('"Send again" over a form holding something else', () => {
  it('sets what was typed aside, says so, and "Undo" puts it back, also after a reload', async () => {
    await unansweredThenNewCustomer()
    await button('Send again to +447700900501').trigger('click')
    await flushPromises()
    expect(valueOf('number')).toBe('+447700900501')
    expect(valueOf('brand')).toBe('FirstCo')
    expect(notice()).toBe(
      `The form holds the start to +447700900501 again: check it, then press the start button. What you had typed (${SECOND}) is set aside below the form: "Undo: restore what you had typed" puts it back.`,
    )
    const undo = button(UNDO_SECOND)
    expect(undo.text()).toBe('Undo: restore what you had typed')
    expect(undo.attributes('type')).toBe('button')

    await reload()
    ;(button(UNDO_SECOND).element as HTMLButtonElement).focus()
    await button(UNDO_SECOND).trigger('click')
    await flushPromises()
    expect(valueOf('number')).toBe('+447700900777')
    expect(valueOf('brand')).toBe('SecondCo')
    expect(valueOf('sender_id')).toBe('SECOND')
    expect(document.activeElement?.id).toBe('number')
    // What the form held (the start sent again) is set aside in its place: nothing is lost.
    expect(notice()).toBe(
      'The form holds what you had typed again (+447700900777 · SecondCo · sender_id SECOND). What it held (+447700900501 · FirstCo) is set aside below the form in its place.',
    )
    expect(wrapper.findAll('[data-test="set-aside-draft"]')).toHaveLength(1)
    expect(
      wrapper.find(`button[aria-label="${UNDO_SECOND}"]`).exists(),
      'the restored draft is no longer offered',
    ).toBe(false)

    // The restored form is the draft again: kept through the next reload.
    await reload()
    expect(valueOf('number')).toBe('+447700900777')
    expect(valueOf('sender_id')).toBe('SECOND')
  })

  it('keeps what was typed set aside after the start sent again went through', async () => {
    await unansweredThenNewCustomer()
    await button('Send again to +447700900501').trigger('click')
    await flushPromises()
    server.on('POST', startPath(), json({ status: '0', request_id: REQUEST_ID }))
    await wrapper.get('form[aria-label="New verification"]').trigger('submit')
    await flushPromises()
    const starts = server.callsTo('POST', startPath())
    expect(starts).toHaveLength(2)
    expect(paramsOf(starts.at(-1))).toMatchObject({ number: '447700900501', brand: 'FirstCo' })

    // Back on New verification: the form starts empty, SecondCo's customer is one press away.
    await reload()
    expect(valueOf('number')).toBe('')
    await button(UNDO_SECOND).trigger('click')
    await flushPromises()
    expect(valueOf('number')).toBe('+447700900777')
    expect(wrapper.find('[data-test="set-aside-drafts"]').exists()).toBe(false)
  })

  it('Discard forgets it, and the focus goes to the number field', async () => {
    await unansweredThenNewCustomer()
    await button('Send again to +447700900501').trigger('click')
    await flushPromises()
    await button(`Discard what you had typed (${SECOND})`).trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-test="set-aside-drafts"]').exists()).toBe(false)
    expect(document.activeElement?.id).toBe('number')
    await reload()
    expect(wrapper.find('[data-test="set-aside-drafts"]').exists()).toBe(false)
  })

  it('sets nothing aside when the form was empty: the notice is as before', async () => {
    await sendUnansweredStart(server, wrapper, '+447700900501', 'FirstCo')
    // Typed back to what it was: the form holds nothing of its own (the brand default aside).
    await fill('number', '')
    await fill('brand', 'Verify Desk')
    await button('Send again to +447700900501').trigger('click')
    await flushPromises()
    expect(notice()).toBe(
      'The form holds the start to +447700900501 again: check it, then press the start button.',
    )
    expect(wrapper.find('[data-test="set-aside-drafts"]').exists()).toBe(false)
  })
})
