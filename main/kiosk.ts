/**
 * The kiosk host, wired together after Electron is ready: configuration, logging, lockdown, the
 * app:// protocol, the kiosk window, the CashNet view, the bridge and self-healing. Each step is a
 * call into a module that holds the decision; this file only decides the order.
 */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  net,
  powerSaveBlocker,
  protocol,
  safeStorage,
  session,
} from 'electron'
import type { CheckoutEvent, KioskInfo } from '../common/kioskBridge.ts'
import { bridgeChannels, checkoutEventSchema } from '../common/kioskBridge.ts'
import { registerBridgeHandlers } from './bridge/bridgeHandlers.ts'
import { CheckoutViewController } from './checkout/checkoutView.ts'
import { plainKeyPermissionWarning, resolveKioskConfig } from './config/loadKioskConfig.ts'
import type { KioskConfig } from './config/machineConfig.ts'
import { KioskRecovery } from './health/recovery.ts'
import { defaultRecoveryPolicy, type RecoveryPolicy } from './health/recoveryPolicy.ts'
import { realTimers, type Timers } from './health/watchdog.ts'
import { createKioskLogger, type KioskLog } from './logging.ts'
import { renderNotConfiguredPage, type StaticPage } from './pages/statusPages.ts'
import type { ServiceTarget } from './protocol/apiProxy.ts'
import { createAppProtocolHandler, type StatusPageKind } from './protocol/appProtocol.ts'
import { appScheme, statusPageUrls } from './protocol/appUrl.ts'
import { memoryRuntimeState, openRuntimeState, type RuntimeStateStore } from './runtimeState.ts'
import {
  cancelDownloads,
  denyAllPermissions,
  guardDevTools,
  guardKeys,
  guardKioskNavigation,
  refuseWebviewsAndPopups,
} from './security/webContentsGuards.ts'
import { ReceiptPrinter } from './printing/receiptPrinter.ts'
import {
  kioskWindowOptions,
  receiptWindowOptions,
  revealFallbackMs,
  revealKioskWindow,
} from './windowOptions.ts'

export interface KioskStartOptions {
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  platform: NodeJS.Platform
  rendererDir: string
  preloadPath: string
  timers?: Timers
  now?: () => number
  recoveryPolicy?: RecoveryPolicy
  /** How long a proxied API request may take (main/protocol/apiProxy.ts unless a test shortens it). */
  proxyDeadlineMs?: (url: URL) => number
  /** Opens the runtime state store (electron-store by default). */
  runtimeState?: () => RuntimeStateStore
}

export interface RunningKiosk {
  window: BrowserWindow
  log: KioskLog
  /** Null when the kiosk is not configured. */
  config: KioskConfig | null
  checkout: CheckoutViewController | null
  recovery: KioskRecovery | null
  production: boolean
}

/** Debugging switches that would let anyone at the PC drive the kiosk; refused when packaged. */
const debuggingSwitches = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'inspect',
  'inspect-brk',
]

let processHandlersInstalled = false
let processLog: KioskLog | null = null

function openStateStore(options: KioskStartOptions, log: KioskLog): RuntimeStateStore {
  try {
    return (options.runtimeState ?? openRuntimeState)()
  } catch (error) {
    log.error('runtime state store unavailable, keeping state in memory', error)
    return memoryRuntimeState()
  }
}

