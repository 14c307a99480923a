/**
 * Smoke test of the real Electron kiosk in demo mode (Playwright's `_electron`). Runs where the
 * Electron binary is installed; elsewhere (CI without internet) it is skipped and says why.
 *
 * It starts the demo service in this process, launches the built app unpackaged (a fused, packaged
 * build cannot be driven: Playwright needs the --inspect fuse), and checks the lockdown from the
 * inside: the renderer on app://kiosk, the bridge, no Node in the page, the API proxy with the key.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { _electron, expect, test, type ElectronApplication } from '@playwright/test'
import { findElectronBinary } from '../../../scripts/electronBinary.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const binary = findElectronBinary(
  fileURLToPath(new URL('../../../node_modules/electron', import.meta.url)),
)
const skipReason =
  'the Electron binary is not installed (node_modules/electron/dist is missing; it cannot be downloaded on this machine)'

if (!binary) console.log(`[electron smoke] skipped: ${skipReason}`)

test.describe('Electron kiosk (demo mode)', () => {
  test.skip(!binary, skipReason)

  let app: ElectronApplication | undefined
  let closeService: (() => Promise<void>) | undefined

  test.beforeAll(async () => {
    test.setTimeout(120_000)
    const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
    const build = spawnSync(npx, ['electron-vite', 'build', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    })
    expect(build.status).toBe(0)
    const { startDemoService } = await import('../../../server/demoService.ts')
    const service = await startDemoService({
      port: 0,
      quiet: true,
      serveRenderer: false,
      autoKioskKey: false,
    })
    closeService = () => service.close()
    app = await _electron.launch({
      executablePath: binary ?? undefined,
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

  test('shows the attract screen from app://kiosk with the bridge and no Node', async () => {
    if (!app) throw new Error('Electron did not start')
    const window = await app.firstWindow()
    await expect(
      window.getByRole('heading', { level: 1, name: 'Swipe or tap your campus ID' }),
    ).toBeVisible({ timeout: 30_000 })
    expect(window.url()).toBe('app://kiosk/index.html')

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
})
