/**
 * Short-lived lookups: the opaque `lookupId` the kiosk holds stands for the Alma primary id, which
 * never leaves the service. Short-lived on purpose: a lookup does not outlive its TTL, and a patron
 * who meets an expired lookup simply swipes again.
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
  save(lookup: Lookup): Promise<void>
  /** The lookup, or null when unknown or expired. */
  get(lookupId: string, now: number): Promise<Lookup | null>
  delete(lookupId: string): Promise<void>
  /** Drops expired lookups (called periodically so storage stays bounded); answers how many. */
  sweep(now: number): Promise<number>
}

/**
 * One process's lookups (SQLite: a single instance). Several instances on PostgreSQL share theirs
 * in the database instead (`server/store/postgres/lookupStore.ts`).
 */
export class MemoryLookupStore implements LookupStore {
  private readonly lookups = new Map<string, Lookup>()

  save(lookup: Lookup): Promise<void> {
    this.lookups.set(lookup.lookupId, lookup)
    return Promise.resolve()
  }

  get(lookupId: string, now: number): Promise<Lookup | null> {
    const lookup = this.lookups.get(lookupId)
    if (lookup && lookup.expiresAt <= now) this.lookups.delete(lookupId)
    return Promise.resolve(lookup && lookup.expiresAt > now ? lookup : null)
  }

  delete(lookupId: string): Promise<void> {
    this.lookups.delete(lookupId)
    return Promise.resolve()
  }

  sweep(now: number): Promise<number> {
    let dropped = 0
    for (const [id, lookup] of this.lookups) {
      if (lookup.expiresAt <= now) {
        this.lookups.delete(id)
        dropped += 1
      }
    }
    return Promise.resolve(dropped)
  }
}
