/** Pay session rows as SQLite and PostgreSQL return them (same column names), checked with zod. */
import { z } from 'zod'
import { paySessionChannels, paySessionKeyPattern, type PaySession } from './paySessions.ts'

const int = z.number().int()
const paySessionRowSchema = z.object({
  id_hash: z.string().regex(paySessionKeyPattern),
  csrf_token: z.string(),
  institution: z.string(),
  primary_id: z.string(),
  channel: z.enum(paySessionChannels),
  return_url: z.string().nullable(),
  created_at: int,
  last_seen_at: int,
  lookup_id: z.string().nullable(),
  checkout_ids: z.string(),
})

const checkoutIdsSchema = z.array(z.string())

/** A new row's columns, in the order of `paySessionValues` (both engines insert these). */
export const paySessionColumns =
  'id_hash, csrf_token, institution, primary_id, channel, return_url, created_at, last_seen_at, lookup_id, checkout_ids'

export function paySessionValues(session: PaySession): (string | number | null)[] {
  return [
    session.idHash,
    session.csrfToken,
    session.institution,
    session.primaryId,
    session.channel,
    session.returnUrl,
    session.createdAt,
    session.lastSeenAt,
    session.lookupId,
    JSON.stringify(session.checkoutIds),
  ]
}

export function paySessionFromRow(row: unknown): PaySession {
  const s = paySessionRowSchema.parse(row)
  return {
    idHash: s.id_hash,
    csrfToken: s.csrf_token,
    institution: s.institution,
    primaryId: s.primary_id,
    channel: s.channel,
    returnUrl: s.return_url,
    createdAt: s.created_at,
    lastSeenAt: s.last_seen_at,
    lookupId: s.lookup_id,
    checkoutIds: checkoutIdsSchema.parse(JSON.parse(s.checkout_ids)),
  }
}

/** Reads the checkout list's column (JSON text) back, inside a transaction that appends to it. */
export function checkoutIdsFrom(row: unknown): string[] {
  return checkoutIdsSchema.parse(
    JSON.parse(z.object({ checkout_ids: z.string() }).parse(row).checkout_ids),
  )
}
