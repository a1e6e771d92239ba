/** What the app chrome's tests share. */
import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'
import { routes } from '@/router'

/** A page that only says which it is. */
const placeholder = (title: string): Component => ({
  template: `<section><h1>${title}</h1></section>`,
})

/**
 * The app's own route table (what its navigation lists), each page a placeholder but those
 * `pages` gives by path: the chrome is tested, not the pages.
 */
export function appRoutes(pages: Record<string, Component> = {}): RouteRecordRaw[] {
  return routes.map(
    (route) =>
      ({
        ...route,
        component:
          pages[route.path] ??
          placeholder(typeof route.meta?.title === 'string' ? route.meta.title : route.path),
      }) as RouteRecordRaw,
  )
}
