import type { KioskBridge } from '../../../common/kioskBridge.ts'
import { createBrowserHost, checkoutSlotId } from './browserHost.ts'

declare global {
  interface Window {
    /** Set by Electron's preload; absent in a plain browser until the browser host is installed. */
    kiosk?: KioskBridge
  }
}

/** About a second of 16 ms waits for the checkout screen's slot to render. */
const slotWaitAttempts = 60

/** The top of the checkout slot in CSS pixels, once the checkout screen has rendered it. */
async function checkoutSlotTop(win: Window): Promise<number | undefined> {
  for (let attempt = 0; attempt < slotWaitAttempts; attempt++) {
    const slot = win.document.getElementById(checkoutSlotId)
    if (slot) return Math.max(0, Math.round(slot.getBoundingClientRect().top))
    await new Promise((resolve) => win.setTimeout(resolve, 16))
  }
  return undefined
}

/**
 * Electron's bridge, told where the checkout screen's slot starts so the CashNet view sits exactly
 * below the kiosk's own bar whatever its height (language, large text).
 */
export function placeCheckoutInSlot(bridge: KioskBridge, win: Window): KioskBridge {
  return {
    ...bridge,
    openCheckout: async (args) => {
      const viewTop = await checkoutSlotTop(win)
      await bridge.openCheckout(viewTop === undefined ? args : { ...args, viewTop })
    },
  }
}

const browserHosts = new WeakSet<KioskBridge>()

/** The host's bridge: Electron's preload when present, otherwise the browser host (installed once). */
export function resolveKioskHost(win: Window): KioskBridge {
  if (win.kiosk)
    return browserHosts.has(win.kiosk) ? win.kiosk : placeCheckoutInSlot(win.kiosk, win)
  const host = createBrowserHost(win)
  browserHosts.add(host)
  win.kiosk = host
  return host
}
