/**
 * Who a lookup, and the checkouts made from it, belong to, and the channel the payment is recorded
 * under. Kiosks, the circulation desk and patrons' own phones (a pay link or Primo) share one
 * pipeline; only the holder differs.
 */
export interface PaymentHolder {
  /** Who may use the lookup: `kiosk:<id>`, `desk:<username>`, `pay:<session>`. */
  id: string
  /** Recorded on the checkout: `kiosk:<id>`, `desk:<username>`, `link` or `primo`. */
  channel: string
  /** The kiosk of a kiosk payment; '' for every other channel. */
  kioskId: string
}

export function kioskHolder(kioskId: string): PaymentHolder {
  return { id: `kiosk:${kioskId}`, channel: `kiosk:${kioskId}`, kioskId }
}

export function deskHolder(username: string): PaymentHolder {
  return { id: `desk:${username}`, channel: `desk:${username}`, kioskId: '' }
}

/** A patron paying on their own device, through a pay link or Primo, in one server-side session. */
export function patronHolder(sessionId: string, channel: 'link' | 'primo'): PaymentHolder {
  return { id: `pay:${sessionId}`, channel, kioskId: '' }
}

/** A kiosk id (the kiosk API's callers) or any holder. */
export type HolderRef = string | PaymentHolder

export function holderOf(ref: HolderRef): PaymentHolder {
  return typeof ref === 'string' ? kioskHolder(ref) : ref
}
