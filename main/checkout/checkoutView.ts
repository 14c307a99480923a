/**
 * The CashNet page in a `WebContentsView` below the kiosk's own header bar. One at a time; every
 * way it ends (return, failure, cancel, timeout, end of session, a new checkout, the kiosk page
 * reloading) destroys the view and wipes its in-memory partition before another can open.
 */
import { session as electronSession, WebContentsView } from 'electron'
import type { BrowserWindow, Session, WebContents } from 'electron'
import type { CheckoutEvent, MoveCheckoutArgs, OpenCheckoutArgs } from '../../common/kioskBridge.ts'
import { BridgeRefusal } from '../bridge/bridgeHandlers.ts'
import type { KioskLog } from '../logging.ts'
import { isAllowedCheckoutUrl } from '../security/navigationPolicy.ts'
import {
  cancelDownloads,
  denyAllPermissions,
  guardDevTools,
  guardKeys,
  safeForLog,
} from '../security/webContentsGuards.ts'
import { checkoutPartition, checkoutViewOptions } from '../windowOptions.ts'
import {
  classifyCheckoutNavigation,
  classifyCheckoutRequest,
  classifyDetachedCheckoutRequest,
  type CheckoutPolicy,
} from './returnDetection.ts'
import { wipeSession } from './wipe.ts'

/** Where the view starts when the renderer does not say (`viewTop`), in CSS pixels at zoom 1. */
export const checkoutHeaderHeight = 96

export function checkoutViewBounds(
  contentSize: readonly number[],
  headerHeight = checkoutHeaderHeight,
): { x: number; y: number; width: number; height: number } {
  const [width = 0, height = 0] = contentSize
  return { x: 0, y: headerHeight, width, height: Math.max(0, height - headerHeight) }
}

/**
 * The top the open view should move to when the renderer reports its slot's top: null when the
 * report is for another checkout (one that has ended, or a new one still opening) or changes
 * nothing.
 */
export function movedViewTop(
  open: { readonly checkoutId: string; readonly top: number } | null,
  report: MoveCheckoutArgs,
): number | null {
  if (open?.checkoutId !== report.checkoutId || open.top === report.viewTop) return null
  return report.viewTop
}

/** Why the view is going away; decides which event, if any, the renderer gets. */
export type CheckoutEnd =
  | { type: 'returned' }
  | { type: 'failed'; reason: string }
  /** The host closed it on its own (a new checkout replaced it, the kiosk page reloaded). */
  | { type: 'closed' }
  /** The renderer asked (closeCheckout, endPatronSession): it already knows, no event. */
  | { type: 'requested' }

/** Chromium's "aborted" error: our own cancellation of a navigation, not a load failure. */
const errAborted = -3
const errBlockedByClient = -20

interface OpenView {
  checkoutId: string
  /** Where the view starts below the renderer's own bar (CSS pixels). */
  top: number
  view: WebContentsView
  timer: ReturnType<typeof setTimeout>
}

export interface CheckoutViewOptions {
  window: BrowserWindow
  policy: CheckoutPolicy
  production: boolean
  maxMinutes: number
  emit: (event: CheckoutEvent) => void
  log: KioskLog
}

export class CheckoutViewController {
  private readonly options: CheckoutViewOptions
  private readonly session: Session
  private current: OpenView | null = null
  /** The last teardown (close and wipe); a new view waits for it. */
  private teardown: Promise<void> = Promise.resolve()
  private wipePending = false
  /** Opens run one after another, so two quick calls never leave two views. */
  private opening: Promise<void> = Promise.resolve()

  constructor(options: CheckoutViewOptions) {
    this.options = options
    this.session = electronSession.fromPartition(checkoutPartition, { cache: true })
    denyAllPermissions(this.session)
    cancelDownloads(this.session, options.log)
    // Sees every request, including POSTs and redirects that will-navigate may miss.
    this.session.webRequest.onBeforeRequest((details, callback) => {
      const current = this.current
      if (!current) {
        // Nothing may load in this partition outside an open checkout.
        callback({ cancel: true })
        return
      }
      if (details.webContentsId === undefined) {
        // A worker of the open CashNet page (3-D Secure may use one): the origin policy decides.
        const detached = classifyDetachedCheckoutRequest(details, this.options.policy)
        if (detached === 'block') {
          this.options.log.warn(
            `checkout view: blocked a worker request to ${safeForLog(details.url)}`,
          )
        }
        callback(detached === 'allow' ? {} : { cancel: true })
        return
      }
      if (details.webContentsId !== current.view.webContents.id) {
        // Another web contents in this partition: never ours.
        callback({ cancel: true })
        return
      }
      const verdict = classifyCheckoutRequest(details, this.options.policy)
      callback(verdict === 'allow' ? {} : { cancel: true })
      this.onVerdict(verdict, details.url, details.resourceType === 'mainFrame', current)
    })
    // The window's new size at once; the renderer then reports where its slot starts now.
    options.window.on('resize', () => {
      if (this.current) this.place(this.current)
    })
  }

  get openCheckoutId(): string | null {
    return this.current?.checkoutId ?? null
  }

  /** Follows the renderer's checkout slot: the open view starts at its new top. */
  move(report: MoveCheckoutArgs): void {
    const current = this.current
    const top = movedViewTop(current, report)
    if (current === null || top === null) return
    current.top = top
    this.place(current)
  }

