import {
  createRouter,
  createWebHistory,
  type RouteRecordRaw,
  type RouterScrollBehavior,
} from 'vue-router'
import { recoverFromChunkErrors } from '@/router/chunk-reload'

/** The dashboard's routes. Views are lazy so the first paint only loads what it shows. */
export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'new',
    component: () => import('@/views/NewVerificationView.vue'),
    meta: { title: 'New verification', nav: true },
  },
  {
    path: '/requests/:id',
    name: 'request',
    component: () => import('@/views/RequestView.vue'),
    props: true,
    meta: { title: 'Request' },
  },
  {
    path: '/history',
    name: 'history',
    component: () => import('@/views/HistoryView.vue'),
    meta: { title: 'History', nav: true },
  },
  {
    path: '/lookup',
    name: 'lookup',
    component: () => import('@/views/LookupView.vue'),
    meta: { title: 'Look up', nav: true },
  },
  {
    path: '/handset',
    name: 'handset',
    component: () => import('@/views/HandsetView.vue'),
    meta: { title: 'Handset', nav: true },
  },
  {
    path: '/controls',
    name: 'controls',
    component: () => import('@/views/SandboxControlsView.vue'),
    meta: { title: 'Sandbox controls', nav: true },
  },
  {
    path: '/settings',
    name: 'settings',
    component: () => import('@/views/SettingsView.vue'),
    meta: { title: 'Settings', nav: true },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { title: 'Not found' },
  },
]

/**
 * Where a page opens: Back and Forward return to where it was left (the position the browser saved),
 * a link to `#part` scrolls to that part, and any other page opens at the top, never at the place
 * the page left was scrolled to. A change of the query alone (History's filters as they are typed)
 * stays where it is.
 */
export const scrollBehavior: RouterScrollBehavior = (to, from, savedPosition) => {
  if (savedPosition) return savedPosition
  if (to.hash) return { el: to.hash }
  if (to.path === from.path && from.matched.length > 0) return false
  return { top: 0, left: 0 }
}

const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
  scrollBehavior,
})

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : ''
  document.title = title ? `${title} · Verify Desk` : 'Verify Desk'
})

// A page whose code fails to load (server restarted or redeployed) opens as a full page load.
recoverFromChunkErrors(router)

export default router
