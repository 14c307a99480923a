/**
 * Pay sessions: what a patron's browser is allowed to see after opening a pay link or Primo's
 * link. Kept behind an async interface so a shared database can hold them (several service
 * instances); the memory store serves a single instance, where a restart only means opening the
 * link again. Keys are the SHA-256 of the cookie's value, so a dump of the store opens nothing.
 */

export interface PaySession {
  /** SHA-256 (hex) of the cookie's value. */
  idHash: string
  /** Sent back as `x-csrf-token` on every state-changing request. */
  csrfToken: string
  institution: string
  /** The Alma primary id the entry token named; never leaves the service. */
  primaryId: string
  channel: 'link' | 'primo'
  /** Where "Back to Primo" leads, when the entry gave an accepted one. */
  returnUrl: string | null
  createdAt: number
  lastSeenAt: number
  /** The session's lookup (the fees shown), once the page asked for them. */
  lookupId: string | null
  /** Checkouts this session made, newest last: the only ones it may read. */
  checkoutIds: string[]
}

export interface PaySessionStore {
  create(session: PaySession): Promise<void>
  get(idHash: string): Promise<PaySession | null>
  update(
    idHash: string,
    patch: Partial<Pick<PaySession, 'lastSeenAt' | 'lookupId' | 'checkoutIds'>>,
  ): Promise<void>
  delete(idHash: string): Promise<void>
  /** Removes sessions last seen before `before`; returns how many. */
  deleteIdle(before: number): Promise<number>
}

export class MemoryPaySessionStore implements PaySessionStore {
  readonly #sessions = new Map<string, PaySession>()

  create(session: PaySession): Promise<void> {
    this.#sessions.set(session.idHash, { ...session, checkoutIds: [...session.checkoutIds] })
    return Promise.resolve()
  }

  get(idHash: string): Promise<PaySession | null> {
    const found = this.#sessions.get(idHash)
    return Promise.resolve(found ? { ...found, checkoutIds: [...found.checkoutIds] } : null)
  }

  update(
    idHash: string,
    patch: Partial<Pick<PaySession, 'lastSeenAt' | 'lookupId' | 'checkoutIds'>>,
  ): Promise<void> {
    const found = this.#sessions.get(idHash)
    if (found) this.#sessions.set(idHash, { ...found, ...patch })
    return Promise.resolve()
  }

  delete(idHash: string): Promise<void> {
    this.#sessions.delete(idHash)
    return Promise.resolve()
  }

  deleteIdle(before: number): Promise<number> {
    let removed = 0
    for (const [key, session] of this.#sessions) {
      if (session.lastSeenAt < before) {
        this.#sessions.delete(key)
        removed += 1
      }
    }
    return Promise.resolve(removed)
  }
}
