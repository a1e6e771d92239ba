import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import RequestSummary from '@/components/request/RequestSummary.vue'
import { eachTestInNewTab, euros, summaryModel } from './support'

eachTestInNewTab()

describe('RequestSummary: money', () => {
  it('shows the price in the currency style of the browser, the API value on hover', () => {
    const wrapper = mount(RequestSummary, {
      props: { model: summaryModel({ price: '0.05000000', estimatedPrice: '0.03330000' }) },
    })
    const price = wrapper.get('[data-test="price"]')
    expect(price.text()).not.toContain('0.05000000')
    expect(price.text()).toContain(euros(0.05))
    // A fraction of a cent is kept, not rounded to a misleading 0.03.
    expect(price.get('[data-test="estimated-price"]').text()).toBe(
      `Messages and calls: ${euros(0.0333)}`,
    )
    expect(price.get(`[title="0.05000000 EUR"]`).text()).toBe(euros(0.05))
    expect(price.get(`[title="0.03330000 EUR"]`).text()).toBe(euros(0.0333))
  })

  it('says a request in progress is charged on success, without doubled brackets', () => {
    const wrapper = mount(RequestSummary, {
      props: {
        model: summaryModel({ status: 'IN PROGRESS', price: '0', estimatedPrice: '0.03300000' }),
      },
    })
    const price = wrapper.get('[data-test="price"]')
    const estimated = price.get('[data-test="estimated-price"]').text()
    expect(estimated).toBe(`Messages and calls: ${euros(0.033)}`)
    expect(price.text().replace(estimated, '').trim()).toBe('none yet: charged on success')
    expect(price.text()).not.toContain('(')
  })

  it('shows a PSD2 amount as money, not as the raw number', () => {
    const wrapper = mount(RequestSummary, {
      props: { model: summaryModel({ kind: 'psd2', payee: 'Acme Shop', amount: '1234.5' }) },
    })
    const amount = wrapper.get('[data-test="amount"]')
    expect(amount.text()).toBe(euros(1234.5))
    expect(amount.text()).not.toBe('€1234.5')
    expect(amount.attributes('title')).toBe('1234.5 EUR')
  })
})

describe('RequestSummary: times', () => {
  it('says which time zone the times are in', () => {
    const wrapper = mount(RequestSummary, { props: { model: summaryModel() } })
    const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: 'long' })
      .formatToParts(Date.UTC(2026, 10, 26, 9))
      .find((p) => p.type === 'timeZoneName')!.value
    const short = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })
      .formatToParts(Date.UTC(2026, 10, 26, 9))
      .find((p) => p.type === 'timeZoneName')!.value
    const text = wrapper.get('[data-test="time-zone"]').text()
    expect(text).toMatch(/^Times in your local time \(.+\); UTC on hover\.$/)
    expect([zone, short].some((name) => text.includes(`(${name})`))).toBe(true)
  })
})
