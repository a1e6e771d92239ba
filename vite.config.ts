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
  // Ports: Vite's defaults, 5173 for dev; `npm run serve` (4173) also reads VERIFY_DESK_PORT, so no
  // preview port is set here.
  server: { port: 5173 },
})
