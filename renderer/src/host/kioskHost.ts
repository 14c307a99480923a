import type { KioskBridge } from '../../../common/kioskBridge.ts'
import { createBrowserHost } from './browserHost.ts'

declare global {
  interface Window {
    /** Set by Electron's preload; absent in a plain browser until the browser host is installed. */
    kiosk?: KioskBridge
  }
}

/** The host's bridge: Electron's preload when present, otherwise the browser host (installed once). */
export function resolveKioskHost(win: Window): KioskBridge {
  if (win.kiosk) return win.kiosk
  const host = createBrowserHost(win)
  win.kiosk = host
  return host
}
