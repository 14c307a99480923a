/**
 * The `window.kiosk` bridge between the renderer and its host: Electron's preload in production,
 * the browser host in the demo and e2e tests. Main validates every argument with these schemas.
 */
import { z } from 'zod'

/**
 * Where the CashNet page starts, in whole CSS pixels from the top of the window: below the kiosk's
 * own header and checkout bar, whose height depends on the display, language and text size.
 */
const viewTopSchema = z.number().int().min(0).max(4000)

const checkoutIdSchema = z.string().min(1).max(128)

export const openCheckoutArgsSchema = z.object({
  checkoutId: checkoutIdSchema,
  url: z.url({ protocol: /^https?$/ }),
  /** Hosts that place the page themselves (the browser host's iframe) ignore it. */
  viewTop: viewTopSchema.optional(),
})
export type OpenCheckoutArgs = z.infer<typeof openCheckoutArgsSchema>

/** The checkout slot's top changed under an open CashNet page (a resize, the bar's height). */
export const moveCheckoutArgsSchema = z.object({
  /** The checkout whose page moves; a report for any other checkout is ignored. */
  checkoutId: checkoutIdSchema,
  viewTop: viewTopSchema,
})
export type MoveCheckoutArgs = z.infer<typeof moveCheckoutArgsSchema>

/** What the host tells the renderer about the CashNet page. */
export const checkoutEventSchema = z.discriminatedUnion('type', [
  /** The patron reached our signouturl: the CashNet page is done (not evidence of payment). */
  z.object({ type: z.literal('returned'), checkoutId: z.string() }),
  /** The page could not load or left the allowed origins. */
  z.object({ type: z.literal('failed'), checkoutId: z.string(), reason: z.string() }),
  /** The view was closed by the host. */
  z.object({ type: z.literal('closed'), checkoutId: z.string() }),
])
export type CheckoutEvent = z.infer<typeof checkoutEventSchema>

export const kioskInfoSchema = z.object({
  kioskId: z.string(),
  version: z.string(),
  mode: z.enum(['production', 'demo', 'browser']),
  /** A receipt printer is configured on this kiosk: the receipt screens print and offer a button. */
  receiptPrinter: z.boolean(),
})
export type KioskInfo = z.infer<typeof kioskInfoSchema>

/**
 * What the host prints on a receipt. Only what a paper slip left at the kiosk may carry: the
 * patron's first name and last initial (the host shortens it again), never a card or patron id.
 */
export const printReceiptArgsSchema = z.object({
  libraryName: z.string().min(1).max(200),
  /** First name and last initial, as on the screen. */
  patronName: z.string().max(80),
  language: z.enum(['en', 'es']),
  currency: z.string().length(3),
  /** When the payment was posted (or received), ISO 8601. */
  paidAt: z.iso.datetime({ offset: true }),
  amountCents: z.number().int().positive(),
  /** CashNet's transaction number. */
  transactionId: z.string().min(1).max(128),
  lines: z
    .array(z.object({ description: z.string().max(200), amountCents: z.number().int().positive() }))
    .max(100),
  /** The staff reference when part of the payment still needs the library. */
  reference: z.string().max(128).nullable(),
})
export type PrintReceiptArgs = z.infer<typeof printReceiptArgsSchema>

/** A print either went to the printer or did not; the patron is never held up by it. */
export const printReceiptResultSchema = z.discriminatedUnion('printed', [
  z.object({ printed: z.literal(true) }),
  z.object({
    printed: z.literal(false),
    kind: z.enum(['no_printer', 'print_failed']),
    message: z.string(),
  }),
])
export type PrintReceiptResult = z.infer<typeof printReceiptResultSchema>

/**
 * Why a bridge call failed. Electron hands an error thrown in an `ipcMain.handle` handler to the
 * renderer as a message only ("Error invoking remote method …"), never its properties, so main
 * never throws: every invoke-style call answers with a BridgeReply and the preload unwraps it.
 */
const bridgeFailureKinds = [
  /** Not the kiosk page's top frame on app://kiosk. */
  'untrusted_sender',
  /** The arguments do not match this contract. */
  'invalid_arguments',
  /** The host refused the request (a checkout URL outside the configured CashNet origins). */
  'refused',
  /** The host tried and failed. */
  'failed',
] as const
const bridgeFailureKindSchema = z.enum(bridgeFailureKinds)
export type BridgeFailureKind = z.infer<typeof bridgeFailureKindSchema>

export const bridgeReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ kind: bridgeFailureKindSchema, message: z.string() }),
  }),
])
export type BridgeReply = z.infer<typeof bridgeReplySchema>

/** A failed bridge call as the preload rethrows it: the kind survives in the message too. */
export class BridgeCallFailed extends Error {
  override readonly name = 'BridgeCallFailed'
  readonly kind: BridgeFailureKind
  constructor(kind: BridgeFailureKind, message: string) {
    super(`${kind}: ${message}`)
    this.kind = kind
  }
}

export interface KioskBridge {
  /** Shows the CashNet page for a checkout below the kiosk's own header. */
  openCheckout(args: OpenCheckoutArgs): Promise<void>
  /**
   * Moves the open CashNet page to start at the checkout slot's new top, so it keeps covering
   * exactly the area below the kiosk's bar. Hosts that place the page inside the slot ignore it.
   */
  moveCheckout(args: MoveCheckoutArgs): Promise<void>
  /** Removes the CashNet page and wipes everything it stored. */
  closeCheckout(): Promise<void>
  /** Subscribes to CashNet page events; returns the unsubscribe function. */
  onCheckoutEvent(listener: (event: CheckoutEvent) => void): () => void
  /** Ends the patron session: the host wipes the checkout view and any patron traces. */
  endPatronSession(): Promise<void>
  getKioskInfo(): Promise<KioskInfo>
  /** Prints a receipt silently on the configured receipt printer; never rejects for a printer error. */
  printReceipt(args: PrintReceiptArgs): Promise<PrintReceiptResult>
  /** Tells the host's watchdog the renderer is alive. */
  heartbeat(): void
}

/** IPC channel names, one per invoke-style bridge call. */
export const bridgeChannels = {
  openCheckout: 'kiosk:open-checkout',
  moveCheckout: 'kiosk:move-checkout',
  closeCheckout: 'kiosk:close-checkout',
  endPatronSession: 'kiosk:end-patron-session',
  getKioskInfo: 'kiosk:get-info',
  printReceipt: 'kiosk:print-receipt',
  heartbeat: 'kiosk:heartbeat',
  checkoutEvent: 'kiosk:checkout-event',
} as const
