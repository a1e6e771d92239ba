import { describe, expect, it } from 'vitest'
import { EMPTY_FILTERS, createHistoryFilter, filterHistory } from '@/utils/history-filter'
import type { HistoryEntry } from '@/utils/history-entry'
import { entry } from '../stores/history-support'

const betaCo = entry(1, { brand: 'Beta Co' })
const betaCoPay = entry(2, { brand: 'Pay', payee: 'Beta Co Ltd' })
const betaSpaced = entry(3, { brand: 'Beta  Co' })
const betaNbsp = entry(4, { brand: 'Beta\u00a0Co' })
const other = entry(5, { brand: 'Betacorp' })
const all = [betaCo, betaCoPay, betaSpaced, betaNbsp, other]

function matching(text: string, entries: readonly HistoryEntry[] = all): string[] {
  return filterHistory(entries, { ...EMPTY_FILTERS, text }).map((e) => e.request_id)
}

const BETA_CO = [betaCo, betaCoPay, betaSpaced, betaNbsp].map((e) => e.request_id)

describe('history text filter: spaces as typed or pasted', () => {
  it('finds the same entries whatever run of spaces the query holds', () => {
    expect(matching('beta co')).toEqual(BETA_CO)
    for (const text of [
      'Beta  Co',
      'beta   co',
      'beta\tco',
      'Beta\u00a0Co',
      ' beta \u00a0 co ',
      'beta\u2009co',
      'beta\u202fco',
      'beta\u3000co',
    ]) {
      expect(matching(text), JSON.stringify(text)).toEqual(BETA_CO)
    }
  })

  it('still tells a space from none', () => {
    expect(matching('betaco')).toEqual([other.request_id])
    expect(matching('beta  corp')).toEqual([])
  })

  it('finds a number typed with a pasted no-break space', () => {
    const uk = entry(6, { number: '447700900101', brand: 'Acme' })
    expect(matching('+44\u00a07700\u00a0900101', [uk, ...all])).toEqual([uk.request_id])
    expect(matching('07700\u00a0900101', [uk, ...all])).toEqual([uk.request_id])
  })

  it('keystroke by keystroke, the remembered filter answers as a fresh filter does', () => {
    for (const typed of ['Beta  Co', 'beta\u00a0 co ltd', 'beta  c']) {
      const filter = createHistoryFilter()
      for (const text of [...typed].map((_, i) => typed.slice(0, i + 1))) {
        const filters = { ...EMPTY_FILTERS, text }
        expect(filter(all, filters), JSON.stringify(text)).toEqual(filterHistory(all, filters))
      }
    }
  })
})
