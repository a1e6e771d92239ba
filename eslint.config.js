import { globalIgnores } from 'eslint/config'
import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'
import pluginVue from 'eslint-plugin-vue'
import pluginVitest from '@vitest/eslint-plugin'
import skipFormatting from '@vue/eslint-config-prettier/skip-formatting'

// Folder boundaries (see CONTRIBUTING.md): a break shows in lint, not in review.
const frameworks = ['vue', 'vue-router', 'pinia', 'ky', 'vite', '@vueuse/*', 'node:*']
const noneOfOurs = {
  group: ['@/*', '../*', '@contract/*'],
  message: 'contract/ imports nothing outside itself.',
}
const noFramework = {
  group: frameworks,
  message: 'contract/ is plain TypeScript: no framework, no Node APIs.',
}
const noServer = {
  group: ['**/server/**', '**/server', 'node:*'],
  message: 'src/ never imports server/ or Node APIs.',
}
const noKy = {
  group: ['ky', 'ky/*'],
  message: 'Only src/api/client.ts imports ky; use the functions in src/api/.',
}
const noUi = {
  group: ['@/views/*', '@/components/*', '*.vue'],
  message: 'Logic layers never import UI.',
}
const noStores = {
  group: ['@/stores/*', '@/composables/*'],
  message: 'The API layer never imports stores.',
}
const noSrc = { group: ['**/src/**', '@/*'], message: 'server/ never imports src/.' }
const logicLayers = [
  'src/stores/**/*.ts',
  'src/api/**/*.ts',
  'src/utils/**/*.ts',
  'src/composables/**/*.ts',
]

/** A config block forbidding the given import `patterns` in `files`. */
function boundary(name, files, patterns, ignores = []) {
  return { name, files, ignores, rules: { 'no-restricted-imports': ['error', { patterns }] } }
}

export default defineConfigWithVueTs(
  {
    name: 'app/files-to-lint',
    files: ['**/*.{ts,mts,tsx,vue,js}'],
  },

  globalIgnores([
    '**/dist/**',
    '**/coverage/**',
    'bench/.work/**',
    'tests/e2e/.artifacts/**',
    '.data/**',
  ]),

  pluginVue.configs['flat/essential'],
  vueTsConfigs.recommended,

  {
    ...pluginVitest.configs.recommended,
    files: ['tests/**/*.test.ts'],
  },
  {
    name: 'tests/quality',
    files: ['tests/**/*.test.ts'],
    rules: {
      // Every test asserts. Shared assertion helpers are named expect* (expectStatus, expectError…);
      // walk() drives a scenario that asserts at each step; fc.assert runs a property.
      'vitest/expect-expect': [
        'error',
        { assertFunctionNames: ['expect', 'expect*', 'walk', 'fc.assert'] },
      ],
      // vitest's expect(value, message) takes a failure message as its second argument.
      'vitest/valid-expect': ['error', { maxArgs: 2 }],
      // Nothing is skipped, focused or left as a todo: a missing prerequisite fails with a reason.
      'vitest/no-focused-tests': 'error',
      'vitest/no-disabled-tests': 'error',
      'vitest/no-test-prefixes': 'error',
      'vitest/warn-todo': 'error',
      // A test takes one path: branches hide assertions that never run.
      'vitest/no-conditional-tests': 'error',
      'vitest/no-conditional-in-test': 'error',
      'vitest/no-conditional-expect': 'error',
      'vitest/no-test-return-statement': 'error',
      'vitest/require-awaited-expect-poll': 'error',
      'vitest/no-restricted-matchers': [
        'error',
        {
          toBeTruthy: 'Assert the value a user depends on (toBe(true), toBe(expected)).',
          toBeFalsy: 'Assert the value a user depends on (toBe(false), toBeNull()…).',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(skipIf|runIf)$/]',
          message: 'No conditional tests: a missing prerequisite fails with a clear message.',
        },
        {
          selector: "CallExpression[callee.name='expect'] > Literal.arguments:first-child",
          message: 'expect(<literal>) cannot fail: assert on a value the code produced.',
        },
        {
          selector: "Property[key.name='port'][value.type='Literal'][value.value!=0]",
          message: 'Fixed ports collide: listen on port 0 and read the port back.',
        },
        {
          selector:
            "CallExpression[callee.property.name='listen'][arguments.0.type='Literal'][arguments.0.value!=0]",
          message: 'Fixed ports collide: listen on port 0 and read the port back.',
        },
      ],
    },
  },

  // ESLint applies the last matching block's options whole, so each block lists every pattern
  // that holds for its files.
  boundary('boundary/contract', ['contract/**/*.ts'], [noneOfOurs, noFramework]),
  // The browser app never reaches into the Node side (it would ship server code and secrets).
  boundary('boundary/src', ['src/**/*.{ts,vue}'], [noServer]),
  // One HTTP seam: only src/api/client.ts imports ky.
  boundary('boundary/src-ky', ['src/**/*.{ts,vue}'], [noServer, noKy], ['src/api/client.ts']),
  // Stores, the API layer, utils and composables never import views or components.
  boundary('boundary/stores', logicLayers, [noServer, noKy, noUi]),
  // The API layer never imports stores (a client that reads a store is a hidden dependency).
  boundary(
    'boundary/api',
    ['src/api/**/*.ts'],
    [noServer, noKy, noUi, noStores],
    ['src/api/client.ts'],
  ),
  // The one HTTP seam may import ky (overrides the blocks above) but still no stores or UI.
  boundary('boundary/api-client', ['src/api/client.ts'], [noServer, noUi, noStores]),
  // The Node side never imports the browser app.
  boundary('boundary/server', ['server/**/*.ts'], [noSrc]),

  skipFormatting,
)
