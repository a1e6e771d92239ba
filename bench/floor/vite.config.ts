import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The floor: the same stack as the app (Vue + Pinia + vue-router + ky, built by the same Vite and
// Vue plugin) with nothing of ours, so the bundle bench can show what the app adds on top.
export default defineConfig({
  root: fileURLToPath(new URL('./', import.meta.url)),
  plugins: [vue()],
  logLevel: 'warn',
  build: { outDir: fileURLToPath(new URL('../.work/floor', import.meta.url)), emptyOutDir: true },
})
