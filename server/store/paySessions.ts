/**
 * Pay sessions: what a patron's browser is allowed to see after opening a pay link or Primo's
 * link, kept in the service's database (`pay_sessions`) so that any instance honours a session
 * another one started, and a restart does not end it. Keys are the SHA-256 (hex) of the cookie's
 * value: a dump of the table opens nothing, and the database refuses any other key shape. Times
 * are epoch milliseconds.
 */

export const paySessionChannels = ['link', 'primo'] as const
type PaySessionChannel = (typeof paySessionChannels)[number]

/** What a session key must look like: a SHA-256 in lower-case hex (never the cookie's value). */
export const paySessionKeyPattern = /^[0-9a-f]{64}$/

export interface PaySession {
  /** SHA-256 (hex) of the cookie's value. */
  idHash: string
  /** Sent back as `x-csrf-token` on every state-changing request. */
  csrfToken: string
  institution: string
  /** The Alma primary id the entry token named; never leaves the service. */
  primaryId: string
  channel: PaySessionChannel
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
  /** Moves the idle clock forward (never back: two instances may touch at once). */
  touch(idHash: string, lastSeenAt: number): Promise<void>
  setLookup(idHash: string, lookupId: string): Promise<void>
  /**
   * Appends a checkout atomically, keeping the newest `keep`: two requests of one session on two
   * instances each add theirs, neither overwriting the other's.
   */
  addCheckout(idHash: string, checkoutId: string, keep: number): Promise<void>
  delete(idHash: string): Promise<void>
  /** Removes sessions last seen before `before`; returns how many. */
  deleteIdle(before: number): Promise<number>
}

/** A session's checkout list once `checkoutId` is added: newest last, at most `keep`. */
export function withCheckout(
  checkoutIds: readonly string[],
  checkoutId: string,
  keep: number,
): string[] {
  return [...checkoutIds, checkoutId].slice(-Math.max(1, keep))
}
