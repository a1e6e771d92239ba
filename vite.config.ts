import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { verifyDesk } from './server/plugin.ts'

// https://vite.dev/config/
export default defineConfig({
  plugins: [vue(), verifyDesk()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      '@contract': fileURLToPath(new URL('./contract', import.meta.url)),
    },
  },
  // Ports: Vite's defaults (5173, 4173); `npm run serve` also reads VERIFY_DESK_PORT, so none is set here.
  server: { port: 5173 },
})
