import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RequestPinEntry from '@/components/request/RequestPinEntry.vue'
import { eachTestInNewTab } from './support'

eachTestInNewTab()

const OPEN = { allowed: true, reason: null, opensAt: null }

function mountEntry(props: { customPin?: boolean; codeLength?: number | null } = {}) {
  return mount(RequestPinEntry, {
    props: { availability: OPEN, attemptsLeft: 3, codeLength: 4, ...props },
  })
}

/** Types `code` and presses Check code: the code sent (`null`: refused) and the error shown. */
async function submit(wrapper: ReturnType<typeof mountEntry>, code: string) {
  const field = wrapper.get('#pin-code')
  await field.setValue(code)
  // A browser keeps at most `maxlength` UTF-16 units of what is typed.
  expect(Number(field.attributes('maxlength'))).toBeGreaterThanOrEqual(code.length)
  await wrapper.get('form').trigger('submit')
  const sent = wrapper.emitted('check')?.at(-1)?.[0] ?? null
  const error = wrapper.find('#pin-error')
  return { sent, error: error.exists() ? error.text() : null }
}

describe('RequestPinEntry: a request started with a custom PIN', () => {
  it('offers a text keyboard and sends a custom PIN with letters: AKFG-3424', async () => {
    const wrapper = mountEntry({ customPin: true })
    expect(wrapper.get('#pin-code').attributes('inputmode')).toBe('text')
    expect(await submit(wrapper, 'AKFG-3424')).toEqual({ sent: 'AKFG-3424', error: null })
  })

  it('counts characters, not UTF-16 units: ten emoji can be typed and sent, eleven characters are refused', async () => {
    const wrapper = mountEntry({ customPin: true })
    const ten = '🔑'.repeat(10)
    expect(await submit(wrapper, ten)).toEqual({ sent: ten, error: null })
    const other = mountEntry({ customPin: true })
    expect(await submit(other, 'AKFG-3424-X')).toEqual({
      sent: null,
      error: 'The custom PIN has 4 to 10 characters, without spaces.',
    })
  })

  it('refuses a space or fewer than 4 characters, as the API would', async () => {
    for (const code of ['AK FG', 'AKF']) {
      const wrapper = mountEntry({ customPin: true })
      expect(await submit(wrapper, code)).toEqual({
        sent: null,
        error: 'The custom PIN has 4 to 10 characters, without spaces.',
      })
    }
  })
})

describe('RequestPinEntry: a generated PIN', () => {
  it('offers a numeric keyboard, keeps to digits and says when more than 10 are typed', async () => {
    const wrapper = mountEntry()
    expect(wrapper.get('#pin-code').attributes('inputmode')).toBe('numeric')
    expect(await submit(wrapper, 'AKFG-3424')).toEqual({
      sent: null,
      error: 'The code has digits only.',
    })
    expect(await submit(wrapper, '12345678901')).toEqual({
      sent: null,
      error: 'The code has at most 10 digits.',
    })
    expect(await submit(wrapper, '1234567890')).toEqual({ sent: '1234567890', error: null })
  })
})

describe('RequestPinEntry: attempts left while a check whose answer was lost is not settled', () => {
  it('says the range, then the exact number once a read settled it', async () => {
    const wrapper = mount(RequestPinEntry, {
      props: { availability: OPEN, attemptsLeft: 3, uncertainChecks: 1 },
    })
    const line = () => wrapper.get('[data-test="attempts-left"]').text()
    expect(line()).toBe(
      '2 or 3 attempts left for this PIN: a check whose answer was lost may have used one.',
    )
    expect(line()).not.toMatch(/^3 attempts/)
    // The line describes the field and its button.
    expect(wrapper.get('#pin-code').attributes('aria-describedby')).toContain('pin-attempts')
    await wrapper.setProps({ uncertainChecks: 0 })
    expect(line()).toBe('3 attempts left for this PIN.')
    await wrapper.setProps({ attemptsLeft: 2, uncertainChecks: 0 })
    expect(line()).toBe('2 attempts left for this PIN.')
  })
})

describe('RequestPinEntry: the PIN has expired', () => {
  const advice =
    'The PIN has expired: a code checked now, even this PIN, is answered as a wrong code (status 16) and uses up an attempt. Next: wait for the next message or call (in 9 min 59 s), which brings a new PIN, or trigger the next event now.'

  it('says so next to the field before a code is checked, as its description', () => {
    const wrapper = mount(RequestPinEntry, {
      props: { availability: OPEN, attemptsLeft: 3, codeLength: 4, pinExpired: advice },
    })
    expect(wrapper.get('[data-test="pin-entry-expired"]').text()).toBe(advice)
    expect(wrapper.get('#pin-code').attributes('aria-describedby')?.split(' ')).toContain(
      'pin-expired',
    )
  })

  it('says nothing while the PIN can be checked', () => {
    expect(mountEntry().find('[data-test="pin-entry-expired"]').exists()).toBe(false)
  })
})
