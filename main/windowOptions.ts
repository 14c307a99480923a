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

/** The kiosk window's options: locked down, devtools only outside production. */
export function kioskWindowOptions(input: KioskWindowInput): BrowserWindowConstructorOptions {
  return {
    show: false,
    kiosk: input.production,
    fullscreen: input.production,
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
