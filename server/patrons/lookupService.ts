/**
 * Card number → the patron's active fees, for the kiosk. The Alma user and the active fees are
 * fetched in parallel (the lookup costs one Alma round trip, not two); the Alma primary id stays in
 * the lookup store behind an opaque, expiring `lookupId`.
 */
import { randomBytes } from 'node:crypto'
import type { Fee, LookupResponse } from '../../common/api.ts'
import { AlmaError } from '../alma/errors.ts'
import type { AlmaFee, AlmaPort, AlmaUser } from '../alma/port.ts'
import type { Clock } from '../ops/clock.ts'
import { maskId } from '../ops/redact.ts'
import { PatronError } from './errors.ts'
import type { LookupStore } from './lookupStore.ts'

export interface LookupLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
}

export interface LookupServiceOptions {
  alma: AlmaPort
  lookups: LookupStore
  /** The Alma identifier type the cards are loaded under (BARCODE, UNIV_ID, all_unique, …). */
  userIdType: string
  /** e.g. /^\d{10}$/ from the configuration. */
  cardNumberPattern: RegExp
  lookupTtlMs: number
  clock: Clock
  /** Default: 192 random bits, base64url. */
  newId?: () => string
  logger?: LookupLogger
}

export interface LookupService {
  lookup(kioskId: string, cardNumber: string): Promise<LookupResponse>
}

const silentLogger: LookupLogger = { info: () => undefined, warn: () => undefined }
const defaultNewId = () => randomBytes(24).toString('base64url')
const askStaff = 'Please ask at the service desk.'

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

/** Throws the specific PatronError when the account may not be used at the kiosk. */
function checkStanding(user: AlmaUser, today: string): void {
  if (user.status.toUpperCase() !== 'ACTIVE') {
    throw new PatronError('inactive', { reason: `This library account is not active. ${askStaff}` })
  }
  if (user.expiryDate !== null && user.expiryDate < today) {
    throw new PatronError('expired', {
      reason: `This library account expired on ${user.expiryDate}. ${askStaff}`,
    })
  }
  const block = user.blocks.find(
    (candidate) => candidate.expiresAt === null || candidate.expiresAt >= today,
  )
  if (block) {
    const what = block.description.trim().replace(/\.$/, '') || 'This library account is blocked'
    throw new PatronError('blocked', { reason: `${what}. ${askStaff}` })
  }
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

/** Oldest first (the order partial payments are allocated in); the id breaks ties stably. */
function byAge(a: AlmaFee, b: AlmaFee): number {
  const difference = Date.parse(a.creationTime) - Date.parse(b.creationTime)
  if (difference !== 0 && !Number.isNaN(difference)) return difference
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

export function createLookupService(o: LookupServiceOptions): LookupService {
  const newId = o.newId ?? defaultNewId
  const logger = o.logger ?? silentLogger

  return {
    async lookup(kioskId: string, cardNumber: string): Promise<LookupResponse> {
      const card = maskId(cardNumber)
      if (!o.cardNumberPattern.test(cardNumber)) {
        logger.info({ kioskId, card }, 'lookup refused: card number does not match the pattern')
        throw new PatronError('invalid_card')
      }

      // In parallel, and both settled before answering: no call is left running (and retrying)
      // behind an answer that has already gone to the kiosk.
      const [userResult, feesResult] = await Promise.allSettled([
        o.alma.getUser(cardNumber, o.userIdType),
        o.alma.listActiveFees(cardNumber, o.userIdType),
      ])
      if (userResult.status === 'rejected' || feesResult.status === 'rejected') {
        const reasons = [userResult, feesResult].flatMap((result) =>
          result.status === 'rejected' ? [result.reason as unknown] : [],
        )
        const notFound = reasons.find(
          (reason) => reason instanceof AlmaError && reason.kind === 'not_found',
        )
        if (notFound) {
          logger.info({ kioskId, card }, 'lookup: no Alma user for this card')
          throw new PatronError('not_found', { cause: notFound })
        }
        const [first] = reasons
        logger.warn(
          {
            kioskId,
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
      try {
        checkStanding(user, localDate(now))
      } catch (error) {
        if (error instanceof PatronError) {
          logger.info({ kioskId, card, refused: error.kind }, 'lookup refused: account standing')
        }
        throw error
      }

      const payable = fees.fees.filter((fee) => fee.balanceCents > 0).sort(byAge)
      const totalCents = payable.reduce((sum, fee) => sum + fee.balanceCents, 0)
      const expiresAt = now + o.lookupTtlMs
      const lookupId = newId()
      o.lookups.save({
        lookupId,
        kioskId,
        primaryId: user.primaryId,
        feeIds: payable.map((fee) => fee.id),
        currency: fees.currency,
        expiresAt,
      })
      logger.info(
        { kioskId, card, accountType: user.accountType, fees: payable.length, totalCents },
        'lookup answered',
      )
      return {
        lookupId,
        patron: { displayName: displayName(user.firstName, user.lastName), notices: [] },
        fees: payable.map(toKioskFee),
        feesBeingPosted: [],
        totalCents,
        currency: fees.currency,
        expiresAt: new Date(expiresAt).toISOString(),
      }
    },
  }
}
