/// <reference types="vite/client" />

import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** The visible page title, also used in the navigation. */
    title?: string
    /** Whether the route appears in the main navigation. */
    nav?: boolean
  }
}
