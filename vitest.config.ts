import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    reporters: process.env.GITHUB_ACTIONS ? ['default', 'github-actions'] : ['default'],
    // Integration tests start real servers and SQLite files; two cores, so keep parallelism modest.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'test/{architecture,common,server,main,preload,scripts,web}/**/*.test.ts',
            // Renderer tests that need Node rather than a DOM (its production build).
            'test/renderer/**/*.node.test.ts',
          ],
          // electron-store imports `electron`: inlined, it gets the shared fake instead of the binary.
          server: { deps: { inline: ['electron-store'] } },
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          exclude: ['test/renderer/**/*.node.test.ts'],
          setupFiles: ['test/renderer/setup.ts'],
        },
      },
    ],
  },
})
