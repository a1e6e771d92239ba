import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises } from '@vue/test-utils'
import { createRouter, createWebHistory, type Router } from 'vue-router'
import appRouter, { scrollBehavior } from '@/router'

/** A tall page: something to scroll. */
const Page = defineComponent({
  render: () => h('div', { style: 'height: 5000px' }, [h('h2', { id: 'part' }, 'Part')]),
})

/** A router with the app's scroll behaviour over plain pages. */
function pagesRouter(): Router {
  return createRouter({
    history: createWebHistory(),
    routes: [
      { path: '/history', component: Page },
      { path: '/requests/:id', component: Page },
    ],
    scrollBehavior,
  })
}

/** Waits for the router to place the page (it scrolls after the next render). */
async function settled(router: Router): Promise<void> {
  await router.isReady()
  await flushPromises()
}

let router: Router
beforeEach(async () => {
  window.history.replaceState(null, '', '/history')
  window.scrollTo(0, 0)
  router = pagesRouter()
  await router.push('/history')
  await settled(router)
})
afterEach(() => window.scrollTo(0, 0))

describe('where a page opens', () => {
  it('is the scroll behaviour of the app', () => {
    expect(scrollBehavior).toBeTypeOf('function')
    expect(appRouter.options.scrollBehavior).toBe(scrollBehavior)
  })

  it('opens a new page at the top, not where the page left was scrolled', async () => {
    window.scrollTo(0, 730)
    expect(window.scrollY).toBe(730)
    await router.push('/requests/abc')
    await settled(router)
    expect(window.scrollY).toBe(0)
  })

  it('keeps the place when only the query changes (filters as they are typed)', async () => {
    window.scrollTo(0, 400)
    await router.replace('/history?q=beta')
    await settled(router)
    expect(window.scrollY).toBe(400)
  })
})

describe('the scroll behaviour', () => {
  const page = (path: string, hash = '') =>
    router.resolve({ path, hash }) as Parameters<typeof scrollBehavior>[0]

  it('returns to the saved place on Back and Forward', () => {
    expect(scrollBehavior(page('/history'), page('/requests/abc'), { left: 0, top: 73 })).toEqual({
      left: 0,
      top: 73,
    })
  })

  it('scrolls to the part a link names', () => {
    expect(scrollBehavior(page('/history', '#part'), page('/requests/abc'), null)).toEqual({
      el: '#part',
    })
  })

  it('opens any other page at the top', () => {
    expect(scrollBehavior(page('/requests/abc'), page('/history'), null)).toEqual({
      top: 0,
      left: 0,
    })
    expect(scrollBehavior(page('/requests/def'), page('/requests/abc'), null)).toEqual({
      top: 0,
      left: 0,
    })
  })
})
