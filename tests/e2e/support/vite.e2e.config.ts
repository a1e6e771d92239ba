import { fileURLToPath } from 'node:url'
import { defineConfig, loadConfigFromFile, mergeConfig, type PluginOption } from 'vite'
import { verifyDesk } from '../../../server/plugin.ts'

const projectConfig = fileURLToPath(new URL('../../../vite.config.ts', import.meta.url))

/** Set by the harness (server.ts) to a temporary folder it creates and removes. */
const cacheDirFromHarness = process.env.E2E_VITE_CACHE_DIR

function isServerPlugin(plugin: PluginOption): boolean {
  return (
    typeof plugin === 'object' &&
    plugin !== null &&
    !Array.isArray(plugin) &&
    'name' in plugin &&
    plugin.name === 'verify-desk:server'
  )
}

/**
 * The servers of the end-to-end tests: the project's own vite.config.ts (its plugins, aliases and
 * server plugin, loaded as `npm run dev` loads it) with four changes, so that `npm test` never
 * touches a dashboard a developer has open from the same checkout:
 *
 * - the embedded sandbox keeps its state in memory: `npm run dev` persists it to
 *   `.data/sandbox/state.json`, which a test run would otherwise read and write;
 * - a dependency cache of its own (the folder in `E2E_VITE_CACHE_DIR`, a temporary folder the harness
 *   creates and removes, else `node_modules/.vite-e2e`): servers sharing one cache can swap the
 *   optimized dependencies under each other, and pages fail with "504 Outdated Optimize Dep";
 * - no hot module replacement: a file saved in the checkout while the tests run does not reload the
 *   pages under test (a new page load still gets the current code);
 * - no `.env` files: a developer's `.env.local` (live credentials, an access token) does not reach
 *   the test servers, whose settings come only from the environment the harness gives them.
 */
export default defineConfig(async (env) => {
  const loaded = await loadConfigFromFile(env, projectConfig)
  if (!loaded) throw new Error(`could not load ${projectConfig}`)
  const plugins = (loaded.config.plugins ?? []).flat(Infinity as 1) as PluginOption[]
  if (!plugins.some(isServerPlugin)) {
    throw new Error(`${projectConfig} no longer mounts the verify-desk:server plugin`)
  }
  const config = {
    ...loaded.config,
    plugins: plugins.map((plugin) =>
      isServerPlugin(plugin) ? verifyDesk({ sandbox: { stateFile: false } }) : plugin,
    ),
  }
  return mergeConfig(config, {
    cacheDir: cacheDirFromHarness || 'node_modules/.vite-e2e',
    // Settings come from the harness's environment only, never from the checkout's .env files.
    envDir: false,
    server: { hmr: false },
  })
})
