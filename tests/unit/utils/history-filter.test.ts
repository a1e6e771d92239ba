import { describe, expect, it } from 'vitest'
import {
  EMPTY_FILTERS,
  createHistoryFilter,
  filterHistory,
  textQuery,
  filtersFromQuery,
  isDay,
} from '@/utils/history-filter'
import type { HistoryEntry } from '@/utils/history-entry'
import { entry } from '../stores/history-support'

const uk = entry(1, { number: '447700900101', brand: 'Acme Bank' })
const ukOther = entry(2, { number: '447700900202', brand: 'Zeta Shop' })
const us = entry(3, { number: '14155550100', brand: 'Globex' })
const de = entry(4, { number: '4915112345678', brand: 'Other' })
const all = [uk, ukOther, us, de]

function matching(text: string, entries: readonly HistoryEntry[] = all): string[] {
  return filterHistory(entries, { ...EMPTY_FILTERS, text }).map((e) => e.number)
}

describe('history text filter: phone numbers as people type them', () => {
  it('finds a stored number typed in international form, with or without separators', () => {
    for (const text of [
      '447700900101',
      '+447700900101',
      '+44 7700 900101',
      '+44-7700-900-101',
      '+44 (0)7700 900101',
      '0044 7700 900101',
      '(44) 7700.900101',
    ]) {
      expect(matching(text), text).toEqual(['447700900101'])
    }
    expect(matching('+1 (415) 555-0100')).toEqual(['14155550100'])
  })

  it('finds a stored number typed in national form (leading 0, after any country code)', () => {
    expect(matching('07700 900101')).toEqual(['447700900101'])
    expect(matching('07700900202')).toEqual(['447700900202'])
    expect(matching('0151 1234 5678')).toEqual(['4915112345678'])
    // While typing: the national digits so far follow the country code.
    expect(matching('07700 9')).toEqual(['447700900101', '447700900202'])
    expect(matching('07700 900303')).toEqual([])
    // The national digits follow the country code, they are not looked for anywhere in a number.
    expect(matching('123')).toEqual(['4915112345678'])
    expect(matching('0123')).toEqual([])
  })

  it('still matches brands, request_ids and bare digit fragments as text', () => {
    expect(matching('acme')).toEqual(['447700900101'])
    expect(matching('900202')).toEqual(['447700900202'])
    expect(matching(us.request_id.slice(-6))).toEqual(['14155550100'])
    expect(matching('+44 7700 900999')).toEqual([])
  })

  it('reads the query once: international digits and national digits', () => {
    expect(textQuery(' +44 7700 900101 ')).toEqual({
      text: '+44 7700 900101',
      digits: '447700900101',
      national: null,
    })
    expect(textQuery('07700 900101')).toEqual({
      text: '07700 900101',
      digits: '07700900101',
      national: '7700900101',
    })
    expect(textQuery('Acme')).toEqual({ text: 'acme', digits: null, national: null })
    expect(textQuery('+')).toEqual({ text: '+', digits: null, national: null })
  })

  it('keystroke by keystroke, the remembered filter answers as a fresh filter does', () => {
    const many = [...all, entry(5, { number: '440077009', brand: 'Zero' })]
    for (const typed of [
      '+44 (0)7700 900101',
      '0044 7700 900202',
      '07700 900101',
      '00 7',
      '0(0)7',
    ]) {
      const filter = createHistoryFilter()
      for (const text of [...typed].map((_, i) => typed.slice(0, i + 1))) {
        const filters = { ...EMPTY_FILTERS, text }
        expect(filter(many, filters), JSON.stringify(text)).toEqual(filterHistory(many, filters))
      }
    }
  })
})

describe('history filter reuse', () => {
  it('narrows the previous result only while the other filters stay the same', () => {
    const failed = entry(5, { number: '447700900303', status: 'FAILED' })
    const list = [uk, ukOther, failed]
    const filter = createHistoryFilter()
    expect(filter(list, { ...EMPTY_FILTERS, text: '4477', status: 'FAILED' })).toEqual([failed])
    // A longer text with the status cleared: every match again, not only the FAILED one.
    const widened = { ...EMPTY_FILTERS, text: '44770' }
    expect(filter(list, widened)).toEqual(filterHistory(list, widened))
    expect(filter(list, widened)).toHaveLength(3)
  })
})

describe('history date filters from a URL', () => {
  it('takes only real days: an impossible one is ignored, never rolled over', () => {
    expect(isDay('2024-02-29')).toBe(true)
    expect(isDay('2026-12-31')).toBe(true)
    for (const day of [
      '2026-02-30',
      '2025-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-1-1',
    ])
      expect(isDay(day)).toBe(false)
    expect(filtersFromQuery({ from: '2026-02-30', to: '2026-04-31' })).toMatchObject({
      from: '',
      to: '',
    })
    expect(filtersFromQuery({ from: '2026-02-28', to: '2026-03-01' })).toMatchObject({
      from: '2026-02-28',
      to: '2026-03-01',
    })
  })

  it('does not filter by an impossible day handed to it directly', () => {
    const march = entry(1, { createdAt: new Date(2026, 2, 1, 12).getTime() })
    expect(filterHistory([march], { ...EMPTY_FILTERS, from: '2026-02-30' })).toEqual([march])
  })
})
