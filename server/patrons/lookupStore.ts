/**
 * Short-lived lookups: the opaque `lookupId` the kiosk holds stands for the Alma primary id, which
 * never leaves the service. In memory on purpose: a lookup outlives neither its TTL nor a restart,
 * and a patron who meets an expired lookup simply swipes again.
 */

export interface Lookup {
  lookupId: string
  institution: string
  /** Who may make a checkout from it (a `PaymentHolder` id: `kiosk:<id>`, `desk:<user>`, …). */
  holder: string
  /** The channel its checkouts are recorded under. */
  channel: string
  primaryId: string
  /** The patron's name as Alma holds it, kept for staff with the checkout; never sent anywhere. */
  patronName: string
  /** The fee ids shown to the patron; a checkout may only pick from these. */
  feeIds: string[]
  currency: string
  expiresAt: number
}

export interface LookupStore {
  save(lookup: Lookup): void
  /** The lookup, or null when unknown or expired. */
  get(lookupId: string, now: number): Lookup | null
  delete(lookupId: string): void
}

export class MemoryLookupStore implements LookupStore {
  private readonly lookups = new Map<string, Lookup>()

  save(lookup: Lookup): void {
    this.lookups.set(lookup.lookupId, lookup)
  }

  get(lookupId: string, now: number): Lookup | null {
    const lookup = this.lookups.get(lookupId)
    if (!lookup) return null
    if (lookup.expiresAt <= now) {
      this.lookups.delete(lookupId)
      return null
    }
    return lookup
  }

  delete(lookupId: string): void {
    this.lookups.delete(lookupId)
  }

  /** Drops expired lookups; called periodically so memory stays bounded. */
  sweep(now: number): void {
    for (const [id, lookup] of this.lookups) if (lookup.expiresAt <= now) this.lookups.delete(id)
  }
}
