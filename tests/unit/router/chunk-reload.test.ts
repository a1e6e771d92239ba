import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import {
  isChunkLoadError,
  pageLoadFailure,
  recoverFromChunkErrors,
  rememberStartedRequest,
  retryPageLoad,
} from '@/router/chunk-reload'

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
  /** Whether the server answers, and the addresses it was asked for. */
  const server = { up: true, asked: [] as string[], answer: null as Promise<void> | null }
  const reachable = async (href: string) => {
    server.asked.push(href)
    await server.answer
    return server.up
  }
  recoverFromChunkErrors(router, {
    assign: (url) => loaded.push(url),
    storage,
    now: () => time,
    reachable,
  })
  return {
    router,
    loaded,
    storage,
    server,
    reachable,
    now: () => time,
    later: (ms: number) => (time += ms),
  }
}

/** Lets the check that the server answers, and what follows it, finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve()
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
    await settle()
    expect(loaded).toEqual(['/requests/abc'])
    // The full load failed the same way at once: no reload loop.
    await expect(router.push('/requests/abc')).rejects.toThrow()
    expect(loaded).toEqual(['/requests/abc'])
    later(60_000)
    await expect(router.push('/requests/abc')).rejects.toThrow()
    await settle()
    expect(loaded).toEqual(['/requests/abc', '/requests/abc'])
  })

  it('leaves other navigation errors alone', async () => {
    const { router, loaded } = setup(new Error('a bug in the page'))
    await expect(router.push('/requests/abc')).rejects.toThrow('a bug in the page')
    expect(loaded).toEqual([])
  })

  it('says in the page that it could not be loaded when the full load fails too, never blank', async () => {
    const { router, loaded, storage, now, reachable } = setup(
      new TypeError('Failed to fetch dynamically imported module: /assets/RequestView-x.js'),
    )
    const id = 'c'.repeat(32)
    // A verification was started and its page opened: the first failure loads it as a full page.
    rememberStartedRequest(id, { storage, now })
    await router.push('/')
    await expect(router.push(`/requests/${id}`)).rejects.toThrow()
    await settle()
    expect(loaded).toEqual([`/requests/${id}`])
    expect(pageLoadFailure.value).toBeNull()

    // The full page load (a new router on the same tab storage) fails the same way.
    const reloaded = createRouter({
      history: createMemoryHistory(),
      routes: router.getRoutes(),
    })
    recoverFromChunkErrors(reloaded, {
      assign: (url) => loaded.push(url),
      storage,
      now,
      reachable,
    })
    await expect(reloaded.push(`/requests/${id}`)).rejects.toThrow()
    expect(loaded).toEqual([`/requests/${id}`])
    expect(pageLoadFailure.value).toEqual({
      href: `/requests/${id}`,
      title: 'Request',
      blank: true,
      message: 'Failed to fetch dynamically imported module: /assets/RequestView-x.js',
      startedRequestId: id,
      unreachable: false,
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

  it('is never loaded as a full page while the server does not answer: the app says so, and Reload waits for it', async () => {
    const { router, loaded, server } = setup(
      new TypeError('Failed to fetch dynamically imported module: /assets/RequestView-x.js'),
    )
    await router.push('/history')
    server.up = false
    await expect(router.push('/requests/abc')).rejects.toThrow()
    await settle()
    // A full page load now would show the browser's error page in place of the app.
    expect(loaded).toEqual([])
    expect(server.asked).toEqual(['/requests/abc'])
    expect(pageLoadFailure.value).toEqual({
      href: '/requests/abc',
      title: 'Request',
      blank: false,
      message: 'Failed to fetch dynamically imported module: /assets/RequestView-x.js',
      startedRequestId: null,
      unreachable: true,
    })
    // Reload while the server is still down: the message stays, nothing is loaded.
    await expect(retryPageLoad()).resolves.toBe(false)
    expect(loaded).toEqual([])
    expect(pageLoadFailure.value).toMatchObject({ href: '/requests/abc', unreachable: true })
    // Once it answers, Reload loads the page.
    server.up = true
    await expect(retryPageLoad()).resolves.toBe(true)
    expect(loaded).toEqual(['/requests/abc'])
  })

  it('does nothing more when another page loaded while the server was being checked', async () => {
    const { router, loaded, server } = setup(new Error('Unable to preload CSS for /assets/a.css'))
    await router.push('/')
    let answer = () => {}
    server.answer = new Promise((resolve) => (answer = resolve))
    await expect(router.push('/requests/abc')).rejects.toThrow()
    await router.push('/history')
    // The server answers after the user has moved on: History stays, no full page load.
    answer()
    await settle()
    expect(server.asked).toEqual(['/requests/abc'])
    expect(loaded).toEqual([])
    expect(pageLoadFailure.value).toBeNull()
  })
})
