import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import LookupView from '@/views/LookupView.vue'
import { useRequestsStore } from '@/stores/requests'
import { useEnvironmentsStore } from '@/stores/environments'
import {
  freshHistoryEnvironment,
  requestId,
  searchedRequest,
} from '../../unit/stores/history-support'
import { deferred } from '../../support/deferred'
import {
  errorAnswer,
  heldUntil,
  json,
  searchedIds,
  searchFound,
  searchPath,
  useDeskServer,
} from '../support/desk-server'
import { eventually } from '../support/eventually'

const server = useDeskServer()
const searches = () => server.callsTo('GET', searchPath())

const found = (id: string) => searchedRequest('2026-01-02 03:04:05', { request_id: id })

let wrapper: VueWrapper | null = null

/** Mounts the page on a fresh Pinia; `prepare` runs first (e.g. to choose the environment). */
async function mountLookup(prepare?: () => void) {
  const pinia = createPinia()
  setActivePinia(pinia)
  prepare?.()
  await useRequestsStore().ready
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/lookup', component: LookupView },
      { path: '/requests/:id', component: { template: '<p>request</p>' } },
    ],
  })
  await router.push('/lookup')
  wrapper = mount(LookupView, { global: { plugins: [pinia, router] } })
  return wrapper
}

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
  freshHistoryEnvironment()
  // The sandbox's view of found requests (brand, payee, amount) is another read, not these
  // tests': the sandbox holds none of them.
  server.on('GET', 'sandbox/__admin/requests', json({ requests: [], total: 0 }))
})
afterEach(async () => {
  wrapper?.unmount()
  wrapper = null
  await useRequestsStore().dispose()
})

