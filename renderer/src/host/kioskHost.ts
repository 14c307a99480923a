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

/** Where the slot starts, in whole CSS pixels (the bridge's `viewTop`). */
function slotTop(slot: Element): number {
  return Math.max(0, Math.round(slot.getBoundingClientRect().top))
}

/** The checkout slot, once the checkout screen has rendered it. */
async function checkoutSlot(win: Window): Promise<HTMLElement | undefined> {
  for (let attempt = 0; attempt < slotWaitAttempts; attempt++) {
    const slot = win.document.getElementById(checkoutSlotId)
    if (slot) return slot
    await new Promise((resolve) => win.setTimeout(resolve, 16))
  }
  return undefined
}

/**
 * Watches the slot of an open checkout and tells the bridge each new top: the window was resized
 * or rotated, or the kiosk's header or bar changed height. Stops when the slot leaves the page.
 * Returns the function that stops it.
 */
function followCheckoutSlot(
  bridge: KioskBridge,
  win: Window,
  slot: HTMLElement,
  checkoutId: string,
  sentTop: number,
): () => void {
  let reported = sentTop
  const check = () => {
    if (!slot.isConnected) {
      stop()
      return
    }
    const top = slotTop(slot)
    if (top === reported) return
    reported = top
    bridge.moveCheckout({ checkoutId, viewTop: top }).catch(() => undefined)
  }
  // The slot fills the window below the bar: it changes size when the window or the bar above it
  // does. The bar and the header are watched too, for a change that keeps the slot's size.
  const { ResizeObserver: Observer } = win as Window & { ResizeObserver?: typeof ResizeObserver }
  const observer = Observer ? new Observer(check) : null
  for (const element of [slot, ...win.document.querySelectorAll('.kiosk-header, .checkout-bar')]) {
    observer?.observe(element)
  }
  win.addEventListener('resize', check)
  // A change between measuring the slot and the view opening.
  check()
  function stop() {
    observer?.disconnect()
    win.removeEventListener('resize', check)
  }
  return stop
}

/**
 * Electron's bridge, told where the checkout screen's slot starts, and again whenever that
 * changes while the page is open, so the CashNet view sits exactly below the kiosk's own bar
 * whatever its height (display, orientation, language, large text).
 */
export function placeCheckoutInSlot(bridge: KioskBridge, win: Window): KioskBridge {
  const noop = (): void => undefined
  let stopFollowing = noop
  /** Counts opens and ends, so an open that finishes after a newer one or an end follows nothing. */
  let generation = 0
  const stop = () => {
    generation += 1
    stopFollowing()
    stopFollowing = noop
  }
  return {
    ...bridge,
    openCheckout: async (args) => {
      stop()
      const opening = generation
      const slot = await checkoutSlot(win)
      if (!slot) {
        await bridge.openCheckout(args)
        return
      }
      const viewTop = slotTop(slot)
      await bridge.openCheckout({ ...args, viewTop })
      if (opening !== generation) return
      stopFollowing = followCheckoutSlot(bridge, win, slot, args.checkoutId, viewTop)
    },
    closeCheckout: async () => {
      stop()
      await bridge.closeCheckout()
    },
    endPatronSession: async () => {
      stop()
      await bridge.endPatronSession()
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
