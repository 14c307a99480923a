/**
 * Main's side of the `window.kiosk` bridge. Every call is checked twice: the sender must be the
 * renderer's top frame on app://kiosk in the kiosk window, and the arguments must pass the same
 * schemas the contract in common/kioskBridge.ts defines.
 */
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron'
import { z } from 'zod'
import {
  bridgeChannels,
  moveCheckoutArgsSchema,
  openCheckoutArgsSchema,
  printReceiptArgsSchema,
  type BridgeFailureKind,
  type PrintReceiptArgs,
  type PrintReceiptResult,
  type BridgeReply,
  type KioskInfo,
  type MoveCheckoutArgs,
  type OpenCheckoutArgs,
} from '../../common/kioskBridge.ts'
import type { KioskLog } from '../logging.ts'
import { isTrustedSender } from '../security/senderFrame.ts'

export interface BridgeDeps {
  /** The kiosk window's web contents id, or null while there is none. */
  kioskContentsId: () => number | null
  openCheckout: (args: OpenCheckoutArgs) => Promise<void>
  /** The renderer's checkout slot moved: place the open CashNet view at its new top. */
  moveCheckout: (args: MoveCheckoutArgs) => void
  closeCheckout: () => Promise<void>
  endPatronSession: () => Promise<void>
  kioskInfo: () => KioskInfo
  printReceipt: (args: PrintReceiptArgs) => Promise<PrintReceiptResult>
  heartbeat: () => void
  log: KioskLog
}

const noArgs = z.tuple([])
const openCheckoutArgs = z.tuple([openCheckoutArgsSchema])

/** An error a dependency throws to give the renderer a specific kind (otherwise 'failed'). */
export class BridgeRefusal extends Error {
  override readonly name = 'BridgeRefusal'
  readonly kind: BridgeFailureKind
  constructor(kind: BridgeFailureKind, message: string) {
    super(message)
    this.kind = kind
  }
}

function failure(kind: BridgeFailureKind, message: string): BridgeReply {
  return { ok: false, error: { kind, message } }
}

/** Registers the handlers; returns a function that removes them again. */
export function registerBridgeHandlers(ipcMain: IpcMain, deps: BridgeDeps): () => void {
  const handle = <A extends unknown[], R>(
    channel: string,
    schema: z.ZodType<A>,
    run: (...args: A) => Promise<R> | R,
  ) => {
    // Never throws: Electron would pass only the message on (see BridgeReply).
    ipcMain.handle(
      channel,
      async (event: IpcMainInvokeEvent, ...raw: unknown[]): Promise<BridgeReply> => {
        if (!isTrustedSender(event, deps.kioskContentsId())) {
          deps.log.warn(`bridge: refused ${channel} from an untrusted frame`)
          return failure('untrusted_sender', 'Refused: not the kiosk page.')
        }
        const parsed = schema.safeParse(raw)
        if (!parsed.success) {
          deps.log.warn(`bridge: invalid arguments for ${channel}`)
          return failure(
            'invalid_arguments',
            `Invalid arguments for ${channel}: ${z.prettifyError(parsed.error)}`,
          )
        }
        try {
          return { ok: true, value: await run(...parsed.data) }
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          deps.log.warn(`bridge: ${channel} failed: ${message}`)
          return failure(error instanceof BridgeRefusal ? error.kind : 'failed', message)
        }
      },
    )
  }

  handle(bridgeChannels.openCheckout, openCheckoutArgs, (args) => deps.openCheckout(args))
  handle(bridgeChannels.moveCheckout, z.tuple([moveCheckoutArgsSchema]), (args) => {
    deps.moveCheckout(args)
  })
  handle(bridgeChannels.closeCheckout, noArgs, () => deps.closeCheckout())
  handle(bridgeChannels.endPatronSession, noArgs, () => deps.endPatronSession())
  handle(bridgeChannels.getKioskInfo, noArgs, () => deps.kioskInfo())
  handle(bridgeChannels.printReceipt, z.tuple([printReceiptArgsSchema]), (args) =>
    deps.printReceipt(args),
  )

  const onHeartbeat = (event: IpcMainEvent) => {
    if (isTrustedSender(event, deps.kioskContentsId())) deps.heartbeat()
  }
  ipcMain.on(bridgeChannels.heartbeat, onHeartbeat)

  return () => {
    for (const channel of [
      bridgeChannels.openCheckout,
      bridgeChannels.moveCheckout,
      bridgeChannels.closeCheckout,
      bridgeChannels.endPatronSession,
      bridgeChannels.getKioskInfo,
      bridgeChannels.printReceipt,
    ]) {
      ipcMain.removeHandler(channel)
    }
    ipcMain.removeListener(bridgeChannels.heartbeat, onHeartbeat)
  }
}
