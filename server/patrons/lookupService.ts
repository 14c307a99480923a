/**
 * Card number (or, for the desk and patrons' own phones, an Alma user id) → the patron's active
 * fees. The Alma user and the active fees are fetched in parallel (the lookup costs one Alma round
 * trip, not two); the Alma primary id stays in the lookup store behind an opaque, expiring
 * `lookupId` that only its holder may use.
 */
import { randomBytes } from 'node:crypto'
import type { Fee, FeeBeingPosted, LookupResponse } from '../../common/api.ts'
import { AlmaError } from '../alma/errors.ts'
import type { AlmaFee, AlmaPort } from '../alma/port.ts'
import type { Clock } from '../ops/clock.ts'
import { maskId } from '../ops/redact.ts'
import { PatronError } from './errors.ts'
import type { PaymentHolder } from '../payments/holder.ts'
import { kioskHolder } from '../payments/holder.ts'
import type { LookupStore } from './lookupStore.ts'
import { assessStanding, namesToGreet, staffName, type StandingCategory } from './standing.ts'

interface LookupLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
}

export interface LookupServiceOptions {
  /** The institution this service looks patrons up for (its code). */
  institution: string
  alma: AlmaPort
  lookups: LookupStore
  /** The Alma identifier type the cards are loaded under (BARCODE, UNIV_ID, all_unique, …). */
  userIdType: string
  /** e.g. /^\d{10}$/ from the configuration. */
  cardNumberPattern: RegExp
  lookupTtlMs: number
  /** Account categories the library does not let pay (`PAYMENT_REFUSED_FOR`). */
  refusedFor: ReadonlySet<StandingCategory>
  /** Owning libraries whose fees are payable here; null: every library's. */
  payableOwners?: ReadonlySet<string> | null
  /**
   * Money CashNet took for these fees that is not yet posted to Alma (the outbox), per fee id.
   * Subtracted before anything is offered, so a payment waiting to post is never charged twice.
   */
  pendingCentsByFee(
    institution: string,
    feeIds: readonly string[],
  ): Promise<ReadonlyMap<string, number>>
  clock: Clock
  /** Default: 192 random bits, base64url. */
  newId?: () => string
  logger?: LookupLogger
}

export interface LookupService {
  /** A kiosk's lookup by the card swiped (the card number pattern and id type of the config). */
  lookup(kioskId: string, cardNumber: string): Promise<LookupResponse>
  /**
   * Any other holder's lookup by an Alma identifier: a primary id from a pay link or Primo token,
   * or what staff typed at the desk (a primary id or a barcode: `all_unique` finds either).
   */
  lookupPatron(holder: PaymentHolder, userId: string): Promise<LookupResponse>
}

const silentLogger: LookupLogger = { info: () => undefined, warn: () => undefined }
const defaultNewId = () => randomBytes(24).toString('base64url')

/** First name and last initial ("María G."), with the initial as a whole grapheme ("Ł", "É"). */
export function displayName(firstName: string, lastName: string): string {
  const first = firstName.trim()
  const last = lastName.trim()
  const [initial] = new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(last)
  if (!initial) return first
  return first ? `${first} ${initial.segment}.` : `${initial.segment}.`
}

