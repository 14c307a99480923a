/**
 * Pay links: a random token (only its SHA-256 stored) that lets one patron of one institution pay
 * on their own phone, until it expires or staff revoke it. Times are epoch milliseconds.
 */
import type { payLinkDeliveries } from '../../common/staffApi.ts'

export type PayLinkDelivery = (typeof payLinkDeliveries)[number]

export interface NewPayLink {
  institution: string
  /** SHA-256 (hex) of the token in the link. */
  tokenHash: string
  primaryId: string
  delivery: PayLinkDelivery
  /** `desk:<username>` or `kiosk:<id>`. */
  createdBy: string
  createdAt: number
  expiresAt: number
}

export interface PayLinkRecord extends NewPayLink {
  id: number
  revokedAt: number | null
  revokedBy: string | null
  /** The first time the link was opened; null until then. */
  openedAt: number | null
}

export interface PayLinkRepository {
  createPayLink(link: NewPayLink): Promise<PayLinkRecord>
  payLinkByHash(tokenHash: string): Promise<PayLinkRecord | null>
  getPayLink(id: number): Promise<PayLinkRecord | null>
  /** One patron's links at these institutions, newest first. */
  listPayLinks(institutions: readonly string[], primaryId: string): Promise<PayLinkRecord[]>
  /** Revokes a link not yet revoked; null when unknown or of another institution. */
  revokePayLink(
    id: number,
    input: { institutions: readonly string[]; by: string; now: number },
  ): Promise<PayLinkRecord | null>
  /** Records the first opening (later ones change nothing). */
  markPayLinkOpened(id: number, now: number): Promise<void>
}
