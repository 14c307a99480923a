/**
 * The sandboxed preload: exposes exactly the `window.kiosk` contract from common/kioskBridge.ts.
 * Only named functions cross the bridge. ipcRenderer, IPC event objects and raw payloads never do:
 * events from main are re-validated and handed over as plain data.
 */
import { contextBridge, ipcRenderer } from 'electron'
import {
  bridgeChannels,
  checkoutEventSchema,
  kioskInfoSchema,
  openCheckoutArgsSchema,
  type CheckoutEvent,
  type KioskBridge,
} from '../common/kioskBridge.ts'

const kiosk: KioskBridge = {
  openCheckout: async (args) => {
    // Main validates too; checking here gives the renderer a clear error without a round trip.
    const parsed = openCheckoutArgsSchema.parse(args)
    await ipcRenderer.invoke(bridgeChannels.openCheckout, parsed)
  },
  closeCheckout: async () => {
    await ipcRenderer.invoke(bridgeChannels.closeCheckout)
  },
  onCheckoutEvent: (listener) => {
    const handler = (_event: unknown, payload: unknown) => {
      const parsed = checkoutEventSchema.safeParse(payload)
      if (parsed.success) listener(parsed.data satisfies CheckoutEvent)
    }
    ipcRenderer.on(bridgeChannels.checkoutEvent, handler)
    return () => {
      ipcRenderer.removeListener(bridgeChannels.checkoutEvent, handler)
    }
  },
  endPatronSession: async () => {
    await ipcRenderer.invoke(bridgeChannels.endPatronSession)
  },
  getKioskInfo: async () =>
    kioskInfoSchema.parse(await ipcRenderer.invoke(bridgeChannels.getKioskInfo)),
  heartbeat: () => {
    ipcRenderer.send(bridgeChannels.heartbeat)
  },
}

contextBridge.exposeInMainWorld('kiosk', Object.freeze(kiosk))
