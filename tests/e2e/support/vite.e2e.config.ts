import { fileURLToPath } from 'node:url'
import { defineConfig, loadConfigFromFile, mergeConfig } from 'vite'

const projectConfig = fileURLToPath(new URL('../../../vite.config.ts', import.meta.url))

/**
 * The dev server of the end-to-end tests: the project's own vite.config.ts (its plugins, aliases and
 * server plugin, loaded as `npm run dev` loads it) with a private dependency cache. Other Vite
 * servers started at the same time from the same checkout (tests that start one, a `npm run dev` you
 * have open) pre-bundle into node_modules/.vite; sharing it, one could swap the optimized
 * dependencies under the other and pages would fail with "504 Outdated Optimize Dep".
 */
export default defineConfig(async (env) => {
  const loaded = await loadConfigFromFile(env, projectConfig)
  if (!loaded) throw new Error(`could not load ${projectConfig}`)
  return mergeConfig(loaded.config, { cacheDir: 'node_modules/.vite-e2e' })
})
