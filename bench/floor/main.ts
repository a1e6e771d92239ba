import { createApp, defineComponent, h, onMounted } from 'vue'
import { createPinia, defineStore } from 'pinia'
import { createRouter, createWebHistory, RouterLink, RouterView } from 'vue-router'
import ky from 'ky'
import './style.css'

// A bare app on the same stack: one store, one HTTP client, one eager and one lazy route.
const client = ky.create({ prefixUrl: '/api' })

const useCountStore = defineStore('count', () => {
  let count = 0
  async function load() {
    const body = await client.get('environments').json<{ default: string }>()
    count += body.default.length
    return count
  }
  return { load }
})

const Home = defineComponent({
  setup() {
    const store = useCountStore()
    onMounted(() => void store.load().catch(() => undefined))
    return () => h('h1', 'Home')
  },
})

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: Home },
    { path: '/lazy', component: () => import('./LazyView') },
  ],
})

const App = defineComponent({
  setup() {
    return () => [
      h('nav', [
        h(RouterLink, { to: '/' }, () => 'Home'),
        h(RouterLink, { to: '/lazy' }, () => 'Lazy'),
      ]),
      h('main', [h(RouterView)]),
    ]
  },
})

createApp(App).use(createPinia()).use(router).mount('#app')
