/**
 * The sandboxed preload: exposes exactly the `window.kiosk` contract from common/kioskBridge.ts.
 * Only named functions cross the bridge. ipcRenderer, IPC event objects and raw payloads never do:
 * events from main are re-validated and handed over as plain data.
 */
import { contextBridge, ipcRenderer } from 'electron'
import {
  BridgeCallFailed,
  bridgeChannels,
  bridgeReplySchema,
  checkoutEventSchema,
  kioskInfoSchema,
  moveCheckoutArgsSchema,
  openCheckoutArgsSchema,
  printReceiptArgsSchema,
  printReceiptResultSchema,
  type CheckoutEvent,
  type KioskBridge,
} from '../common/kioskBridge.ts'

/** One invoke-style call: main answers with a BridgeReply, never a thrown error. */
async function call(channel: string, ...args: unknown[]): Promise<unknown> {
  const reply = bridgeReplySchema.parse(await ipcRenderer.invoke(channel, ...args))
  if (!reply.ok) throw new BridgeCallFailed(reply.error.kind, reply.error.message)
  return reply.value
}

const kiosk: KioskBridge = {
  openCheckout: async (args) => {
    // Main validates too; checking here gives the renderer a clear error without a round trip.
    const parsed = openCheckoutArgsSchema.parse(args)
    await call(bridgeChannels.openCheckout, parsed)
  },
  moveCheckout: async (args) => {
    await call(bridgeChannels.moveCheckout, moveCheckoutArgsSchema.parse(args))
  },
  closeCheckout: async () => {
    await call(bridgeChannels.closeCheckout)
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
    await call(bridgeChannels.endPatronSession)
  },
  getKioskInfo: async () => kioskInfoSchema.parse(await call(bridgeChannels.getKioskInfo)),
  printReceipt: async (args) =>
    printReceiptResultSchema.parse(
      await call(bridgeChannels.printReceipt, printReceiptArgsSchema.parse(args)),
    ),
  heartbeat: () => {
    ipcRenderer.send(bridgeChannels.heartbeat)
  },
}

contextBridge.exposeInMainWorld('kiosk', Object.freeze(kiosk))
