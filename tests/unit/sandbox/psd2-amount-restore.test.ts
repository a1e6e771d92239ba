import { describe, expect, it } from 'vitest'
import { fakeEngine } from './support'

const psd2 = { number: '447700900000', payee: 'Shop', amount: '12.5' }

describe('a PSD2 amount', () => {
  it('is kept as the payment in euros and cents its message states', () => {
    const s = fakeEngine()
    const id = s.call('psd2', psd2).request_id as string
    expect(s.engine.adminView(s.engine.getRequest(id)!).amount).toBe('12.50')
    expect(s.messages(id)[0]?.text).toContain('payment of 12.50 EUR to Shop')
  })

  it('saved as it was sent, is restored as euros and cents', () => {
    const s = fakeEngine()
    const id = s.call('psd2', { ...psd2, number: '447700900001' }).request_id as string
    const snapshot = s.engine.snapshot()
    // A state file written before amounts were kept in euros and cents.
    for (const r of snapshot.requests) r.amount = '12.345'
    const restored = fakeEngine()
    restored.engine.restore(JSON.parse(JSON.stringify(snapshot)))
    expect(restored.engine.adminView(restored.engine.getRequest(id)!).amount).toBe('12.35')
    expect(restored.messages(id)[0]?.text).toContain('payment of 12.35 EUR to Shop')
  })
})