export async function startKiosk(options: KioskStartOptions): Promise<RunningKiosk | null> {
  await app.whenReady()
  const production = app.isPackaged || options.env.NODE_ENV === 'production'
  const resolved = resolveKioskConfig({
    packaged: app.isPackaged,
    argv: options.argv,
    env: options.env,
    platform: options.platform,
    readFile: (path) => readFileSync(path, 'utf8'),
    decryptor: safeStorage,
  })
  const config = resolved.result.ok ? resolved.result.config : null
  const log = createKioskLogger({
    // userData/logs on every platform (main/index.ts pins userData): one place for IT to look.
    file: join(app.getPath('userData'), 'logs', 'main.log'),
    level: config?.logLevel ?? 'info',
    console: !production,
  })
  processLog = log
  if (!processHandlersInstalled) {
    processHandlersInstalled = true
    process.on('uncaughtException', (error) => {
      // A main-process error dialog on a public kiosk would be worse than carrying on.
      processLog?.error('uncaught exception', error)
    })
    process.on('unhandledRejection', (reason) => {
      processLog?.error('unhandled rejection', reason)
    })
  }
  log.info(
    `kiosk ${app.getVersion()} starting: ${config ? `${config.mode} mode, kiosk ${config.kioskId}, service ${config.serviceUrl.origin}` : 'not configured'}`,
  )
  if (resolved.demoRefused) log.warn('--demo ignored: a packaged kiosk never runs in demo mode')
  if (resolved.plainKey && resolved.configPath) {
    const warning = plainKeyPermissionWarning({
      platform: options.platform,
      path: resolved.configPath,
      mode: statSync(resolved.configPath).mode,
    })
    if (warning) log.warn(warning)
  }

  if (production) {
    const found = debuggingSwitches.filter((name) => app.commandLine.hasSwitch(name))
    if (found.length > 0) {
      log.error(`refusing to run with debugging switches: ${found.join(', ')}`)
      app.exit(1)
      return null
    }
  }

  powerSaveBlocker.start('prevent-display-sleep')
  Menu.setApplicationMenu(null)
  refuseWebviewsAndPopups(app, log)
  denyAllPermissions(session.defaultSession)
  cancelDownloads(session.defaultSession, log)

  const service: ServiceTarget | null = config
    ? { serviceUrl: config.serviceUrl, kioskKey: config.kioskKey }
    : null
  const pages: Record<StatusPageKind, StaticPage | null> = { notConfigured: null, outOfOrder: null }
  protocol.handle(
    appScheme,
    createAppProtocolHandler({
      rendererDir: options.rendererDir,
      service: () => service,
      statusPage: (kind) => pages[kind],
      fetch: (url, init) => net.fetch(url, init),
      onProxyError: (message) => {
        log.warn(message)
      },
      ...(options.proxyDeadlineMs ? { deadlineMs: options.proxyDeadlineMs } : {}),
    }),
  )

  const window = new BrowserWindow(
    kioskWindowOptions({ production, preloadPath: options.preloadPath }),
  )
  const contents = window.webContents
  guardKeys(contents, production)
  guardDevTools(contents, production, log)
  guardKioskNavigation(contents, log)
  const timers = options.timers ?? realTimers
  const reveal = () => {
    revealKioskWindow(window, production)
  }
  const revealFallback = timers.setTimeout(reveal, revealFallbackMs)
  window.once('ready-to-show', () => {
    timers.clearTimeout(revealFallback)
    reveal()
  })
  let quitting = false
  app.on('before-quit', () => {
    quitting = true
  })
  window.on('session-end', () => {
    quitting = true
  })
  window.on('close', (event) => {
    if (production && !quitting) event.preventDefault()
  })
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('window-all-closed', () => {
    app.quit()
  })
  app.on('child-process-gone', (_event, details) => {
    log.warn(`child process gone: ${details.type} (${details.reason})`)
  })

  const running: RunningKiosk = {
    window,
    log,
    config,
    checkout: null,
    recovery: null,
    production,
  }

  if (!resolved.result.ok || !config) {
    const problems = resolved.result.ok ? [] : resolved.result.problems
    log.error(`not configured: ${problems.join(' | ')}`)
    pages.notConfigured = renderNotConfiguredPage({
      problems,
      configPath: resolved.configPath,
      version: app.getVersion(),
    })
    await window.loadURL(statusPageUrls.notConfigured).catch((error: unknown) => {
      log.error('could not show the not-configured page', error)
    })
    return running
  }

  const emit = (event: CheckoutEvent) => {
    if (!contents.isDestroyed()) {
      contents.send(bridgeChannels.checkoutEvent, checkoutEventSchema.parse(event))
    }
  }
  const checkout = new CheckoutViewController({
    window,
    policy: config.checkout,
    production,
    maxMinutes: config.checkout.maxMinutes,
    emit,
    log,
  })
  running.checkout = checkout

  const recovery = new KioskRecovery({
    window,
    service: { serviceUrl: config.serviceUrl, kioskKey: config.kioskKey },
    configPath: resolved.configPath,
    version: app.getVersion(),
    pages,
    checkout,
    log,
    state: openStateStore(options, log),
    timers,
    now: options.now ?? Date.now,
    policy: options.recoveryPolicy ?? defaultRecoveryPolicy,
    probeFetch: (url, init) => net.fetch(url, init),
    relaunch: () => {
      quitting = true
      app.relaunch()
      app.exit(0)
    },
  })
  running.recovery = recovery

  const receiptPrinter = new ReceiptPrinter({
    printer: config.receiptPrinter,
    createWindow: () => new BrowserWindow(receiptWindowOptions()),
    timers,
    log,
  })
  const info: KioskInfo = {
    kioskId: config.kioskId,
    version: app.getVersion(),
    mode: config.mode,
    receiptPrinter: receiptPrinter.configured,
  }
  registerBridgeHandlers(ipcMain, {
    kioskContentsId: () => (contents.isDestroyed() ? null : contents.id),
    openCheckout: (args) => checkout.open(args),
    moveCheckout: (args) => {
      checkout.move(args)
    },
    closeCheckout: () => checkout.end({ type: 'requested' }),
    endPatronSession: async () => {
      await checkout.end({ type: 'requested' })
      contents.navigationHistory.clear()
      await contents.session.clearCache()
      await contents.session.clearAuthCache()
    },
    kioskInfo: () => info,
    printReceipt: (args) => receiptPrinter.print(args),
    heartbeat: () => {
      recovery.heartbeat()
    },
    log,
  })

  await recovery.connect()
  return running
}