  /** The view covers the window from its top down, full width. */
  private place(opened: OpenView): void {
    opened.view.setBounds(checkoutViewBounds(this.options.window.getContentSize(), opened.top))
  }

  /** Opens the CashNet page; rejects a URL outside the configured CashNet origins. */
  open(args: OpenCheckoutArgs): Promise<void> {
    if (!isAllowedCheckoutUrl(args.url, this.options.policy.allowedOrigins)) {
      return Promise.reject(
        new BridgeRefusal('refused', 'The checkout URL is not on an allowed CashNet origin.'),
      )
    }
    const next = this.opening.then(() => this.openNow(args))
    this.opening = next.catch(() => undefined)
    return next
  }

  private async openNow(args: OpenCheckoutArgs): Promise<void> {
    if (this.current) await this.end({ type: 'closed' })
    await this.teardown
    if (this.wipePending) await this.wipe()

    const view = new WebContentsView(checkoutViewOptions({ production: this.options.production }))
    const timer = setTimeout(() => {
      void this.end({ type: 'failed', reason: 'timeout' })
    }, this.options.maxMinutes * 60_000)
    const opened: OpenView = {
      checkoutId: args.checkoutId,
      top: args.viewTop ?? checkoutHeaderHeight,
      view,
      timer,
    }
    this.current = opened
    this.guard(view.webContents, opened)
    this.options.window.contentView.addChildView(view)
    this.place(opened)
    this.options.log.info(`checkout view opened on ${safeForLog(args.url)}`)
    // Load failures arrive as did-fail-load; the renderer does not wait for CashNet to load.
    view.webContents.loadURL(args.url).catch(() => undefined)
  }

  /**
   * Ends the open checkout, if any: tells the renderer why (unless it asked), removes and destroys
   * the view, then wipes the partition. Resolves when the wipe is done.
   */
  async end(reason: CheckoutEnd): Promise<void> {
    const current = this.current
    if (!current) {
      await this.teardown
      return
    }
    this.current = null
    clearTimeout(current.timer)
    if (reason.type !== 'requested') {
      this.options.emit(
        reason.type === 'failed'
          ? { type: 'failed', checkoutId: current.checkoutId, reason: reason.reason }
          : { type: reason.type, checkoutId: current.checkoutId },
      )
    }
    this.options.log.info(
      `checkout view closed (${reason.type === 'failed' ? reason.reason : reason.type})`,
    )
    const previous = this.teardown
    this.teardown = previous.then(() => this.destroyAndWipe(current.view))
    await this.teardown
  }

  private async destroyAndWipe(view: WebContentsView): Promise<void> {
    this.options.window.contentView.removeChildView(view)
    const contents = view.webContents
    if (!contents.isDestroyed()) {
      const destroyed = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000)
        contents.once('destroyed', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      contents.close()
      await destroyed
    }
    await this.wipe()
  }

  private async wipe(): Promise<void> {
    const { failed } = await wipeSession(this.session)
    this.wipePending = failed.length > 0
    if (failed.length > 0) {
      this.options.log.error(
        `checkout partition wipe failed: ${failed.join(', ')}; retrying before the next checkout`,
      )
    }
  }

  private onVerdict(
    verdict: 'return' | 'allow' | 'block',
    url: string,
    isMainFrame: boolean,
    opened: OpenView,
  ): void {
    if (this.current !== opened) return
    if (verdict === 'return') {
      void this.end({ type: 'returned' })
    } else if (verdict === 'block') {
      this.options.log.warn(
        `checkout view: blocked ${isMainFrame ? 'navigation' : 'frame'} to ${safeForLog(url)}`,
      )
      if (isMainFrame) void this.end({ type: 'failed', reason: 'left the allowed CashNet origins' })
    }
  }

  private guard(contents: WebContents, opened: OpenView): void {
    const { production, policy, log } = this.options
    guardKeys(contents, production)
    guardDevTools(contents, production, log)
    contents.setWindowOpenHandler(({ url }) => {
      log.warn(`checkout view: refused a popup to ${safeForLog(url)}`)
      return { action: 'deny' }
    })
    const onNavigation = (event: { url: string; isMainFrame: boolean; preventDefault(): void }) => {
      const verdict = classifyCheckoutNavigation(event, policy)
      if (verdict !== 'allow') event.preventDefault()
      this.onVerdict(verdict, event.url, event.isMainFrame, opened)
    }
    contents.on('will-navigate', onNavigation)
    contents.on('will-frame-navigate', onNavigation)
    contents.on('will-redirect', onNavigation)
    contents.on('did-fail-load', (_event, errorCode, errorDescription, _url, isMainFrame) => {
      if (!isMainFrame || errorCode === errAborted || errorCode === errBlockedByClient) return
      if (this.current !== opened) return
      void this.end({
        type: 'failed',
        reason: `load failed: ${errorDescription} (${String(errorCode)})`,
      })
    })
    contents.on('render-process-gone', (_event, details) => {
      if (this.current !== opened) return
      void this.end({ type: 'failed', reason: `page process gone: ${details.reason}` })
    })
    contents.on('destroyed', () => {
      if (this.current === opened) void this.end({ type: 'closed' })
    })
  }
}
