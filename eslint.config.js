import { globalIgnores } from 'eslint/config'
import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'
import pluginVue from 'eslint-plugin-vue'
import pluginVitest from '@vitest/eslint-plugin'
import skipFormatting from '@vue/eslint-config-prettier/skip-formatting'

// Folder boundaries (see CONTRIBUTING.md): a break shows in lint, not in review.
const frameworks = ['vue', 'vue-router', 'pinia', 'ky', 'vite', '@vueuse/*', 'node:*']

export default defineConfigWithVueTs(
  {
    name: 'app/files-to-lint',
    files: ['**/*.{ts,mts,tsx,vue,js}'],
  },

  globalIgnores(['**/dist/**', '**/coverage/**', 'bench/.work/**', 'tests/e2e/.artifacts/**', '.data/**']),

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
    },
  },

  {
    name: 'boundary/contract',
    files: ['contract/**/*.ts'],
    rules: {
      // contract/ is the wire contract both sides share: it imports nothing of ours and no framework.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/*', '../*', '@contract/*'], message: 'contract/ imports nothing outside itself.' },
            { group: frameworks, message: 'contract/ is plain TypeScript: no framework, no Node APIs.' },
          ],
        },
      ],
    },
  },
  {
    name: 'boundary/src',
    files: ['src/**/*.{ts,vue}'],
    rules: {
      // The browser app never reaches into the Node side (it would ship server code and secrets).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '**/server', 'node:*'], message: 'src/ never imports server/ or Node APIs.' },
          ],
        },
      ],
    },
  },
  {
    name: 'boundary/src-ky',
    files: ['src/**/*.{ts,vue}'],
    ignores: ['src/api/client.ts'],
    rules: {
      // One HTTP seam: only src/api/client.ts imports ky.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '**/server', 'node:*'], message: 'src/ never imports server/ or Node APIs.' },
            { group: ['ky', 'ky/*'], message: 'Only src/api/client.ts imports ky; use the functions in src/api/.' },
          ],
        },
      ],
    },
  },
  {
    name: 'boundary/stores',
    files: ['src/stores/**/*.ts', 'src/api/**/*.ts', 'src/utils/**/*.ts', 'src/composables/**/*.ts'],
    rules: {
      // Stores, the API layer, utils and composables never import views or components.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '**/server', 'node:*'], message: 'src/ never imports server/ or Node APIs.' },
            { group: ['ky', 'ky/*'], message: 'Only src/api/client.ts imports ky; use the functions in src/api/.' },
            { group: ['@/views/*', '@/components/*', '*.vue'], message: 'Logic layers never import UI.' },
          ],
        },
      ],
    },
  },
  {
    name: 'boundary/api',
    files: ['src/api/**/*.ts'],
    ignores: ['src/api/client.ts'],
    rules: {
      // The API layer never imports stores (a client that reads a store is a hidden dependency).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '**/server', 'node:*'], message: 'src/ never imports server/ or Node APIs.' },
            { group: ['ky', 'ky/*'], message: 'Only src/api/client.ts imports ky; use the functions in src/api/.' },
            { group: ['@/views/*', '@/components/*', '*.vue'], message: 'Logic layers never import UI.' },
            { group: ['@/stores/*', '@/composables/*'], message: 'The API layer never imports stores.' },
          ],
        },
      ],
    },
  },
  {
    name: 'boundary/api-client',
    files: ['src/api/client.ts'],
    rules: {
      // The one HTTP seam may import ky (overrides the blocks above) but still no stores or UI.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '**/server', 'node:*'], message: 'src/ never imports server/ or Node APIs.' },
            { group: ['@/views/*', '@/components/*', '*.vue'], message: 'Logic layers never import UI.' },
            { group: ['@/stores/*', '@/composables/*'], message: 'The API layer never imports stores.' },
          ],
        },
      ],
    },
  },
  {
    name: 'boundary/server',
    files: ['server/**/*.ts'],
    rules: {
      // The Node side never imports the browser app.
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/src/**', '@/*'], message: 'server/ never imports src/.' }],
        },
      ],
    },
  },

  skipFormatting,
)