describe('look up view', () => {
  it('reads ids with any separators, drops duplicates and names what is not an id', async () => {
    const w = await mountLookup()
    const ids = Array.from({ length: 12 }, (_, i) => requestId(i + 1))
    await w
      .find('textarea')
      .setValue(
        `${ids.slice(0, 6).join(', ')}\n${ids.slice(6).join(';')} ${ids[0]!.toUpperCase()} nope`,
      )
    expect(w.find('[data-testid="lookup-summary"]').text()).toBe(
      '12 request_ids, sent in 2 batches of up to ten, 1 duplicate ignored',
    )
    expect(w.find('[data-testid="lookup-invalid"]').text()).toContain('nope')
  })

  it('writes the counts of a long paste as every count of the app is written (1,200)', async () => {
    const w = await mountLookup()
    const ids = Array.from({ length: 1200 }, (_, i) => requestId(i + 1))
    await w.find('textarea').setValue([...ids, ...ids.slice(0, 1001)].join('\n'))
    const n = (count: number) => count.toLocaleString()
    expect(w.find('[data-testid="lookup-summary"]').text()).toBe(
      `${n(1200)} request_ids, sent in ${n(120)} batches of up to ten, ${n(1001)} duplicates ignored`,
    )
  })

  it('keeps its live region quiet while an id is typed, and checks when typing pauses or the field is left', async () => {
    const w = await mountLookup()
    const field = w.get('#lookup-ids')
    const said = () => w.get('[data-testid="lookup-announce"]').text()
    const shown = () => w.get('#lookup-ids-status').text()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const id = requestId(0x2cd)
      const announced = new Set<string>()
      const errors = new Set<string>()
      // Typed key by key (input events only), quicker than a pause.
      for (let i = 1; i <= id.length; i++) {
        ;(field.element as HTMLTextAreaElement).value = id.slice(0, i)
        await field.trigger('input')
        vi.advanceTimersByTime(200)
        announced.add(said())
        errors.add(w.find('.error').exists() ? w.get('.error').text() : '')
      }
      expect([...announced]).toEqual([''])
      expect([...errors]).toEqual([''])
      // The count under the field follows at once; the live region speaks after a pause.
      expect(shown()).toBe('1 request_id')
      vi.advanceTimersByTime(1000)
      await flushPromises()
      expect(said()).toBe('1 request_id')

      // A pause in the middle of the next id says nothing about the piece being typed…
      ;(field.element as HTMLTextAreaElement).value = `${id}\n2cd`
      await field.trigger('input')
      vi.advanceTimersByTime(1000)
      await flushPromises()
      expect(said()).toBe('1 request_id')
      expect(w.find('[data-testid="lookup-invalid"]').exists()).toBe(false)
      // …until the field is left.
      await field.trigger('change')
      expect(w.get('[data-testid="lookup-invalid"]').text()).toBe('Not request_ids (skipped): 2cd')
      expect(said()).toBe('1 request_id. Not request_ids (skipped): 2cd')
    } finally {
      vi.useRealTimers()
    }
  })

  it('names a piece that is not an id as it was typed, whole', async () => {
    const w = await mountLookup()
    await w
      .get('#lookup-ids')
      .setValue(`not-an-id!!, "${requestId(1)}", request_id=${requestId(2)}; x.y`)
    expect(w.get('[data-testid="lookup-invalid"]').text()).toBe(
      'Not request_ids (skipped): not-an-id!!, x.y',
    )
    expect(w.get('[data-testid="lookup-summary"]').text()).toBe('2 request_ids')
  })

  it('keeps the focus while looking up (busy, not disabled), sends once, then focuses the outcome', async () => {
    const answer = deferred<Response>()
    server.on('GET', searchPath(), heldUntil(answer.promise))
    const pinia = createPinia()
    setActivePinia(pinia)
    await useRequestsStore().ready
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/lookup', component: LookupView }],
    })
    await router.push('/lookup')
    wrapper = mount(LookupView, { global: { plugins: [pinia, router] }, attachTo: document.body })
    const w = wrapper
    await w.get('#lookup-ids').setValue(requestId(1))
    const button = w.get('[data-testid="lookup-submit"]')
    ;(button.element as HTMLButtonElement).focus()
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(button.text()).toBe('Looking up…')
    expect((button.element as HTMLButtonElement).disabled).toBe(false)
    expect(button.attributes('aria-disabled')).toBe('true')
    expect(document.activeElement).toBe(button.element)
    await w.get('form').trigger('submit')
    expect(searches()).toHaveLength(1)

    answer.resolve(json(found(requestId(1))))
    await eventually(async () => {
      await flushPromises()
      expect(document.activeElement?.getAttribute('data-testid')).toBe('lookup-outcome')
    })
    expect(document.activeElement?.textContent).toContain('1 found, 0 not found')
  })

  it('explains an empty or invalid paste instead of sending anything', async () => {
    const w = await mountLookup()
    await w.find('textarea').setValue('hello world')
    await w.find('form').trigger('submit')
    expect(w.find('.error').text()).toMatch(/None of these is a request_id/)
    expect(searches()).toEqual([])
  })

  it('fetches the ids into history and lists the ones not found with the 101 explanation', async () => {
    server.on('GET', searchPath(), (call) =>
      searchFound(
        call,
        searchedIds(call)
          .filter((id) => id !== requestId(2))
          .map(found),
      ),
    )
    const w = await mountLookup()
    await w.find('textarea').setValue(`${requestId(1)} ${requestId(2)}`)
    await w.find('form').trigger('submit')
    await flushPromises()
    await eventually(() => expect(w.find('[data-testid="lookup-not-found"]').exists()).toBe(true))
    expect(searches().map((c) => c.query)).toEqual([{ request_ids: [requestId(1), requestId(2)] }])
    expect(w.find('[data-testid="lookup-found"] a').attributes('href')).toBe(
      `/requests/${requestId(1)}`,
    )
    expect(w.find('[data-testid="lookup-not-found"]').text()).toContain(requestId(2))
    expect(w.get('#lookup-missing').text()).toBe(
      "Not found: status 101, No request found (the API's words: No response found)",
    )
    expect(w.text()).toContain('can take up to a minute to appear in search')
    expect(useRequestsStore().byId(requestId(1))?.status).toBe('IN PROGRESS')
  })

  it('names every id of a batch that could not be looked up', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => requestId(i + 1))
    server.on('GET', searchPath(), (call) =>
      searchedIds(call).includes(requestId(11))
        ? json({ status: '1', error_text: 'Throttled' })
        : searchFound(call, searchedIds(call).map(found)),
    )
    const w = await mountLookup()
    await w.find('textarea').setValue(ids.join(' '))
    await w.find('form').trigger('submit')
    await flushPromises()
    await eventually(() =>
      expect(w.find('[data-testid="lookup-failed-batch"]').exists()).toBe(true),
    )
    const failed = w.get('[data-testid="lookup-failed-batch"]')
    expect(failed.findAll('code').map((c) => c.text())).toEqual([requestId(11), requestId(12)])
  })

  it('does not promise that trying again helps when the server will refuse again', async () => {
    server.on(
      'GET',
      searchPath('live'),
      errorAnswer(
        502,
        'upstream_credentials_refused',
        "The Vonage API (https://api.nexmo.com) refused this server's credentials (HTTP 401), so nothing was processed. Whoever runs this server should check VONAGE_API_KEY and VONAGE_API_SECRET (and VONAGE_AUTH), then restart it.",
      ),
    )
    // Looked up on Live, whose credentials are this server's VONAGE_API_KEY and VONAGE_API_SECRET.
    const w = await mountLookup(() => {
      const environments = useEnvironmentsStore()
      environments.environments = [
        { id: 'sandbox', label: 'Sandbox', available: true },
        { id: 'live', label: 'Live', available: true },
      ]
      expect(environments.select('live')).toBe(true)
    })
    await w.find('textarea').setValue(requestId(1))
    await w.find('form').trigger('submit')
    await flushPromises()
    await eventually(() =>
      expect(w.find('[data-testid="lookup-failed-batch"]').exists()).toBe(true),
    )
    const failed = w.get('[data-testid="lookup-failed-batch"]')
    expect(failed.text()).toContain("refused this server's credentials (HTTP 401)")
    expect(failed.get('[data-testid="lookup-failed-next"]').text()).toBe(
      'Next: Vonage processed nothing, and will refuse every call until whoever runs this server fixes its VONAGE_API_KEY and VONAGE_API_SECRET.',
    )
    expect(w.text()).not.toMatch(/try again/i)
  })

  it('says how long to wait when the server is busy, and what to do for an API status', async () => {
    server.on('GET', searchPath(), (call) =>
      searchedIds(call).includes(requestId(1))
        ? json(
            {
              error: {
                code: 'queue_full',
                message:
                  "Too many calls are already waiting for the sandbox's rate limit on this server: this call was NOT sent. Wait a few seconds and try again.",
                delivery: 'not_sent',
              },
            },
            503,
            { 'Retry-After': '3' },
          )
        : json({ status: '1', error_text: 'Throttled' }),
    )
    const w = await mountLookup()
    const ids = Array.from({ length: 11 }, (_, i) => requestId(i + 1))
    await w.find('textarea').setValue(ids.join(' '))
    await w.find('form').trigger('submit')
    await flushPromises()
    await eventually(() => expect(w.findAll('[data-testid="lookup-failed-next"]')).toHaveLength(2))
    expect(w.findAll('[data-testid="lookup-failed-next"]').map((p) => p.text())).toEqual([
      'Next: Wait 3 s, then try again.',
      'Next: Wait a second and send it again.',
    ])
  })

  it('says how long to wait when the search is throttled with a Retry-After', async () => {
    server.on('GET', searchPath(), () =>
      json({ status: '1', error_text: 'Throttled' }, 200, { 'Retry-After': '60' }),
    )
    const w = await mountLookup()
    await w.find('textarea').setValue(requestId(1))
    await w.find('form').trigger('submit')
    await flushPromises()
    await eventually(() => expect(w.findAll('[data-testid="lookup-failed-next"]')).toHaveLength(1))
    expect(w.get('[data-testid="lookup-failed-next"]').text()).toBe(
      'Next: Wait 60 s, then try again.',
    )
  })

  it('keeps the pasted ids through a reload of the page', async () => {
    const w = await mountLookup()
    await w.get('#lookup-ids').setValue(`${requestId(1)}\n${requestId(2)}`)
    w.unmount()
    await useRequestsStore().dispose()
    const again = await mountLookup()
    expect((again.get('#lookup-ids').element as HTMLTextAreaElement).value).toBe(
      `${requestId(1)}\n${requestId(2)}`,
    )
    expect(again.text()).toContain('2 request_ids')
  })
})
