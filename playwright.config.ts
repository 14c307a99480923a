import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'
import { chromiumFlags, demoPort } from './test/e2e/support/environment.ts'

// Debian's chromium here, CHROMIUM_PATH where set, otherwise Playwright's own browser
// (contributors on a laptop who ran `npx playwright install chromium` themselves).
const executablePath =
  process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  timeout: 60_000,
  use: {
    ...devices['Desktop Chrome'],
    baseURL: `http://127.0.0.1:${demoPort}`,
    // The kiosks' older 5:4 panels; test/e2e/displays.spec.ts checks every other display size.
    viewport: { width: 1280, height: 1024 },
    launchOptions: { args: chromiumFlags, ...(executablePath ? { executablePath } : {}) },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `node server/demo.ts --port ${demoPort} --quiet`,
    url: `http://127.0.0.1:${demoPort}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
  },
})
