/**
 * The circulation desk: look a patron up (Alma user id or barcode), take a payment without cash
 * (CashNet opens in a new tab on the desk computer; the payment is `desk:<username>`), and give the
 * patron a pay link by email or as a QR code. Every action is audited; patron data stays within the
 * staff member's institutions.
 */
import type {
  CheckoutCreated,
  CheckoutRequest,
  CheckoutState,
  CheckoutStatus,
} from '../../common/api.ts'
import type { CreatedPayLink, DeskPatron, PayLinkInfo } from '../../common/staffApi.ts'
import { maskEmail } from '../ops/redact.ts'
import { PatronError } from '../patrons/errors.ts'
import type { LookupService } from '../patrons/lookupService.ts'
import type { LookupStore } from '../patrons/lookupStore.ts'
import { PaymentError } from '../payments/errors.ts'
import { deskHolder } from '../payments/holder.ts'
import type { CheckoutService } from '../payments/checkoutService.ts'
import type { PayLinks } from '../pay/payLinks.ts'
import type { Clock } from '../ops/clock.ts'
import type { PayLinkRecord, PayLinkRepository } from '../store/payLinks.ts'
import type { StaffRepository } from '../store/staff.ts'
import { StaffRequestError } from './errors.ts'

/** Sends a pay link to the patron's preferred email in Alma; answers where it went. */
export type PayLinkMailer = (input: {
  institution: string
  primaryId: string
  url: string
  expiresAt: number
}) => Promise<{ to: string }>

export interface DeskServiceDeps {
  lookupsFor: (institution: string) => LookupService
  checkoutsFor: (institution: string) => CheckoutService
  lookupStore: LookupStore
  payLinks: PayLinks
  payLinkStore: PayLinkRepository
  /** Null when email is not configured: `send: "email"` is refused. */
  mailer: PayLinkMailer | null
  staffStore: Pick<StaffRepository, 'appendAudit'>
  clock: Clock
  maxWaitSeconds: number
}

export interface DeskStaff {
  username: string
  institutions: readonly string[]
}

const iso = (ms: number) => new Date(ms).toISOString()

/** The kiosk's refusals, in the staff API's words. */
function staffErrorOf(error: unknown): unknown {
  if (error instanceof PatronError) {
    if (error.kind === 'not_found' || error.kind === 'invalid_card') {
      return new StaffRequestError('not_found', 'Alma has no patron with that id.', {
        field: 'patronId',
      })
    }
    if (error.kind === 'alma_unavailable') {
      return new StaffRequestError(
        'alma_unavailable',
        "Alma can't be reached right now; try again.",
      )
    }
    return new StaffRequestError('patron_refused', error.reason ?? error.message, {
      reason: error.kind,
    })
  }
  if (error instanceof PaymentError) {
    if (error.kind === 'checkout_not_found') {
      return new StaffRequestError('not_found', 'No such desk payment.')
    }
    if (error.kind === 'alma_unavailable') {
      return new StaffRequestError(
        'alma_unavailable',
        "Alma can't be reached right now; try again.",
      )
    }
    return new StaffRequestError('payment_refused', error.message, { reason: error.kind })
  }
  return error
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw staffErrorOf(error)
  }
}

function payLinkInfo(link: PayLinkRecord, now: number): PayLinkInfo {
  return {
    id: link.id,
    delivery: link.delivery,
    createdBy: link.createdBy,
    createdAt: iso(link.createdAt),
    expiresAt: iso(link.expiresAt),
    openedAt: link.openedAt === null ? null : iso(link.openedAt),
    revokedAt: link.revokedAt === null ? null : iso(link.revokedAt),
    state: link.revokedAt !== null ? 'revoked' : link.expiresAt <= now ? 'expired' : 'active',
  }
}

