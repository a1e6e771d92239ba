import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import HistoryLookupForm from '@/components/history/HistoryLookupForm.vue'

describe('HistoryLookupForm environment', () => {
  it('says in sight, not only in a hover title, that Live looks up with the real API', async () => {
    const form = mount(HistoryLookupForm, {
      props: { environment: 'sandbox', liveAvailable: true, busy: false },
    })
    expect(form.find('[data-testid="lookup-live-note"]').exists()).toBe(false)
    await form.setProps({ environment: 'live' })
    expect(form.get('[data-testid="lookup-live-note"]').text()).toBe(
      "Live: the search calls go to the real Vonage API with this server's live account.",
    )
  })
})

describe('HistoryLookupForm layout', () => {
  const ids = ['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210']

  /** Everything laid out before the Look up button, as text: what can push it down. */
  function before(root: Element): string {
    const button = root.querySelector('[data-testid="lookup-submit"]')!
    return [...root.querySelectorAll('*')]
      .filter((el) => el.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING)
      .filter((el) => !el.contains(button) && !el.classList.contains('visually-hidden'))
      .filter((el) => !el.closest('.visually-hidden'))
      .map((el) => `${el.tagName}:${el.children.length === 0 ? el.textContent : ''}`)
      .join('|')
  }

  it('leaves the Look up button where it is when the field is left with a non-id in it', async () => {
    const form = mount(HistoryLookupForm, {
      props: { environment: 'sandbox', liveAvailable: true, busy: false },
      attachTo: document.body,
    })
    const field = form.get('textarea')
    await field.setValue(`${ids.join(' ')} not-an-id`)
    const above = before(form.element)
    // Leaving the field (the mousedown of a click on Look up) checks it and says what is skipped…
    await field.trigger('change')
    const invalid = form.get('[data-testid="lookup-invalid"]')
    expect(invalid.text()).toBe('Not request_ids (skipped): not-an-id')
    // …under the button: nothing above it has changed, so the click still lands on it.
    expect(before(form.element)).toBe(above)
    // The field is still described by the line.
    const described = field.attributes('aria-describedby')!.split(' ')
    expect(described.some((id) => document.getElementById(id)?.contains(invalid.element))).toBe(
      true,
    )
    // Removing the non-id takes the line away, again without moving the button.
    await field.setValue(ids.join(' '))
    await field.trigger('change')
    expect(form.find('[data-testid="lookup-invalid"]').exists()).toBe(false)
    expect(before(form.element)).toBe(above)
    form.unmount()
  })
})

describe('HistoryLookupForm announcement', () => {
  it('says what is skipped after a problem with one full stop between the sentences', async () => {
    const form = mount(HistoryLookupForm, {
      props: { environment: 'sandbox', liveAvailable: true, busy: false },
    })
    const field = form.get('textarea')
    await field.setValue('hello world')
    await form.get('form').trigger('submit')
    expect(form.emitted('submit')).toBeUndefined()
    expect(form.get('[data-testid="lookup-announce"]').text()).toBe(
      'None of these is a request_id (32 hexadecimal characters, like ' +
        '0123456789abcdef0123456789abcdef). Not request_ids (skipped): hello, world',
    )
    form.unmount()
  })
})
