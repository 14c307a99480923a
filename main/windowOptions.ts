import type { BrowserWindowConstructorOptions, WebContentsViewConstructorOptions } from 'electron'

/**
 * The security-relevant preferences every web contents of the kiosk gets, each set explicitly even
 * where it is Electron's default, so a future default change or a careless edit shows up in the tests.
 */
const lockedDown = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const

export interface KioskWindowInput {
  /** Packaged build (or NODE_ENV=production): no devtools, true kiosk. */
  production: boolean
  preloadPath: string
}

/**
 * The kiosk window's options: locked down, devtools only outside production. Created hidden and
 * not yet in kiosk mode: a window created with `kiosk: true` may show at once (white) on some
 * platforms despite `show: false`. revealKioskWindow enters kiosk mode once the page has painted.
 */
export function kioskWindowOptions(input: KioskWindowInput): BrowserWindowConstructorOptions {
  return {
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    width: 1280,
    height: 900,
    webPreferences: {
      preload: input.preloadPath,
      ...lockedDown,
      devTools: !input.production,
    },
  }
}

/** The part of a BrowserWindow revealKioskWindow needs. */
export interface RevealableWindow {
  isDestroyed(): boolean
  isVisible(): boolean
  setKiosk(flag: boolean): void
  show(): void
}

/** After 'ready-to-show' (or the fallback deadline): kiosk mode in production, then show, once. */
export function revealKioskWindow(window: RevealableWindow, production: boolean): void {
  if (window.isDestroyed() || window.isVisible()) return
  if (production) window.setKiosk(true)
  window.show()
}

/** Shown anyway if the first paint never comes (a hung renderer): a hidden kiosk shows the desktop. */
export const revealFallbackMs = 10_000

/**
 * The hidden window a receipt is printed from: never shown, no preload, no script at all (the
 * document is static HTML), its own in-memory partition.
 */
export function receiptWindowOptions(): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 400,
    height: 800,
    webPreferences: {
      partition: 'receipt',
      ...lockedDown,
      javascript: false,
      devTools: false,
    },
  }
}

/** In-memory partition for the CashNet page: no `persist:` prefix, so nothing is written to disk. */
export const checkoutPartition = 'checkout'

/**
 * The CashNet view's options: its own in-memory session, sandboxed, no preload (the CashNet page
 * gets no bridge at all), no Node, no webviews.
 */
export function checkoutViewOptions(input: {
  production: boolean
}): WebContentsViewConstructorOptions {
  return {
    webPreferences: {
      partition: checkoutPartition,
      ...lockedDown,
      safeDialogs: true,
      devTools: !input.production,
    },
  }
}
