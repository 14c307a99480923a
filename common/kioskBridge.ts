/**
 * The `window.kiosk` bridge between the renderer and its host: Electron's preload in production,
 * the browser host in the demo and e2e tests. Main validates every argument with these schemas.
 */
import { z } from 'zod'

export const openCheckoutArgsSchema = z.object({
  checkoutId: z.string().min(1).max(128),
  url: z.url({ protocol: /^https?$/ }),
  /**
   * Where the CashNet page starts, in CSS pixels from the top of the window: below the kiosk's own
   * header and checkout bar, whose height depends on language and text size. Hosts that place the
   * page themselves (the browser host's iframe) ignore it.
   */
  viewTop: z.number().int().min(0).max(4000).optional(),
})
export type OpenCheckoutArgs = z.infer<typeof openCheckoutArgsSchema>

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
})
export type KioskInfo = z.infer<typeof kioskInfoSchema>

/**
 * Why a bridge call failed. Electron hands an error thrown in an `ipcMain.handle` handler to the
 * renderer as a message only ("Error invoking remote method …"), never its properties, so main
 * never throws: every invoke-style call answers with a BridgeReply and the preload unwraps it.
 */
export const bridgeFailureKinds = [
  /** Not the kiosk page's top frame on app://kiosk. */
  'untrusted_sender',
  /** The arguments do not match this contract. */
  'invalid_arguments',
  /** The host refused the request (a checkout URL outside the configured CashNet origins). */
  'refused',
  /** The host tried and failed. */
  'failed',
] as const
export const bridgeFailureKindSchema = z.enum(bridgeFailureKinds)
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
  /** Removes the CashNet page and wipes everything it stored. */
  closeCheckout(): Promise<void>
  /** Subscribes to CashNet page events; returns the unsubscribe function. */
  onCheckoutEvent(listener: (event: CheckoutEvent) => void): () => void
  /** Ends the patron session: the host wipes the checkout view and any patron traces. */
  endPatronSession(): Promise<void>
  getKioskInfo(): Promise<KioskInfo>
  /** Tells the host's watchdog the renderer is alive. */
  heartbeat(): void
}

/** IPC channel names, one per invoke-style bridge call. */
export const bridgeChannels = {
  openCheckout: 'kiosk:open-checkout',
  closeCheckout: 'kiosk:close-checkout',
  endPatronSession: 'kiosk:end-patron-session',
  getKioskInfo: 'kiosk:get-info',
  heartbeat: 'kiosk:heartbeat',
  checkoutEvent: 'kiosk:checkout-event',
} as const
