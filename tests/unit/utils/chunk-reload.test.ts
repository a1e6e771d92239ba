import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import {
  isChunkLoadError,
  pageLoadFailure,
  recoverFromChunkErrors,
  rememberStartedRequest,
} from '@/utils/chunk-reload'

function memoryStorage() {
  const map = new Map<string, string>()
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  }
}

/** A router whose request page's code fails to load, as after a server restart. */
function setup(error: Error) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { render: () => null } },
      {
        path: '/requests/:id',
        component: () => Promise.reject(error),
        meta: { title: 'Request' },
      },
      { path: '/history', component: { render: () => null }, meta: { title: 'History' } },
    ],
  })
  const loaded: string[] = []
  let time = 1_000_000
  const storage = memoryStorage()
  recoverFromChunkErrors(router, {
    assign: (url) => loaded.push(url),
    storage,
    now: () => time,
  })
  return { router, loaded, storage, now: () => time, later: (ms: number) => (time += ms) }
}

describe('a page whose code cannot be loaded', () => {
  it('recognises the browsers’ and Vite’s chunk load errors only', () => {
    expect(isChunkLoadError(new Error('Unable to preload CSS for /assets/RequestView-x.css'))).toBe(
      true,
    )
    expect(
      isChunkLoadError(
        new TypeError('Failed to fetch dynamically imported module: /assets/RequestView-x.js'),
      ),
    ).toBe(true)
    expect(isChunkLoadError(new TypeError('Importing a module script failed.'))).toBe(true)
    expect(isChunkLoadError(new Error('Cannot read properties of undefined'))).toBe(false)
  })

  it('is opened as a full page load of the target, once within a short time', async () => {
    const { router, loaded, later } = setup(new Error('Unable to preload CSS for /assets/a.css'))
    await router.push('/')
    await expect(router.push('/requests/abc')).rejects.toThrow(/Unable to preload CSS/)
    expect(loaded).toEqual(['/requests/abc'])
    // The full load failed the same way at once: no reload loop.
    await expect(router.push('/requests/abc')).rejects.toThrow()
    expect(loaded).toEqual(['/requests/abc'])
    later(60_000)
    await expect(router.push('/requests/abc')).rejects.toThrow()
    expect(loaded).toEqual(['/requests/abc', '/requests/abc'])
  })

  it('leaves other navigation errors alone', async () => {
    const { router, loaded } = setup(new Error('a bug in the page'))
    await expect(router.push('/requests/abc')).rejects.toThrow('a bug in the page')
    expect(loaded).toEqual([])
  })

  it('says in the page that it could not be loaded when the full load fails too, never blank', async () => {
    const { router, loaded, storage, now } = setup(
      new TypeError('Failed to fetch dynamically imported module: /assets/RequestView-x.js'),
    )
    const id = 'c'.repeat(32)
    // A verification was started and its page opened: the first failure loads it as a full page.
    rememberStartedRequest(id, { storage, now })
    await router.push('/')
    await expect(router.push(`/requests/${id}`)).rejects.toThrow()
    expect(loaded).toEqual([`/requests/${id}`])
    expect(pageLoadFailure.value).toBeNull()

    // The full page load (a new router on the same tab storage) fails the same way.
    const reloaded = createRouter({
      history: createMemoryHistory(),
      routes: router.getRoutes(),
    })
    recoverFromChunkErrors(reloaded, { assign: (url) => loaded.push(url), storage, now })
    await expect(reloaded.push(`/requests/${id}`)).rejects.toThrow()
    expect(loaded).toEqual([`/requests/${id}`])
    expect(pageLoadFailure.value).toEqual({
      href: `/requests/${id}`,
      title: 'Request',
      blank: true,
      message: 'Failed to fetch dynamically imported module: /assets/RequestView-x.js',
      startedRequestId: id,
    })

    // Another page that loads takes the message away; the started request is still remembered.
    await reloaded.push('/history')
    expect(pageLoadFailure.value).toBeNull()
    await expect(reloaded.push(`/requests/${id}`)).rejects.toThrow()
    expect(pageLoadFailure.value).toMatchObject({ blank: false, startedRequestId: id })
  })

  it('forgets the started request once its page was opened', async () => {
    const storage = memoryStorage()
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/requests/:id', component: { render: () => null } }],
    })
    recoverFromChunkErrors(router, { assign: () => {}, storage })
    rememberStartedRequest('d'.repeat(32), { storage })
    expect(storage.getItem('verify-desk:started-request')).toContain('d'.repeat(32))
    await router.push(`/requests/${'d'.repeat(32)}`)
    expect(storage.getItem('verify-desk:started-request')).toBeNull()
  })
})
