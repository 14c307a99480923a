import { contextBridge, ipcRenderer } from 'electron'
import { bridgeChannels, type KioskBridge, type KioskInfo } from '../common/kioskBridge.ts'

// Only named functions cross the bridge; ipcRenderer itself never does.
const kiosk: KioskBridge = {
  openCheckout: async (args) => {
    await ipcRenderer.invoke(bridgeChannels.openCheckout, args)
  },
  closeCheckout: async () => {
    await ipcRenderer.invoke(bridgeChannels.closeCheckout)
  },
  onCheckoutEvent: (listener) => {
    const handler = (_event: unknown, payload: Parameters<typeof listener>[0]) => {
      listener(payload)
    }
    ipcRenderer.on(bridgeChannels.checkoutEvent, handler)
    return () => {
      ipcRenderer.removeListener(bridgeChannels.checkoutEvent, handler)
    }
  },
  endPatronSession: async () => {
    await ipcRenderer.invoke(bridgeChannels.endPatronSession)
  },
  getKioskInfo: async () => (await ipcRenderer.invoke(bridgeChannels.getKioskInfo)) as KioskInfo,
  heartbeat: () => {
    ipcRenderer.send(bridgeChannels.heartbeat)
  },
}

contextBridge.exposeInMainWorld('kiosk', kiosk)
