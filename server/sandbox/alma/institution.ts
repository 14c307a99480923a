/**
 * The sandbox Alma's data and rules, apart from HTTP: finding users by identifier type, listing and
 * paying fees, and the ledger of accepted payments. Refusals carry Alma's error codes.
 */
import { centsFromDecimalString } from '../../../common/money.ts'
import type { SandboxFee, SandboxPatron } from './seed.ts'

export interface SandboxPayment {
  userPrimaryId: string
  feeId: string
  amountCents: number
  method: string
  externalTransactionId: string | null
  at: string
}

/** A refusal as Alma would answer it (HTTP status + errorCode + errorMessage). */
export class SandboxAlmaRefusal extends Error {
  readonly status: number
  readonly code: string

  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

/** The payment methods Alma documents for op=pay. */
const paymentMethods = new Set(['CREDIT_CARD', 'ONLINE', 'CASH'])

const parameterNotValid = (what: string) =>
  new SandboxAlmaRefusal(400, '401666', `Parameter is not valid: ${what}`)

export class SandboxInstitution {
  private patrons: SandboxPatron[]
  private readonly payments: SandboxPayment[] = []
  private readonly now: () => Date

  constructor(seed: SandboxPatron[], now: () => Date) {
    this.patrons = structuredClone(seed)
    this.now = now
  }

  reset(seed: SandboxPatron[]): void {
    this.patrons = structuredClone(seed)
    this.payments.length = 0
  }

  ledger(): SandboxPayment[] {
    return this.payments.map((payment) => ({ ...payment }))
  }

  /**
   * `all_unique` (Alma's default) matches the primary id (case-insensitively) or any identifier;
   * any other type matches identifiers of that type only.
   */
  findUser(userId: string, userIdType: string): SandboxPatron {
    const type = userIdType || 'all_unique'
    const found = this.patrons.find((patron) =>
      type === 'all_unique'
        ? patron.primaryId.toLowerCase() === userId.toLowerCase() ||
          patron.identifiers.some((identifier) => identifier.value === userId)
        : patron.identifiers.some(
            (identifier) => identifier.type === type && identifier.value === userId,
          ),
    )
    if (found) return found
    if (type === 'all_unique') {
      throw new SandboxAlmaRefusal(400, '401861', `User with identifier ${userId} was not found.`)
    }
    throw new SandboxAlmaRefusal(
      400,
      '401890',
      `User with identifier ${userId} of type ${type} was not found.`,
    )
  }

  /** The fees endpoints answer an unknown user with "Identifier not found", as Alma documents. */
  findFeeOwner(userId: string, userIdType: string): SandboxPatron {
    try {
      return this.findUser(userId, userIdType)
    } catch (error) {
      if (error instanceof SandboxAlmaRefusal) {
        throw new SandboxAlmaRefusal(400, '401651', `Identifier not found: ${userId}`)
      }
      throw error
    }
  }

  listFees(patron: SandboxPatron, status: string): SandboxFee[] {
    const wanted = status.toUpperCase()
    if (!['ACTIVE', 'INDISPUTE', 'EXPORTED', 'CLOSED'].includes(wanted)) {
      throw parameterNotValid('status')
    }
    return patron.fees.filter((fee) => fee.status === wanted)
  }

  findFee(patron: SandboxPatron, feeId: string): SandboxFee {
    const fee = patron.fees.find((candidate) => candidate.id === feeId)
    if (!fee) throw new SandboxAlmaRefusal(400, '401665', 'Fine not found')
    return fee
  }

  /** POST …/fees/{fee_id}?op=pay: validates like Alma, then records the payment. */
  pay(
    patron: SandboxPatron,
    fee: SandboxFee,
    query: { amount?: string; method?: string; external_transaction_id?: string },
  ): SandboxFee {
    if (fee.apiRestricted) {
      throw new SandboxAlmaRefusal(400, '60340', 'The fee is API Restricted by library')
    }
    if (!query.method || !paymentMethods.has(query.method)) throw parameterNotValid('method')
    const amountCents = query.amount === undefined ? null : centsFromDecimalString(query.amount)
    if (amountCents === null || amountCents <= 0) throw parameterNotValid('amount')
    if (fee.status !== 'ACTIVE' || amountCents > fee.balanceCents) {
      throw new SandboxAlmaRefusal(
        400,
        '401666',
        'Parameter is not valid: amount is higher than the fee balance',
      )
    }
    const at = this.now().toISOString()
    // An empty parameter is no id at all.
    const given = query.external_transaction_id
    const externalTransactionId = given === undefined || given === '' ? null : given
    fee.transactions.push({
      type: 'PAYMENT',
      amountCents,
      externalTransactionId,
      method: query.method,
      time: at,
    })
    fee.balanceCents -= amountCents
    // A full payment closes the fee, so it no longer shows under status=ACTIVE.
    if (fee.balanceCents === 0) fee.status = 'CLOSED'
    this.payments.push({
      userPrimaryId: patron.primaryId,
      feeId: fee.id,
      amountCents,
      method: query.method,
      externalTransactionId,
      at,
    })
    return fee
  }

  primaryIdForCard(cardNumber: string): string {
    const patron = this.patrons.find((candidate) =>
      candidate.identifiers.some((identifier) => identifier.value === cardNumber),
    )
    if (!patron) throw new Error(`No sandbox patron has the card ${cardNumber}`)
    return patron.primaryId
  }

  /** As if staff waived the rest of the fee at the desk. */
  closeFee(feeId: string): void {
    const fee = this.feeById(feeId)
    if (fee.balanceCents > 0) {
      fee.transactions.push({
        type: 'WAIVE',
        amountCents: fee.balanceCents,
        externalTransactionId: null,
        method: null,
        time: this.now().toISOString(),
      })
    }
    fee.balanceCents = 0
    fee.status = 'CLOSED'
  }

  /** As if staff changed the balance; zero closes the fee, anything above reopens it. */
  setFeeBalance(feeId: string, balanceCents: number): void {
    if (!Number.isSafeInteger(balanceCents) || balanceCents < 0) {
      throw new RangeError(`balanceCents must be a non-negative integer, got ${balanceCents}`)
    }
    const fee = this.feeById(feeId)
    fee.balanceCents = balanceCents
    fee.status = balanceCents === 0 ? 'CLOSED' : 'ACTIVE'
  }

  setFeeRestricted(feeId: string, restricted: boolean): void {
    this.feeById(feeId).apiRestricted = restricted
  }

  private feeById(feeId: string): SandboxFee {
    for (const patron of this.patrons) {
      const fee = patron.fees.find((candidate) => candidate.id === feeId)
      if (fee) return fee
    }
    throw new Error(`No sandbox fee has the id ${feeId}`)
  }
}
