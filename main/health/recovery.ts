/**
 * Keeps the kiosk window useful without anyone at the PC: connects to the service (showing "out of
 * order" and retrying by itself while it is unreachable), watches the renderer (crash, hang, load
 * failure, missed heartbeats) and answers each failure as planRecovery says: reload, or relaunch
 * the app after a growing delay.
 */
import type { BrowserWindow } from 'electron'
import type { CheckoutEnd } from '../checkout/checkoutView.ts'
import type { KioskLog } from '../logging.ts'
import {
  renderNotConfiguredPage,
  renderOutOfOrderPage,
  type StaticPage,
} from '../pages/statusPages.ts'
import type { ServiceTarget } from '../protocol/apiProxy.ts'
import type { StatusPageKind } from '../protocol/appProtocol.ts'
import { isRendererUrl, rendererEntryUrl, statusPageUrls } from '../protocol/appUrl.ts'
import type { RuntimeStateStore } from '../runtimeState.ts'
import { planRecovery, serviceRetryDelayMs, type RecoveryPolicy } from './recoveryPolicy.ts'
import { probeService, type ProbeFetch } from './serviceProbe.ts'
import { HeartbeatWatchdog, type Timers } from './watchdog.ts'

export type KioskScreen =
  'starting' | 'renderer' | 'out-of-order' | 'not-configured' | 'relaunching'

/** The renderer is expected to call heartbeat() every 5 s; 30 s of silence is a stall. */
const heartbeatTimeoutMs = 30_000
/** Time a freshly loaded renderer has before its first heartbeat. */
const startupGraceMs = 60_000

const errAborted = -3

export interface RecoveryDeps {
  window: BrowserWindow
  service: ServiceTarget
  configPath: string | null
  version: string
  pages: Record<StatusPageKind, StaticPage | null>
  checkout: { end(reason: CheckoutEnd): Promise<void> }
  log: KioskLog
  state: RuntimeStateStore
  timers: Timers
  now: () => number
  policy: RecoveryPolicy
  probeFetch: ProbeFetch
  /** Restarts the whole app (app.relaunch + app.exit). */
  relaunch: () => void
}

export class KioskRecovery {
  screen: KioskScreen = 'starting'
  private readonly deps: RecoveryDeps
  private readonly watchdog: HeartbeatWatchdog
  private failureTimes: number[] = []
  private lastFailureAt: number | null = null
  private connectAttempt = 0
  private retryHandle: unknown = null
  private stableHandle: unknown = null
  /** Set while we crash a hung renderer on purpose, so its exit is not counted twice. */
  private expectingCrash = false

  constructor(deps: RecoveryDeps) {
    this.deps = deps
    this.watchdog = new HeartbeatWatchdog({
      timeoutMs: heartbeatTimeoutMs,
      startupGraceMs,
      timers: deps.timers,
      onStall: () => {
        void this.failure('no heartbeat from the kiosk page')
      },
    })
    const contents = deps.window.webContents
    contents.on('did-finish-load', () => {
      if (this.screen === 'renderer' && isRendererUrl(contents.getURL())) this.watchdog.arm()
    })
    contents.on('render-process-gone', (_event, details) => {
      if (this.expectingCrash) {
        this.expectingCrash = false
        return
      }
      void this.failure(`kiosk page process gone (${details.reason})`)
    })
    contents.on('unresponsive', () => {
      void this.failure('kiosk page unresponsive', { crashFirst: true })
    })
    contents.on('did-fail-load', (_event, errorCode, errorDescription, _url, isMainFrame) => {
      if (!isMainFrame || errorCode === errAborted) return
      void this.failure(`kiosk page failed to load: ${errorDescription} (${String(errorCode)})`)
    })
  }

  /** Feeds the watchdog (from the bridge's heartbeat). */
  heartbeat(): void {
    if (this.screen === 'renderer') this.watchdog.beat()
  }

