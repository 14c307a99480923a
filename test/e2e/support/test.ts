/**
 * The e2e specs' `test`: every test starts from a freshly reset demo sandbox, and a test that asks
 * for `kiosk` gets the page already showing the attract screen. Tests that must change settings or
 * install a fake clock before the kiosk loads take `page` and call `openKiosk` themselves.
 */
import { test as base, expect, type Page } from '@playwright/test'
import { resetSandbox, sandbox, screenLocator, type SandboxPath } from './kiosk.ts'

export type SandboxControl = (path: SandboxPath, data: Record<string, unknown>) => Promise<void>

/**
 * Loads the kiosk and waits for the attract screen with the app running on it (settings loaded,
 * ready for a swipe). The prerendered attract screen shows before the app runs; the app's card
 * reader takes over the keys the first-paint script kept once it listens, which removes them.
 */
export async function openKiosk(page: Page): Promise<void> {
  await page.goto('/')
  await expect(screenLocator(page, 'attract')).toBeVisible()
  await page.waitForFunction(() => !('kioskEarlyKeys' in window))
}

export const test = base.extend<{ sandbox: SandboxControl; kiosk: Page }>({
  sandbox: [
    async ({ request }, use) => {
      await resetSandbox(request)
      await use((path, data) => sandbox(request, path, data))
    },
    { auto: true },
  ],
  // Depends on `sandbox` so the reset always happens before the page loads its settings.
  kiosk: async ({ page, sandbox: _reset }, use) => {
    await openKiosk(page)
    await use(page)
  },
})

export { expect }