/** Today's date (YYYY-MM-DD) where the service runs: the campus's own calendar day. */
function localDate(ms: number): string {
  const date = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

function toKioskFee(fee: AlmaFee): Fee {
  return {
    id: fee.id,
    type: fee.typeCode,
    // Alma leaves the type off some migrated fees.
    description: fee.typeDescription || fee.typeCode || 'Library fee',
    title: fee.title,
    createdAt: fee.creationTime,
    balanceCents: fee.balanceCents,
  }
}

function toFeeBeingPosted(fee: AlmaFee, postingCents: number): FeeBeingPosted {
  return { ...toKioskFee(fee), postingCents }
}

/** Oldest first (the order partial payments are allocated in); the id breaks ties stably. */
function byAge(a: AlmaFee, b: AlmaFee): number {
  const difference = Date.parse(a.creationTime) - Date.parse(b.creationTime)
  if (difference !== 0 && !Number.isNaN(difference)) return difference
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

export function createLookupService(o: LookupServiceOptions): LookupService {
  const newId = o.newId ?? defaultNewId
  const logger = o.logger ?? silentLogger

  async function lookupBy(
    holder: PaymentHolder,
    cardNumber: string,
    userIdType: string,
  ): Promise<LookupResponse> {
    const { channel } = holder
    const card = maskId(cardNumber)
    // In parallel, and both settled before answering: no call is left running (and retrying)
    // behind an answer that has already gone to the kiosk.
    const [userResult, feesResult] = await Promise.allSettled([
      o.alma.getUser(cardNumber, userIdType),
      o.alma.listActiveFees(cardNumber, userIdType),
    ])
    if (userResult.status === 'rejected' || feesResult.status === 'rejected') {
      const reasons = [userResult, feesResult].flatMap((result) =>
        result.status === 'rejected' ? [result.reason as unknown] : [],
      )
      const notFound = reasons.find(
        (reason) => reason instanceof AlmaError && reason.kind === 'not_found',
      )
      if (notFound) {
        logger.info({ channel, card }, 'lookup: no Alma user for this card')
        throw new PatronError('not_found', { cause: notFound })
      }
      const [first] = reasons
      logger.warn(
        {
          channel,
          card,
          alma:
            first instanceof AlmaError
              ? { kind: first.kind, status: first.status, codes: first.codes }
              : null,
        },
        'lookup failed: Alma did not answer usefully',
      )
      throw new PatronError('alma_unavailable', { cause: first })
    }
    const user = userResult.value
    const fees = feesResult.value

    const now = o.clock.now()
    const standing = assessStanding(user, localDate(now), o.refusedFor)
    if (standing.refusal) {
      logger.info(
        { channel, card, refused: standing.refusal.kind },
        'lookup refused: account standing',
      )
      throw standing.refusal
    }

    const payableOwners = o.payableOwners ?? null
    const owing = fees.fees
      .filter((fee) => fee.balanceCents > 0)
      .filter((fee) => payableOwners === null || payableOwners.has(fee.ownerCode))
      .sort(byAge)
    const pending = await o.pendingCentsByFee(
      o.institution,
      owing.map((fee) => fee.id),
    )
    const payable = owing.filter((fee) => (pending.get(fee.id) ?? 0) === 0)
    const beingPosted = owing.flatMap((fee) => {
      const postingCents = pending.get(fee.id) ?? 0
      return postingCents > 0 ? [toFeeBeingPosted(fee, postingCents)] : []
    })
    const totalCents = payable.reduce((sum, fee) => sum + fee.balanceCents, 0)
    const expiresAt = now + o.lookupTtlMs
    const lookupId = newId()
    await o.lookups.save({
      lookupId,
      institution: o.institution,
      holder: holder.id,
      channel,
      primaryId: user.primaryId,
      patronName: staffName(user),
      feeIds: payable.map((fee) => fee.id),
      currency: fees.currency,
      expiresAt,
    })
    logger.info(
      {
        channel,
        card,
        accountType: user.accountType,
        standing: standing.categories,
        fees: payable.length,
        feesBeingPosted: beingPosted.length,
        totalCents,
      },
      'lookup answered',
    )
    const names = namesToGreet(user)
    return {
      lookupId,
      patron: { displayName: displayName(names.first, names.last), notices: standing.notices },
      fees: payable.map(toKioskFee),
      feesBeingPosted: beingPosted,
      totalCents,
      currency: fees.currency,
      expiresAt: new Date(expiresAt).toISOString(),
    }
  }

  return {
    lookup(kioskId, cardNumber) {
      if (!o.cardNumberPattern.test(cardNumber)) {
        logger.info(
          { channel: `kiosk:${kioskId}`, card: maskId(cardNumber) },
          'lookup refused: card number does not match the pattern',
        )
        return Promise.reject(new PatronError('invalid_card'))
      }
      return lookupBy(kioskHolder(kioskId), cardNumber, o.userIdType)
    },
    lookupPatron(holder, userId) {
      return lookupBy(holder, userId, 'all_unique')
    },
  }
}
