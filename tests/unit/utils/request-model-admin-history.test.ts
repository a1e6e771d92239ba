import { describe, expect, it } from 'vitest'
import { historyPatchFromAdmin } from '@/utils/request-model'
import { admin } from './admin-request-support'
import { entry, requestId } from '../stores/history-support'

const ID = requestId(1)
/** History's entry of a request known only by its id (a look-up): no brand, no parameters. */
const lookedUp = entry(1, { brand: '', params: {}, source: 'looked-up' })

describe('historyPatchFromAdmin', () => {
  it('gives History the brand of a request it knows only by its id', () => {
    expect(historyPatchFromAdmin(lookedUp, admin({ request_id: ID, brand: 'OtherApp' }))).toEqual({
      request_id: ID,
      brand: 'OtherApp',
    })
  })

  it('gives the kind, payee and amount of a PSD2 request', () => {
    const psd2 = admin({ request_id: ID, kind: 'psd2', brand: '', payee: 'Acme', amount: '9.99' })
    expect(historyPatchFromAdmin(lookedUp, psd2)).toEqual({
      request_id: ID,
      kind: 'psd2',
      payee: 'Acme',
      amount: '9.99',
    })
  })

  it('never overwrites what History has, nor touches what it has from the start', () => {
    const view = admin({ request_id: ID, kind: 'psd2', brand: 'Other', payee: 'P', amount: '1' })
    const known = { ...lookedUp, brand: 'Mine', payee: 'Q', amount: '2', params: { brand: 'Mine' } }
    expect(historyPatchFromAdmin(known, view)).toBeNull()
    const started = entry(1, { brand: 'Acme', source: 'started' })
    expect(historyPatchFromAdmin(started, view)).toBeNull()
  })

  it('adds nothing to a live entry, another request, or an entry not in History', () => {
    const view = admin({ request_id: ID, brand: 'OtherApp' })
    expect(historyPatchFromAdmin({ ...lookedUp, environment: 'live' }, view)).toBeNull()
    expect(historyPatchFromAdmin(entry(2, { brand: '', source: 'looked-up' }), view)).toBeNull()
    expect(historyPatchFromAdmin(undefined, view)).toBeNull()
  })
})
