/**
 * A press anywhere on the page takes the focus from the field being typed in. The field's message
 * appears once the press is over (after the click it makes), never between the press and the
 * release: the message would push what is below it (More parameters, the fields below, Start)
 * from under the pointer, and the click would land elsewhere or nowhere. Every field of the form
 * is judged this way; leaving a field by keyboard judges it at once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { useRequestsStore } from '@/stores/requests'
import { useDeskServer } from '../support/desk-server'
import { mountNewVerification } from './support'
import { answerEnvironments } from './desk-support'
import { eventually } from '../support/eventually'

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
  vi.useRealTimers()
})

const errorShown = (id: string) => wrapper.find(`#${id}-error`).exists()
const summary = () => wrapper.get('details.advanced summary').element as HTMLElement

/** A pointer's press on `target` (`pointerType` mouse or touch) that leaves `field` on the way. */
function pointer(type: 'pointerdown' | 'pointerup', target: Element, pointerType: string) {
  target.dispatchEvent(new PointerEvent(type, { bubbles: true, pointerType, isPrimary: true }))
}

/** Types `value` into the field `#id` (opening More parameters or choosing PSD2 when it is there). */
async function typeInto(id: string, value: string, kind: 'request' | 'psd2'): Promise<void> {
  if (kind === 'psd2') await wrapper.get('input[name="kind"][value="psd2"]').setValue(true)
  ;(wrapper.get('details.advanced').element as HTMLDetailsElement).open = true
  await flushPromises()
  const input = wrapper.get(`#${id}`)
  ;(input.element as HTMLInputElement).focus()
  await input.setValue(value)
}

/** Every field judged as it is left, with a value it refuses. */
const FIELDS: [id: string, value: string, kind: 'request' | 'psd2'][] = [
  ['number', 'abc', 'request'],
  ['brand', 'A nineteen-char brd', 'request'],
  ['payee', 'A nineteen-char pay', 'psd2'],
  ['amount', 'x', 'psd2'],
  ['pin_expiry', '10', 'request'],
  ['next_event_wait', '10', 'request'],
  ['country', 'ZZZ', 'request'],
  ['sender_id', 'TWELVE-CHARS', 'request'],
  ['pin_code', '12', 'request'],
]

describe('a field left by a press is judged after the click the press makes', () => {
  it.each(FIELDS)('%s, left by a mouse press on More parameters', async (id, value, kind) => {
    await typeInto(id, value, kind)
    pointer('pointerdown', summary(), 'mouse')
    await wrapper.get(`#${id}`).trigger('blur')
    await flushPromises()
    expect(errorShown(id), 'a message between the press and the release').toBe(false)
    pointer('pointerup', summary(), 'mouse')
    summary().click()
    await eventually(() => expect(errorShown(id)).toBe(true))
  })

  it('brand, left by a touch: its click (and the focus) comes after the release', async () => {
    await typeInto('brand', 'A nineteen-char brd', 'request')
    pointer('pointerdown', summary(), 'touch')
    pointer('pointerup', summary(), 'touch')
    await wrapper.get('#brand').trigger('blur')
    await flushPromises()
    expect(errorShown('brand'), 'a message between the release and the click').toBe(false)
    summary().click()
    await eventually(() => expect(errorShown('brand')).toBe(true))
  })

  it('brand, left by a touch that makes no click (a long press): judged all the same', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await typeInto('brand', 'A nineteen-char brd', 'request')
    pointer('pointerdown', summary(), 'touch')
    pointer('pointerup', summary(), 'touch')
    await wrapper.get('#brand').trigger('blur')
    await flushPromises()
    expect(errorShown('brand')).toBe(false)
    await vi.runAllTimersAsync()
    expect(errorShown('brand')).toBe(true)
  })

  it('brand, left by the keyboard: judged at once (no pointer is on its way anywhere)', async () => {
    await typeInto('brand', 'A nineteen-char brd', 'request')
    await wrapper.get('#brand').trigger('blur')
    await flushPromises()
    expect(errorShown('brand')).toBe(true)
  })
})
