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
  server: { port: 5173 },
  preview: { port: 4173 },
})
