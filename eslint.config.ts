import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default defineConfig(
  globalIgnores([
    'node_modules',
    'out',
    'dist',
    'release',
    '.tools',
    'data',
    'coverage',
    'test-results',
    'playwright-report',
    'bench/results',
  ]),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Types come from zod schemas (`z.infer`), which are type aliases by nature.
      '@typescript-eslint/consistent-type-definitions': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}', 'web/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    ignores: ['web/staff/vite.config.ts', 'web/pay/vite.config.ts'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  // Architecture rules: who may import what (the common/ block comes last so it wins there).
  {
    files: ['renderer/**/*.{ts,tsx}', 'web/**/*.{ts,tsx}', 'server/**/*.ts', 'common/**/*.ts'],
    ignores: ['renderer/vite.config.ts', 'web/pay/vite.config.ts', 'web/staff/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only main/ and preload/ import electron.' }],
        },
      ],
    },
  },
  {
    // The money path and its storage stay independent of the HTTP framework: routes call them.
    files: ['server/payments/**/*.ts', 'server/store/**/*.ts', 'server/alma/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only main/ and preload/ import electron.' }],
          patterns: [
            {
              group: ['fastify', '@fastify/*', '**/http/*'],
              message: 'Payments, storage and the Alma client know nothing of HTTP routes.',
            },
          ],
        },
      ],
    },
  },
  {
    // The kiosk's pages run in a sandboxed renderer: no Node built-ins.
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only main/ and preload/ import electron.' }],
          patterns: [
            {
              group: ['node:*'],
              message: 'The renderer is sandboxed: it reaches the system only through the bridge.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'electron', 'fastify', 'pino', 'axios', 'react', 'react-dom'],
              message:
                'common/ is shared by the renderer and Node: keep it free of platform imports.',
            },
            {
              group: ['../main/*', '../preload/*', '../renderer/*', '../server/*', '../web/*'],
              message: 'common/ must not depend on the parts that use it.',
            },
          ],
        },
      ],
    },
  },
)
