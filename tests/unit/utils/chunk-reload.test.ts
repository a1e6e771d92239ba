import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { isChunkLoadError, recoverFromChunkErrors } from '@/utils/chunk-reload'

function memoryStorage() {
  const map = new Map<string, string>()
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
  }
}

/** A router whose request page's code fails to load, as after a server restart. */
function setup(error: Error) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { render: () => null } },
      { path: '/requests/:id', component: () => Promise.reject(error) },
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
  return { router, loaded, later: (ms: number) => (time += ms) }
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
})
