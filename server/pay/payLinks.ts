/**
 * Pay links: staff (or a kiosk, for a patron in a queue) give a patron a link to pay on their own
 * phone, by email or as a QR code. The token is 256 random bits; only its SHA-256 is stored, so a
 * copy of the database opens no link. A link names one patron of one institution, expires (email
 * links last days, QR codes minutes), can be revoked, and shows the fees as Alma has them when it
 * is opened. The Alma user id never appears in the link.
 */
import { randomBytes } from 'node:crypto'
import QRCode from 'qrcode'
import { serviceUrl } from '../../common/cashnet.ts'
import { payPaths } from '../../common/payApi.ts'
import type { Clock } from '../ops/clock.ts'
import type { PayLinkDelivery, PayLinkRecord, PayLinkRepository } from '../store/payLinks.ts'
import { sha256Hex } from '../ops/sha256.ts'

export interface PayLinkTtls {
  emailMs: number
  qrMs: number
}

export class PayLinkError extends Error {
  override readonly name = 'PayLinkError'
  /** `not_found`: no such link; `gone`: expired or revoked. */
  readonly kind: 'not_found' | 'gone'

  constructor(kind: 'not_found' | 'gone', message: string) {
    super(message)
    this.kind = kind
  }
}

export interface CreatedPayLink {
  link: PayLinkRecord
  url: string
  /** An SVG QR code of `url`, for links shown on a screen. */
  qrSvg: string | null
}

/** The link's path: `/pay/l/<token>`. */
function payLinkPath(token: string): string {
  return `${payPaths.link}/${encodeURIComponent(token)}`
}

export function qrSvgOf(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}

export function createPayLinks(deps: {
  store: PayLinkRepository
  clock: Clock
  publicBaseUrl: string
  ttls: PayLinkTtls
}) {
  const { store, clock } = deps

  async function create(input: {
    institution: string
    primaryId: string
    delivery: PayLinkDelivery
    createdBy: string
  }): Promise<CreatedPayLink> {
    const token = randomBytes(32).toString('base64url')
    const now = clock.now()
    const link = await store.createPayLink({
      institution: input.institution,
      tokenHash: sha256Hex(token),
      primaryId: input.primaryId,
      delivery: input.delivery,
      createdBy: input.createdBy,
      createdAt: now,
      expiresAt: now + (input.delivery === 'email' ? deps.ttls.emailMs : deps.ttls.qrMs),
    })
    const url = serviceUrl(deps.publicBaseUrl, payLinkPath(token))
    return { link, url, qrSvg: input.delivery === 'email' ? null : await qrSvgOf(url) }
  }

  /** The link a token stands for, if it may still be used; the first opening is recorded. */
  async function open(token: string): Promise<PayLinkRecord> {
    const link = /^[A-Za-z0-9_-]{20,100}$/.test(token)
      ? await store.payLinkByHash(sha256Hex(token))
      : null
    if (!link) throw new PayLinkError('not_found', 'This payment link is not valid.')
    if (link.revokedAt !== null) {
      throw new PayLinkError('gone', 'This payment link was cancelled by the library.')
    }
    if (link.expiresAt <= clock.now()) {
      throw new PayLinkError('gone', 'This payment link has expired.')
    }
    if (link.openedAt === null) await store.markPayLinkOpened(link.id, clock.now())
    return link
  }

  return { create, open }
}

export type PayLinks = ReturnType<typeof createPayLinks>
