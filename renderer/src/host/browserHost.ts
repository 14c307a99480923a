/**
 * The `window.kiosk` host for a plain browser (`npm run demo`, Playwright): the CashNet page opens
 * in an iframe below the kiosk header instead of Electron's sandboxed view. The patron's return is
 * seen when the iframe reaches our own `/cashnet/return` (same origin as the renderer): the sandbox
 * CashNet page lives on another origin, which the browser will not let us read.
 */
// First: zod jitless before the bridge's schemas are built (this module is in a chunk of its own).
import '../zodConfig.ts'
import { cashnetPaths } from '../../../common/cashnet.ts'
import {
  moveCheckoutArgsSchema,
  openCheckoutArgsSchema,
  type CheckoutEvent,
  type KioskBridge,
  type KioskInfo,
  type PrintReceiptResult,
} from '../../../common/kioskBridge.ts'

/** The element the checkout screen renders for the iframe; the body when absent. */
export const checkoutSlotId = 'kiosk-checkout-slot'

/** About a second of frames to wait for the checkout screen's slot. */
const slotWaitAttempts = 60

export interface BrowserHostOptions {
  returnPath?: string
  kioskId?: string
  version?: string
}

/** True when `href` is the same-origin return page (what the iframe shows after CashNet). */
export function isCheckoutReturn(href: string, origin: string, returnPath: string): boolean {
  try {
    const url = new URL(href)
    return url.origin === origin && url.pathname === returnPath
  } catch {
    return false
  }
}

/** Runs `fn` now and reports its result or its exception as a promise. */
function settle(fn: () => void): Promise<void> {
  try {
    fn()
    return Promise.resolve()
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

export function createBrowserHost(win: Window, options: BrowserHostOptions = {}): KioskBridge {
  const returnPath = options.returnPath ?? cashnetPaths.return
  const listeners = new Set<(event: CheckoutEvent) => void>()
  let current: { checkoutId: string; frame: HTMLIFrameElement; returned: boolean } | null = null
  const doc = win.document

  function emit(event: CheckoutEvent): void {
    for (const listener of [...listeners]) listener(event)
  }

  function frameHref(frame: HTMLIFrameElement): string | null {
    try {
      // Throws a SecurityError while the frame shows another origin (the CashNet page).
      return frame.contentWindow?.location.href ?? null
    } catch {
      return null
    }
  }

  function removeFrame(frame: HTMLIFrameElement): void {
    // Navigate away first so the page's scripts and timers stop before the element goes.
    frame.src = 'about:blank'
    frame.remove()
  }

  /**
   * The checkout screen renders its slot right after the store switches to it, which may be a
   * frame later than this call. Moving an iframe would reload it, so wait for the slot (briefly)
   * before attaching it once.
   */
  function mountWhenSlotAppears(opened: NonNullable<typeof current>, attempt = 0): void {
    if (current !== opened) return
    const slot = doc.getElementById(checkoutSlotId)
    if (slot || attempt >= slotWaitAttempts) {
      ;(slot ?? doc.body).append(opened.frame)
      return
    }
    win.setTimeout(() => {
      mountWhenSlotAppears(opened, attempt + 1)
    }, 16)
  }

  function close(): void {
    if (!current) return
    removeFrame(current.frame)
    current = null
  }

  return {
    openCheckout: (args) =>
      settle(() => {
        const { checkoutId, url } = openCheckoutArgsSchema.parse(args)
        close()
        const frame = doc.createElement('iframe')
        frame.className = 'checkout-frame'
        frame.title = 'CashNet secure payment'
        frame.setAttribute('referrerpolicy', 'no-referrer')
        // No popups and no top-level navigation: the page stays inside the kiosk.
        frame.setAttribute('sandbox', 'allow-forms allow-scripts allow-same-origin')
        frame.setAttribute('allow', '')
        const opened = { checkoutId, frame, returned: false }
        frame.addEventListener('load', () => {
          if (current !== opened || opened.returned) return
          const href = frameHref(frame)
          if (href && isCheckoutReturn(href, win.location.origin, returnPath)) {
            opened.returned = true
            emit({ type: 'returned', checkoutId })
          }
        })
        frame.src = url
        current = opened
        mountWhenSlotAppears(opened)
      }),

    // The iframe lives inside the slot and follows it by itself.
    moveCheckout: (args) => settle(() => moveCheckoutArgsSchema.parse(args)),

    closeCheckout() {
      close()
      return Promise.resolve()
    },

    onCheckoutEvent(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },

    endPatronSession() {
      close()
      for (const frame of doc.querySelectorAll('iframe')) removeFrame(frame)
      win.sessionStorage.clear()
      win.localStorage.clear()
      for (const cookie of doc.cookie.split(';')) {
        const name = cookie.split('=')[0]?.trim()
        if (name) doc.cookie = `${name}=; Max-Age=0; path=/`
      }
      return Promise.resolve()
    },

    getKioskInfo(): Promise<KioskInfo> {
      return Promise.resolve({
        kioskId: options.kioskId ?? 'browser',
        version: options.version ?? 'browser-preview',
        mode: 'browser',
        receiptPrinter: false,
      })
    },

    printReceipt(): Promise<PrintReceiptResult> {
      // A browser tab has no silent printing; the receipt screens offer no print button here.
      return Promise.resolve({
        printed: false,
        kind: 'no_printer',
        message: 'The browser preview has no receipt printer.',
      })
    },

    heartbeat() {
      // A browser tab has no watchdog to tell.
    },
  }
}
