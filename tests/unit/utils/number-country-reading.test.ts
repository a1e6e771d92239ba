import { describe, expect, it } from 'vitest'
import { useVerifyForm } from '@/composables/useVerifyForm'
import { sandboxNumber as serverSandboxNumber } from '../../../server/sandbox/numbers'

// With a `country` parameter the API may read the digits the form sends as a national number of
// that country (a valid national reading wins), so the form previews the sandbox's reading and
// blocks a start that would go to another phone than the one typed.

/** The form filled in: what it sends, what it previews the API reads, and its country message. */
function fill(typed: string, numberCountry: string, country: string) {
  const { form, validate, countryReading, messages, parsedNumber } = useVerifyForm({
    brand: 'Acme',
    numberCountry,
  })
  form.number = typed
  form.country = country
  const digits = parsedNumber.value.ok ? parsedNumber.value.number.digits : null
  return {
    digits,
    preview: countryReading.value?.read.digits ?? digits,
    countryMessage: messages.value.country?.message ?? null,
    sent: validate(),
  }
}

// [typed, the form's country of the number, the `country` parameter, the number the sandbox
// reads from what the form sends, whether that is the number typed]
const TABLE: [string, string, string, string, boolean][] = [
  ['+47 912 34 568', 'GB', 'IN', '914791234568', false],
  ['+65 8123 4567', 'GB', 'IN', '916581234567', false],
  ['0047 912 34 568', 'GB', 'IN', '914791234568', false],
  ['91234568', 'NO', 'IN', '914791234568', false],
  ['+47 912 34 568', 'GB', 'NO', '4791234568', true],
  ['+47 912 34 568', 'GB', '', '4791234568', true],
  ['+44 7700 900123', 'GB', 'IN', '91447700900123', false],
  ['+44 7700 900123', 'GB', 'FR', '447700900123', true],
  ['+447700900123', 'GB', 'GB', '447700900123', true],
  ['+12125550123', 'GB', 'GB', '12125550123', true],
  ['07700 900123', 'GB', 'FR', '447700900123', true],
  ['9123456780', 'IN', 'IN', '919123456780', true],
  ['+91 91234 56780', 'GB', 'in', '919123456780', true],
]

describe('the number preview is what the sandbox reads with the country parameter', () => {
  it.each(TABLE)(
    '%j (typed for %s) with country %j: read as %s',
    (typed, nc, country, read, same) => {
      const form = fill(typed, nc, country)
      expect(form.digits).not.toBeNull()
      // The sandbox's own reading of the digits the form sends, with the country it sends.
      const sandbox = serverSandboxNumber(form.digits ?? '', country || undefined)
      expect(sandbox).toBe(read)
      expect(form.preview).toBe(sandbox)
      // Another phone than the one typed: the start is blocked, with a message on the country.
      expect(form.sent?.number ?? null).toBe(same ? read : null)
      expect(
        form.countryMessage?.startsWith(`With country ${country.toUpperCase()}, the API reads`),
      ).toBe(same ? undefined : true)
    },
  )

  it('sends the typed number once the country parameter is removed or matches it', () => {
    const { form, validate, messages } = useVerifyForm({ brand: 'Acme' })
    form.number = '+65 8123 4567'
    form.country = 'IN'
    expect(validate()).toBeNull()
    form.country = 'SG'
    expect(messages.value.country).toBeUndefined()
    expect(validate()).toMatchObject({ number: '6581234567', country: 'SG' })
    form.country = ''
    expect(validate()).toMatchObject({ number: '6581234567' })
  })
})
