import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { bridgeChannels } from '../../common/kioskBridge.ts'
import { startKiosk, type KioskStartOptions } from '../../main/kiosk.ts'
import { openRuntimeState } from '../../main/runtimeState.ts'
import * as electron from '../fakes/electron.ts'
import { ManualTimers } from './support/manualTimers.ts'
import { sampleReceipt } from './support/receiptFixture.ts'
import { startRecordingService, type RecordingService } from './support/recordingService.ts'

vi.mock('electron', () => import('../fakes/electron.ts'))

let root: string
let rendererDir: string
let service: RecordingService
let timers: ManualTimers

beforeEach(async () => {
  electron.resetFake()
  root = mkdtempSync(join(tmpdir(), 'kiosk-main-'))
  rendererDir = join(root, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Kiosk</title>')
  electron.app.setPath('userData', join(root, 'userData'))
  service = await startRecordingService()
  timers = new ManualTimers()
})

afterEach(async () => {
  await service.close()
})

const cashnetOrigin = 'https://commerce.cashnet.com'

function demoEnv(): Record<string, string> {
  return {
    KIOSK_SERVICE_URL: service.url,
    KIOSK_ID: 'demo-kiosk',
    KIOSK_KEY: 'demo-key-0123456789abcdef',
    KIOSK_CASHNET_ORIGINS: cashnetOrigin,
  }
}

function writeMachineFile(overrides: Record<string, unknown> = {}): string {
  const path = join(root, 'kiosk.json')
  writeFileSync(
    path,
    JSON.stringify({
      kioskId: 'pollak-1',
      service: { url: service.url },
      kioskKey: 'machine-key-0123456789',
      cashnet: { allowedOrigins: [cashnetOrigin] },
      ...overrides,
    }),
  )
  return path
}

async function start(options: Partial<KioskStartOptions> = {}) {
  const pending = startKiosk({
    argv: ['electron', '.'],
    env: {},
    platform: 'linux',
    rendererDir,
    preloadPath: '/app/out/preload/index.cjs',
    timers,
    now: timers.clock,
    runtimeState: () => openRuntimeState({ cwd: join(root, 'userData') }),
    ...options,
  })
  electron.app.fakeReady()
  const running = await pending
  const window = electron.BrowserWindow.created[0]
  if (!running || !window) throw new Error('kiosk did not start')
  return { running, window, contents: window.webContents }
}

const startDemo = () => start({ argv: ['electron', '.', '--demo'], env: demoEnv() })

function trusted(contents: electron.FakeWebContents) {
  return electron.fakeIpcEvent(contents, 'app://kiosk/index.html')
}

function logText(): string {
  return readFileSync(join(root, 'userData', 'logs', 'main.log'), 'utf8')
}

describe('main/kiosk', () => {
  it('locks the app down before showing anything', async () => {
    const { window, contents } = await startDemo()
    expect(electron.Menu.applicationMenu).toBeNull()
    expect([...electron.powerSaveBlocker.active.values()]).toEqual(['prevent-display-sleep'])
    expect(await electron.session.defaultSession.fakePermissionRequest('geolocation')).toBe(false)
    expect(electron.session.defaultSession.permissionCheckHandler?.(null, 'media', '', {})).toBe(
      false,
    )
    expect(window.options).toMatchObject({
      webPreferences: {
        preload: '/app/out/preload/index.cjs',
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
      },
    })
    // Shortcuts, navigation, popups and webviews on the kiosk window.
    expect(contents.fakeInput({ key: 'w', control: true }).defaultPrevented).toBe(true)
    expect(contents.fakeInput({ key: '7' }).defaultPrevented).toBe(false)
    expect(contents.fakeNavigate('https://evil.example/').defaultPrevented).toBe(true)
    expect(contents.fakeRedirect('file:///etc/passwd').defaultPrevented).toBe(true)
    expect(contents.fakeNavigate('app://kiosk/index.html').defaultPrevented).toBe(false)
    expect(contents.fakeWindowOpen('https://evil.example/')).toEqual({ action: 'deny' })
    expect(contents.fakeAttachWebview('https://evil.example/').defaultPrevented).toBe(true)
    const { event, item } = electron.session.defaultSession.fakeDownload('app://kiosk/x.pdf')
    expect(event.defaultPrevented && item.cancelled).toBe(true)
    // Shown once the first page painted; a demo run from a checkout stays a normal window.
    expect(window.calls).toEqual(['show'])
    expect(window.kiosk).toBe(false)
  })

  it('shows the window anyway when the first paint never comes', async () => {
    electron.app.isPackaged = true
    // The first page never paints: its load fails, so there is no 'ready-to-show'.
    electron.app.on('web-contents-created', (_event, created: electron.FakeWebContents) => {
      created.failNextLoad = { code: -2, description: 'ERR_FAILED' }
    })
    const { window } = await start({ argv: ['kiosk', `--config=${join(root, 'missing.json')}`] })
    expect(window.shown).toBe(false)
    timers.advance(10_000)
    expect(window.calls).toEqual(['setKiosk(true)', 'show'])
  })

  it('shows "not configured" when packaged without a machine file, even with --demo', async () => {
    electron.app.isPackaged = true
    const configPath = join(root, 'missing', 'kiosk.json')
    const { running, contents, window } = await start({
      argv: ['kiosk', '--demo', `--config=${configPath}`],
      env: demoEnv(),
    })
    expect(running.config).toBeNull()
    expect(contents.getURL()).toBe('app://kiosk/_status/not-configured')
    const page = await electron.protocol.fakeRequest('app://kiosk/_status/not-configured')
    const html = await page.text()
    expect(html).toContain(
      `No machine configuration file at ${configPath}. It was set by --config.`,
    )
    expect(electron.ipcMain.handlers.size).toBe(0)
    const api = await electron.protocol.fakeRequest('app://kiosk/api/v1/kiosk-settings')
    expect(api.status).toBe(503)
    expect(service.requests).toHaveLength(0)
    expect(logText()).toContain('--demo ignored')
    // Packaged: no devtools, real kiosk mode, and the window cannot be closed.
    expect(window.options).toMatchObject({ show: false, webPreferences: { devTools: false } })
    // Hidden until the first paint, then kiosk mode, then shown: never a white kiosk window.
    expect(window.calls).toEqual(['setKiosk(true)', 'show'])
    expect(window.kiosk && window.shown).toBe(true)
    expect(window.close().defaultPrevented).toBe(true)
    contents.fakeDevToolsOpened()
    expect(contents.isDevToolsOpened()).toBe(false)
  })

  it('refuses to run packaged with a remote debugging switch', async () => {
    electron.app.isPackaged = true
    electron.app.commandLine.appendSwitch('remote-debugging-port', '9222')
    const pending = startKiosk({
      argv: ['kiosk'],
      env: {},
      platform: 'linux',
      rendererDir,
      preloadPath: 'p.cjs',
    })
    electron.app.fakeReady()
    expect(await pending).toBeNull()
    expect(electron.app.exitCalls).toEqual([1])
    expect(electron.BrowserWindow.created).toHaveLength(0)
  })

  it('runs from a machine file: renderer on app://kiosk, API proxied with the key', async () => {
    electron.app.isPackaged = true
    const configPath = writeMachineFile()
    const { contents, running } = await start({ argv: ['kiosk', '--config', configPath] })
    expect(running.config?.mode).toBe('production')
    expect(contents.getURL()).toBe('app://kiosk/index.html')
    expect(service.requests[0]?.url).toBe('/api/v1/kiosk-settings')

    const response = await electron.protocol.fakeRequest('app://kiosk/api/v1/lookups', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"cardNumber":"123456789"}',
    })
    expect(response.status).toBe(200)
    const lookup = service.requests.at(-1)
    expect(lookup?.url).toBe('/api/v1/lookups')
    expect(lookup?.headers.authorization).toBe('Bearer machine-key-0123456789')
    expect(logText()).not.toContain('machine-key-0123456789')
    expect(logText()).not.toContain('123456789"')

    expect(
      await electron.ipcMain.fakeInvoke(bridgeChannels.getKioskInfo, trusted(contents)),
    ).toEqual({
      ok: true,
      value: {
        kioskId: 'pollak-1',
        version: '0.0.0-test',
        mode: 'production',
        receiptPrinter: false,
      },
    })
  })

  it('ends a proxied request the page abandoned at its deadline (the page signal never arrives)', async () => {
    await start({ argv: ['electron', '.', '--demo'], env: demoEnv(), proxyDeadlineMs: () => 300 })
    service.respond = (request) =>
      request.url.startsWith('/api/v1/checkouts/c1') ? 'hold' : { status: 200, body: '{}' }
    const page = new AbortController()
    const pending = electron.protocol.fakeRequest('app://kiosk/api/v1/checkouts/c1?wait=25', {
      signal: page.signal,
    })
    page.abort()
    // Electron does not pass the abort on: only the proxy's own deadline frees the connection.
    const response = await pending
    expect(response.status).toBe(504)
    await vi.waitFor(() => {
      expect(service.abandoned).toEqual(['/api/v1/checkouts/c1?wait=25'])
    })
    expect(logText()).toContain(
      'proxy GET /api/v1/checkouts/c1 failed: no answer before the deadline',
    )
  })

  it('reports a redirecting service as a configuration problem, not an outage', async () => {
    service.respond = () => ({ status: 301, headers: { location: 'https://sso.example/login' } })
    const { contents } = await startDemo()
    expect(contents.getURL()).toBe('app://kiosk/_status/out-of-order')
    const page = await (await electron.protocol.fakeRequest(contents.getURL())).text()
    expect(page).toContain('the service redirected: check service.url')
    expect(logText()).toContain('the service redirected: check service.url')

    const proxied = await electron.protocol.fakeRequest('app://kiosk/api/v1/kiosk-settings')
    expect(proxied.status).toBe(502)
    expect(((await proxied.json()) as { error: { message: string } }).error.message).toContain(
      'check service.url',
    )
  })

  it('on Linux uses a file-based key without touching safeStorage, and wants mode 0600', async () => {
    const configPath = writeMachineFile()
    chmodSync(configPath, 0o644)
    await start({ argv: ['kiosk', '--config', configPath], platform: 'linux' })
    // No keyring prompt can block the start: safeStorage was never called.
    expect(electron.safeStorage.calls).toEqual([])
    expect(logText()).toContain(`${configPath} holds the kiosk key in plain text`)
    expect(logText()).toContain('mode 0644')
  })

  it('is quiet about a plain key file only the kiosk account can read', async () => {
    const configPath = writeMachineFile()
    chmodSync(configPath, 0o600)
    await start({ argv: ['kiosk', '--config', configPath], platform: 'linux' })
    expect(electron.safeStorage.calls).toEqual([])
    expect(logText()).not.toContain('plain text')
  })

  it('shows "out of order" while the service is down and recovers by itself', async () => {
    service.respond = () => ({ status: 503 })
    const { contents } = await startDemo()
    expect(contents.getURL()).toBe('app://kiosk/_status/out-of-order')
    const page = await (await electron.protocol.fakeRequest(contents.getURL())).text()
    expect(page).toContain('temporarily out of order')
    expect(timers.pendingDelays).toContain(2_000)

    service.respond = () => ({ status: 200, body: '{}' })
    timers.advance(2_000)
    await vi.waitFor(() => {
      expect(contents.getURL()).toBe('app://kiosk/index.html')
    })
    expect(service.requests).toHaveLength(2)
  })

  it('lists a refused kiosk key as a configuration problem', async () => {
    service.respond = () => ({ status: 401 })
    const { contents } = await startDemo()
    expect(contents.getURL()).toBe('app://kiosk/_status/not-configured')
    const page = await (await electron.protocol.fakeRequest(contents.getURL())).text()
    expect(page).toContain('refused this kiosk&#39;s key (HTTP 401)')
  })

  it('opens the CashNet view from the bridge and reports the return to the renderer', async () => {
    const { contents, window } = await startDemo()
    await electron.ipcMain.fakeInvoke(bridgeChannels.openCheckout, trusted(contents), {
      checkoutId: 'c1',
      url: `${cashnetOrigin}/checkout?ref=c1`,
    })
    const view = electron.WebContentsView.created[0]
    expect(view && window.contentView.children).toEqual([view])
    view?.webContents.fakeNavigate(`${service.url}/cashnet/return?result=0`)
    await vi.waitFor(() => {
      expect(electron.session.fromPartition('checkout').calls).toEqual([
        'clearData',
        'clearCache',
        'clearAuthCache',
      ])
    })
    expect(contents.sentMessages).toEqual([
      { channel: bridgeChannels.checkoutEvent, args: [{ type: 'returned', checkoutId: 'c1' }] },
    ])
    expect(window.contentView.children).toEqual([])

    expect(
      await electron.ipcMain.fakeInvoke(
        bridgeChannels.openCheckout,
        electron.fakeIpcEvent(view?.webContents ?? contents, `${cashnetOrigin}/checkout`),
        { checkoutId: 'c2', url: `${cashnetOrigin}/checkout` },
      ),
    ).toMatchObject({ ok: false, error: { kind: 'untrusted_sender' } })
    // A URL outside the CashNet origins: the renderer learns the kind, not only a message.
    expect(
      await electron.ipcMain.fakeInvoke(bridgeChannels.openCheckout, trusted(contents), {
        checkoutId: 'c3',
        url: 'https://evil.example/checkout',
      }),
    ).toMatchObject({ ok: false, error: { kind: 'refused' } })
  })

  it('moves the CashNet view when the renderer reports its slot moved after a resize', async () => {
    const { contents, window } = await startDemo()
    await electron.ipcMain.fakeInvoke(bridgeChannels.openCheckout, trusted(contents), {
      checkoutId: 'c1',
      url: `${cashnetOrigin}/checkout?ref=c1`,
      viewTop: 120,
    })
    const view = electron.WebContentsView.created[0]
    window.fakeResize(1080, 1920)
    expect(
      await electron.ipcMain.fakeInvoke(bridgeChannels.moveCheckout, trusted(contents), {
        checkoutId: 'c1',
        viewTop: 168,
      }),
    ).toEqual({ ok: true, value: undefined })
    expect(view?.getBounds()).toEqual({ x: 0, y: 168, width: 1080, height: 1752 })
  })

  it('prints receipts silently on a configured printer, and says when it could not', async () => {
    const configPath = writeMachineFile({ receiptPrinter: { deviceName: 'Receipt Printer' } })
    const { contents } = await start({ argv: ['kiosk', '--config', configPath] })
    expect(
      await electron.ipcMain.fakeInvoke(bridgeChannels.getKioskInfo, trusted(contents)),
    ).toMatchObject({ ok: true, value: { receiptPrinter: true } })
    expect(
      await electron.ipcMain.fakeInvoke(
        bridgeChannels.printReceipt,
        trusted(contents),
        sampleReceipt,
      ),
    ).toEqual({ ok: true, value: { printed: true } })
    const printWindow = electron.BrowserWindow.created[1]
    expect(printWindow?.shown).toBe(false)
    expect(printWindow?.webContents.printJobs[0]?.options).toMatchObject({
      silent: true,
      deviceName: 'Receipt Printer',
    })

    electron.fakePrinters.answer = { success: false, failureReason: 'Print job canceled' }
    expect(
      await electron.ipcMain.fakeInvoke(
        bridgeChannels.printReceipt,
        trusted(contents),
        sampleReceipt,
      ),
    ).toEqual({
      ok: true,
      value: { printed: false, kind: 'print_failed', message: 'Print job canceled' },
    })
    expect(logText()).toContain('receipt not printed on "Receipt Printer": Print job canceled')
    expect(logText()).not.toContain('María')
  })

  it('offers no printing without a configured printer', async () => {
    const { contents } = await startDemo()
    expect(
      await electron.ipcMain.fakeInvoke(bridgeChannels.getKioskInfo, trusted(contents)),
    ).toMatchObject({ ok: true, value: { receiptPrinter: false } })
    expect(
      await electron.ipcMain.fakeInvoke(
        bridgeChannels.printReceipt,
        trusted(contents),
        sampleReceipt,
      ),
    ).toMatchObject({ ok: true, value: { printed: false, kind: 'no_printer' } })
    expect(electron.BrowserWindow.created).toHaveLength(1)
  })

  it('ends the patron session: wipes the CashNet view, history and caches', async () => {
    const { contents } = await startDemo()
    await electron.ipcMain.fakeInvoke(bridgeChannels.openCheckout, trusted(contents), {
      checkoutId: 'c1',
      url: `${cashnetOrigin}/checkout`,
    })
    await electron.ipcMain.fakeInvoke(bridgeChannels.endPatronSession, trusted(contents))
    expect(electron.WebContentsView.created[0]?.webContents.isDestroyed()).toBe(true)
    expect(electron.session.fromPartition('checkout').calls).toEqual([
      'clearData',
      'clearCache',
      'clearAuthCache',
    ])
    expect(contents.historyCleared).toBe(1)
    expect(electron.session.defaultSession.calls).toEqual(['clearCache', 'clearAuthCache'])
    expect(contents.sentMessages).toEqual([])
  })

  it('reloads a crashed or hung kiosk page and closes any open CashNet view', async () => {
    const { contents } = await startDemo()
    await electron.ipcMain.fakeInvoke(bridgeChannels.openCheckout, trusted(contents), {
      checkoutId: 'c1',
      url: `${cashnetOrigin}/checkout`,
    })
    const loadsBefore = contents.loadedUrls.length
    contents.fakeRenderProcessGone('crashed')
    await vi.waitFor(() => {
      expect(contents.loadedUrls.length).toBe(loadsBefore + 1)
    })
    expect(contents.loadedUrls.at(-1)).toBe('app://kiosk/index.html')
    expect(electron.WebContentsView.created[0]?.webContents.isDestroyed()).toBe(true)
    expect(contents.sentMessages.at(-1)?.args).toEqual([{ type: 'closed', checkoutId: 'c1' }])

    contents.fakeUnresponsive()
    await vi.waitFor(() => {
      expect(contents.loadedUrls.length).toBe(loadsBefore + 2)
    })
    expect(contents.crashes).toBe(1)
    // The deliberate crash of the hung renderer is not counted as another failure.
    contents.fakeRenderProcessGone('killed')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(contents.loadedUrls.length).toBe(loadsBefore + 2)
  })

  it('treats missed heartbeats as a failure', async () => {
    const { contents } = await startDemo()
    const loads = contents.loadedUrls.length
    timers.advance(59_000)
    electron.ipcMain.emit(bridgeChannels.heartbeat, trusted(contents))
    timers.advance(29_000)
    electron.ipcMain.emit(bridgeChannels.heartbeat, trusted(contents))
    timers.advance(29_000)
    expect(contents.loadedUrls.length).toBe(loads)
    timers.advance(1_000)
    await vi.waitFor(() => {
      expect(contents.loadedUrls.length).toBe(loads + 1)
    })
    expect(logText()).toContain('no heartbeat from the kiosk page; reload')
  })

  it('relaunches with growing delays when reloads do not help', async () => {
    const { contents } = await startDemo()
    for (let failure = 0; failure < 4; failure += 1) {
      contents.fakeDidFailLoad(-6, 'ERR_FILE_NOT_FOUND', 'app://kiosk/index.html')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await vi.waitFor(() => {
      expect(contents.getURL()).toBe('app://kiosk/_status/out-of-order')
    })
    expect(openRuntimeState({ cwd: join(root, 'userData') }).read().relaunchCount).toBe(1)
    expect(electron.app.relaunchCalls).toHaveLength(0)
    timers.advance(5_000)
    expect(electron.app.relaunchCalls).toHaveLength(1)
    expect(electron.app.exitCalls).toEqual([0])
  })

  it('resets the relaunch backoff after a clean stretch', async () => {
    openRuntimeState({ cwd: join(root, 'userData') }).write({ relaunchCount: 4, lastRelaunchAt: 1 })
    const { contents } = await startDemo()
    // Heartbeats every 20 s for 30 minutes: no failure, so the backoff starts over.
    for (let step = 0; step < 89; step += 1) {
      timers.advance(20_000)
      electron.ipcMain.emit(bridgeChannels.heartbeat, trusted(contents))
    }
    expect(openRuntimeState({ cwd: join(root, 'userData') }).read().relaunchCount).toBe(4)
    timers.advance(20_000)
    expect(openRuntimeState({ cwd: join(root, 'userData') }).read().relaunchCount).toBe(0)
  })

  it('brings the window forward when a second instance starts', async () => {
    const { window } = await startDemo()
    window.minimized = true
    electron.app.emit('second-instance')
    expect(window.minimized).toBe(false)
    expect(window.focused).toBe(true)
  })
})
