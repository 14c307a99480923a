/**
 * Smoke test of the real Electron kiosk in demo mode (Playwright's `_electron`). Runs where the
 * Electron binary is installed (the GitHub Actions workflow .github/workflows/electron.yml, on
 * Linux under xvfb and on Windows); elsewhere it is skipped and says why, unless
 * ELECTRON_SMOKE_REQUIRED is set (that workflow), where a missing binary fails it.
 *
 * It starts the demo service in this process, launches the built app unpackaged (a fused, packaged
 * build cannot be driven: Playwright needs the --inspect fuse), and checks from the inside: the
 * attract screen painted from app://kiosk, the bridge, no Node in the page, the API proxy with the
 * key; a swipe reaching the fines screen; the CashNet view opening, and closing and being wiped
 * when the patron cancels.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test'
import { attractPaintedMark } from '../../../common/startupPaint.ts'
import { checkoutPartition } from '../../../main/windowOptions.ts'
import { z } from 'zod'
import { findElectronBinary } from '../../../scripts/electronBinary.ts'
import { cards, screenLocator, swipe } from '../support/kiosk.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const binary = findElectronBinary(
  fileURLToPath(new URL('../../../node_modules/electron', import.meta.url)),
)
const skipReason =
  'the Electron binary is not installed (node_modules/electron/dist is missing; it cannot be downloaded on this machine)'

const required = Boolean(process.env.ELECTRON_SMOKE_REQUIRED)

if (!binary && !required) console.log(`[electron smoke] skipped: ${skipReason}`)

/** electron-vite's own script, run with this Node: no npx.cmd, which Windows refuses without a shell. */
function electronViteScript(): string {
  const manifest = createRequire(import.meta.url).resolve('electron-vite/package.json')
  const { bin } = z
    .object({ bin: z.object({ 'electron-vite': z.string() }) })
    .parse(JSON.parse(readFileSync(manifest, 'utf8')))
  return join(dirname(manifest), bin['electron-vite'])
}

test.describe('Electron kiosk (demo mode)', () => {
  // Tests share one app and run in order: attract, then a swipe, then the checkout.
  test.describe.configure({ mode: 'serial' })
  test.skip(!binary && !required, skipReason)

  let app: ElectronApplication | undefined
  let closeService: (() => Promise<void>) | undefined
  let cashnetOrigin = ''

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    if (!binary) throw new Error(`ELECTRON_SMOKE_REQUIRED is set but ${skipReason}`)
    const build = spawnSync(
      process.execPath,
      [electronViteScript(), 'build', '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    )
    expect(build.status).toBe(0)
    const { startDemoService } = await import('../../../server/demoService.ts')
    const service = await startDemoService({
      port: 0,
      quiet: true,
      serveRenderer: false,
      autoKioskKey: false,
    })
    closeService = () => service.close()
    cashnetOrigin = service.cashnet.origin
    app = await _electron.launch({
      executablePath: binary,
      args: [root, '--demo', ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      cwd: root,
      env: {
        ...process.env,
        KIOSK_SERVICE_URL: service.url,
        KIOSK_ID: service.kioskId,
        KIOSK_KEY: service.kioskKey,
        KIOSK_CASHNET_ORIGINS: service.cashnet.origin,
      },
    })
  })

  test.afterAll(async () => {
    await app?.close()
    await closeService?.()
  })

  async function kioskWindow(): Promise<{ app: ElectronApplication; window: Page }> {
    if (!app) throw new Error('Electron did not start')
    return { app, window: await app.firstWindow() }
  }

  test('paints the attract screen from app://kiosk with the bridge and no Node', async () => {
    const { app, window } = await kioskWindow()
    await expect(
      window.getByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' }),
    ).toBeVisible({ timeout: 30_000 })
    expect(window.url()).toBe('app://kiosk/index.html')
    // Painted, not only in the DOM: the renderer's mark is set after the frame that showed it.
    await window.waitForFunction(
      (mark) => performance.getEntriesByName(mark).length > 0,
      attractPaintedMark,
    )

    const page = await window.evaluate(async () => {
      const kiosk = (window as unknown as { kiosk: Record<string, unknown> }).kiosk
      const info = await (kiosk.getKioskInfo as () => Promise<unknown>)()
      const settings = await fetch('/api/v1/kiosk-settings')
      return {
        bridge: Object.keys(kiosk).sort(),
        info,
        hasRequire: 'require' in window,
        hasProcess: 'process' in window,
        settingsStatus: settings.status,
      }
    })
    expect(page.bridge).toEqual([
      'closeCheckout',
      'endPatronSession',
      'getKioskInfo',
      'heartbeat',
      'onCheckoutEvent',
      'openCheckout',
    ])
    expect(page.info).toMatchObject({ kioskId: 'demo-kiosk', mode: 'demo' })
    expect(page.hasRequire).toBe(false)
    expect(page.hasProcess).toBe(false)
    // The service demands the kiosk key; only main's proxy can have added it.
    expect(page.settingsStatus).toBe(200)

    const host = await app.evaluate(({ BrowserWindow, Menu }) => ({
      windows: BrowserWindow.getAllWindows().map((window) => window.webContents.getURL()),
      menu: Menu.getApplicationMenu(),
    }))
    expect(host).toEqual({ windows: ['app://kiosk/index.html'], menu: null })
  })

  test('a swipe reaches the fines screen through the proxy to the demo service', async () => {
    const { window } = await kioskWindow()
    await swipe(window, cards.severalFees)
    await expect(screenLocator(window, 'fines')).toBeVisible({ timeout: 20_000 })
    await expect(window.getByRole('heading', { level: 1 })).toHaveText('Hello, María G.')
  })

  test('the CashNet view opens on paying, and is closed and wiped when the patron cancels', async () => {
    const { app, window } = await kioskWindow()
    /** What main has of CashNet: open views on its origin, cookies in the checkout partition. */
    const cashnetTraces = () =>
      app.evaluate(
        async ({ session, webContents }, { origin, partition }) => ({
          views: webContents
            .getAllWebContents()
            .filter((contents) => !contents.isDestroyed() && contents.getURL().startsWith(origin))
            .length,
          cookies: (await session.fromPartition(partition).cookies.get({})).length,
        }),
        { origin: cashnetOrigin, partition: checkoutPartition },
      )

    await window.getByRole('button', { name: 'Pay $42.75' }).click()
    await window.getByRole('button', { name: 'Continue to secure payment' }).click()
    await expect(screenLocator(window, 'checkout')).toBeVisible({ timeout: 20_000 })
    await expect.poll(async () => (await cashnetTraces()).views, { timeout: 20_000 }).toBe(1)
    // Something for the wipe to remove, as a real payment page leaves behind.
    await app.evaluate(
      async ({ session }, { origin, partition }) => {
        await session
          .fromPartition(partition)
          .cookies.set({ url: origin, name: 'smoke', value: 'patron-trace' })
      },
      { origin: cashnetOrigin, partition: checkoutPartition },
    )
    expect((await cashnetTraces()).cookies).toBeGreaterThan(0)

    await window.getByRole('button', { name: 'Cancel payment' }).click()
    await expect(screenLocator(window, 'cancelled')).toBeVisible({ timeout: 20_000 })
    await expect.poll(cashnetTraces, { timeout: 10_000 }).toEqual({ views: 0, cookies: 0 })
  })
})