export function createDeskService(deps: DeskServiceDeps) {
  const { clock } = deps

  /** The institution a desk request is for: the one named, or the staff member's only one. */
  function institutionOf(staff: DeskStaff, requested: string | undefined): string {
    if (requested !== undefined) {
      if (!staff.institutions.includes(requested)) {
        throw new StaffRequestError('not_found', 'No such institution.')
      }
      return requested
    }
    const [only, ...others] = staff.institutions
    if (!only || others.length > 0) {
      throw new StaffRequestError(
        'invalid_request',
        'institution: is required (you serve several)',
        {
          field: 'institution',
        },
      )
    }
    return only
  }

  const audit = (
    staff: DeskStaff,
    institution: string,
    action: string,
    target: string | null,
    detail: Record<string, unknown> = {},
  ) =>
    deps.staffStore.appendAudit({
      at: clock.now(),
      actor: staff.username,
      institution,
      action,
      target,
      detail,
    })

  async function lookupPatron(
    staff: DeskStaff,
    request: { patronId: string; institution?: string | undefined },
  ): Promise<DeskPatron> {
    const institution = institutionOf(staff, request.institution)
    const lookup = await translated(() =>
      deps.lookupsFor(institution).lookupPatron(deskHolder(staff.username), request.patronId),
    )
    const saved = await deps.lookupStore.get(lookup.lookupId, clock.now())
    if (!saved) throw new Error('a lookup just made is gone')
    await audit(staff, institution, 'patron_looked_up', `patron:${saved.primaryId}`)
    return { patron: { primaryId: saved.primaryId, name: saved.patronName }, lookup }
  }

  /** The desk's own lookup (made by this staff member), or a refusal. */
  async function ownLookup(staff: DeskStaff, lookupId: string) {
    const lookup = await deps.lookupStore.get(lookupId, clock.now())
    if (
      lookup?.holder !== deskHolder(staff.username).id ||
      !staff.institutions.includes(lookup.institution)
    ) {
      throw new StaffRequestError('payment_refused', 'Look the patron up again.', {
        reason: 'lookup_expired',
        field: 'lookupId',
      })
    }
    return lookup
  }

  async function takePayment(staff: DeskStaff, request: CheckoutRequest): Promise<CheckoutCreated> {
    const lookup = await ownLookup(staff, request.lookupId)
    const created = await translated(() =>
      deps.checkoutsFor(lookup.institution).create(deskHolder(staff.username), request),
    )
    await audit(
      staff,
      lookup.institution,
      'desk_payment_started',
      `checkout:${created.checkoutId}`,
      {
        amountCents: created.amountCents,
      },
    )
    return created
  }

  /** A desk payment of this staff member, at one of their institutions. */
  async function paymentState(
    staff: DeskStaff,
    checkoutId: string,
    wait?: { status: CheckoutStatus; seconds: number },
  ): Promise<CheckoutState> {
    const holder = deskHolder(staff.username)
    for (const institution of staff.institutions) {
      try {
        const checkouts = deps.checkoutsFor(institution)
        return wait
          ? await checkouts.waitForChange(
              holder,
              checkoutId,
              wait.status,
              Math.min(wait.seconds, deps.maxWaitSeconds) * 1000,
            )
          : await checkouts.getState(holder, checkoutId)
      } catch (error) {
        if (!(error instanceof PaymentError && error.kind === 'checkout_not_found')) {
          throw staffErrorOf(error)
        }
      }
    }
    throw new StaffRequestError('not_found', 'No such desk payment.')
  }

  async function cancelPayment(staff: DeskStaff, checkoutId: string): Promise<CheckoutState> {
    const holder = deskHolder(staff.username)
    for (const institution of staff.institutions) {
      try {
        const state = await deps.checkoutsFor(institution).cancel(holder, checkoutId)
        await audit(staff, institution, 'desk_payment_cancelled', `checkout:${checkoutId}`)
        return state
      } catch (error) {
        if (!(error instanceof PaymentError && error.kind === 'checkout_not_found')) {
          throw staffErrorOf(error)
        }
      }
    }
    throw new StaffRequestError('not_found', 'No such desk payment.')
  }

  async function sendPayLink(
    staff: DeskStaff,
    request: { patronId: string; send: 'email' | 'qr'; institution?: string | undefined },
  ): Promise<CreatedPayLink> {
    const institution = institutionOf(staff, request.institution)
    if (request.send === 'email' && !deps.mailer) {
      throw new StaffRequestError(
        'email_unavailable',
        'Email is not set up for this service; show the QR code instead.',
      )
    }
    // The patron as Alma has them now: a link is never made for someone who may not pay.
    const { patron } = await lookupPatron(staff, { patronId: request.patronId, institution })
    const created = await deps.payLinks.create({
      institution,
      primaryId: patron.primaryId,
      delivery: request.send,
      createdBy: `desk:${staff.username}`,
    })
    let sentTo: string | null = null
    if (request.send === 'email' && deps.mailer) {
      try {
        sentTo = maskEmail(
          (
            await deps.mailer({
              institution,
              primaryId: patron.primaryId,
              url: created.url,
              expiresAt: created.link.expiresAt,
            })
          ).to,
        )
      } catch (error) {
        // A link nobody received must not stay usable.
        await deps.payLinkStore.revokePayLink(created.link.id, {
          institutions: [institution],
          by: 'system',
          now: clock.now(),
        })
        throw error
      }
    }
    await audit(staff, institution, 'pay_link_created', `pay_link:${created.link.id}`, {
      delivery: request.send,
      patron: patron.primaryId,
    })
    return {
      id: created.link.id,
      url: created.url,
      expiresAt: iso(created.link.expiresAt),
      qrSvg: created.qrSvg,
      sentTo,
    }
  }

  async function listPayLinks(
    staff: DeskStaff,
    request: { patronId: string; institution?: string | undefined },
  ): Promise<PayLinkInfo[]> {
    const institutions = request.institution
      ? [institutionOf(staff, request.institution)]
      : [...staff.institutions]
    const links = await deps.payLinkStore.listPayLinks(institutions, request.patronId)
    return links.map((link) => payLinkInfo(link, clock.now()))
  }

  async function revokePayLink(staff: DeskStaff, id: number): Promise<PayLinkInfo> {
    const revoked = await deps.payLinkStore.revokePayLink(id, {
      institutions: staff.institutions,
      by: staff.username,
      now: clock.now(),
    })
    if (!revoked) throw new StaffRequestError('not_found', 'No such pay link.')
    await audit(staff, revoked.institution, 'pay_link_revoked', `pay_link:${id}`)
    return payLinkInfo(revoked, clock.now())
  }

  return {
    lookupPatron,
    takePayment,
    paymentState,
    cancelPayment,
    sendPayLink,
    listPayLinks,
    revokePayLink,
  }
}

export type DeskService = ReturnType<typeof createDeskService>
