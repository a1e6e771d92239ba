/**
 * A start is on disk before it is sent: when it reaches the server, the browser's IndexedDB copy of
 * the starts without an answer already holds it (local storage reaches the disk lazily; a browser
 * that ends abruptly right after the start went out still lists it on the next load).
 *
 * The page waits for that write only so long (a database held by another tab must not keep the
 * start from going out): that wait runs on fake timers here and never ends first, so the start
 * goes out only once the write is done, however slowly the machine writes it.
 */
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { useRequestsStore } from '@/stores/requests'
import { startsDb } from '@/utils/starts-db'
import { json, useDeskServer } from '../support/desk-server'
import { deferred } from '../../support/deferred'
import { mountNewVerification, REQUEST_ID } from './support'

const server = useDeskServer()
let wrapper: VueWrapper
/** What the starts database held when each start reached the server. */
let keptWhenSent: unknown[][]
/** Settles when a start has reached the server (and what the database held is read). */
let startArrived: ReturnType<typeof deferred<void>>

beforeEach(async () => {
  keptWhenSent = []
  startArrived = deferred<void>()
  server.on(
    'GET',
    'environments',
    json({
      environments: [{ id: 'sandbox', label: 'Sandbox', available: true }],
      default: 'sandbox',
    }),
  )
  server.on('POST', 'sandbox/verify/json', async () => {
    keptWhenSent.push(await startsDb()!.readAll())
    startArrived.resolve()
    return json({ request_id: REQUEST_ID, status: '0' })
  })
  ;({ wrapper } = await mountNewVerification())
  await flushPromises()
})
afterEach(async () => {
  vi.useRealTimers()
  wrapper.unmount()
  await useRequestsStore().dispose()
})

describe('a start on its way', () => {
  it('is in IndexedDB before it reaches the server', async () => {
    const input = wrapper.get('#number')
    await input.setValue('+447700900123')
    await input.trigger('blur')
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    await wrapper.get('form[aria-label="New verification"]').trigger('submit')
    await startArrived.promise
    expect(keptWhenSent).toEqual([
      [expect.objectContaining({ number: '447700900123', sending: true })],
    ])
  })
})