  /** Probes the service and shows the renderer, or a status page and a retry. */
  async connect(): Promise<void> {
    this.clearRetry()
    const { service, log } = this.deps
    const result = await probeService(service, this.deps.probeFetch)
    if (result.kind === 'ok') {
      if (this.connectAttempt > 0) log.info('service reachable again')
      this.connectAttempt = 0
      await this.show('renderer')
      this.scheduleStableReset()
      return
    }
    const delay = serviceRetryDelayMs(this.connectAttempt)
    this.connectAttempt += 1
    if (result.kind === 'rejected') {
      log.error(`service refused the kiosk key (HTTP ${String(result.status)})`)
      this.deps.pages.notConfigured = renderNotConfiguredPage({
        problems: [
          `The service at ${service.serviceUrl.origin} refused this kiosk's key (HTTP ${String(result.status)}). Check that "kioskId" and the kiosk key match an entry of KIOSK_KEYS on the service. The kiosk keeps retrying.`,
        ],
        configPath: this.deps.configPath,
        version: this.deps.version,
      })
      await this.show('not-configured')
    } else {
      log.warn(`${result.detail}; retrying in ${String(Math.round(delay / 1000))} s`)
      this.deps.pages.outOfOrder = renderOutOfOrderPage({
        detail: result.detail,
        retryInSeconds: delay / 1000,
      })
      await this.show('out-of-order')
    }
    this.retryHandle = this.deps.timers.setTimeout(() => {
      this.retryHandle = null
      void this.connect()
    }, delay)
  }

  /** One failure of the kiosk page: reload, or relaunch the app with backoff. */
  async failure(reason: string, options: { crashFirst?: boolean } = {}): Promise<void> {
    if (this.screen === 'relaunching') return
    const { log, policy, state } = this.deps
    const now = this.deps.now()
    this.failureTimes = [...this.failureTimes.filter((time) => now - time < policy.windowMs), now]
    this.lastFailureAt = now
    const current = state.read()
    const plan = planRecovery(
      { failureTimes: this.failureTimes, now, relaunchCount: current.relaunchCount },
      policy,
    )
    log.warn(`kiosk page failure: ${reason}; ${plan.action}`)
    this.watchdog.disarm()
    // The renderer loses its state on reload: the CashNet view must not outlive it.
    await this.deps.checkout.end({ type: 'closed' })
    if (plan.action === 'reload') {
      const contents = this.deps.window.webContents
      if (options.crashFirst && !contents.isDestroyed()) {
        this.expectingCrash = true
        contents.forcefullyCrashRenderer()
      }
      await this.show(this.reloadTarget())
      return
    }
    state.write({ relaunchCount: current.relaunchCount + 1, lastRelaunchAt: now })
    this.deps.pages.outOfOrder = renderOutOfOrderPage({
      detail: 'The kiosk is restarting.',
      retryInSeconds: plan.delayMs / 1000,
    })
    await this.show('out-of-order')
    this.screen = 'relaunching'
    this.clearRetry()
    log.warn(`relaunching in ${String(Math.round(plan.delayMs / 1000))} s`)
    this.deps.timers.setTimeout(() => {
      this.deps.relaunch()
    }, plan.delayMs)
  }

  private reloadTarget(): 'renderer' | 'out-of-order' | 'not-configured' {
    const screen = this.screen
    return screen === 'starting' || screen === 'relaunching' ? 'renderer' : screen
  }

  private async show(screen: 'renderer' | 'out-of-order' | 'not-configured'): Promise<void> {
    this.screen = screen
    if (screen !== 'renderer') this.watchdog.disarm()
    const url =
      screen === 'renderer'
        ? rendererEntryUrl
        : screen === 'out-of-order'
          ? statusPageUrls.outOfOrder
          : statusPageUrls.notConfigured
    // Failures surface as did-fail-load, which the recovery handles; the promise is not needed.
    await this.deps.window.loadURL(url).catch(() => undefined)
  }

  private clearRetry(): void {
    if (this.retryHandle !== null) this.deps.timers.clearTimeout(this.retryHandle)
    this.retryHandle = null
  }

  /** After a clean stretch, relaunches start again from the shortest delay. */
  private scheduleStableReset(): void {
    if (this.stableHandle !== null) this.deps.timers.clearTimeout(this.stableHandle)
    const scheduledAt = this.deps.now()
    this.stableHandle = this.deps.timers.setTimeout(() => {
      this.stableHandle = null
      if (this.lastFailureAt !== null && this.lastFailureAt > scheduledAt) {
        this.scheduleStableReset()
        return
      }
      const current = this.deps.state.read()
      if (current.relaunchCount > 0) {
        this.deps.state.write({ ...current, relaunchCount: 0 })
        this.deps.log.info('kiosk stable: relaunch backoff reset')
      }
    }, this.deps.policy.stableAfterMs)
  }
}
