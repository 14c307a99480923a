/**
 * What a verified, successful postback for a known checkout does to it. Pure: a repository reads the
 * checkout and whichever checkout already holds the CashNet `tx`, inside its transaction, asks this
 * function, and applies the answer — so every storage engine applies the same rules.
 */
import type { CheckoutStatus } from '../../../common/api.ts'

export type PaymentAcceptance =
  /** Paid now: outbox rows for every line. A cancelled, expired or failed checkout is honoured too. */
  | { kind: 'accept'; honouredFrom: CheckoutStatus | null }
  /** The same `tx` again: CashNet repeating itself; nothing changes. */
  | { kind: 'duplicate' }
  /** The money is real but belongs nowhere: an `unmatched_payment` exception for staff. */
  | { kind: 'unmatched'; reason: string; because: 'tx_reused' | 'second_payment' }

export function decidePaymentAcceptance(input: {
  checkout: { id: string; status: CheckoutStatus; cashnetTx: string | null }
  tx: string
  /** The checkout this `tx` already paid, if any. */
  txOwnerId: string | null
}): PaymentAcceptance {
  const { checkout, tx, txOwnerId } = input
  if (txOwnerId !== null && txOwnerId !== checkout.id) {
    return {
      kind: 'unmatched',
      reason: `CashNet tx ${tx} already paid checkout ${txOwnerId}`,
      because: 'tx_reused',
    }
  }
  if (checkout.cashnetTx === tx) return { kind: 'duplicate' }
  if (checkout.cashnetTx !== null) {
    // The patron paid twice for one checkout: the second payment's money must reach staff.
    return {
      kind: 'unmatched',
      reason: `A second CashNet payment for a checkout already paid by tx ${checkout.cashnetTx}.`,
      because: 'second_payment',
    }
  }
  return { kind: 'accept', honouredFrom: checkout.status === 'pending' ? null : checkout.status }
}

/** A decline (`result≠0`) fails a pending checkout; any other state is left alone. */
export function decideDecline(status: CheckoutStatus): 'fail' | 'ignore' {
  return status === 'pending' ? 'fail' : 'ignore'
}

/** What a settled postback says when it paid a checkout that was no longer pending. */
export function honouredReason(honouredFrom: CheckoutStatus | null): string | null {
  return honouredFrom === null ? null : `honoured although the checkout was ${honouredFrom}`
}

/**
 * A payment decided on the checkout as the ingest read it (`seen`), before the postback's
 * transaction: when that view is of this checkout and institution and no tx had paid it, the
 * answer is the acceptance a store may apply in one step guarded by "status still as seen, still
 * no tx" (its unique `cashnet_tx` refusing a tx that paid another checkout meanwhile). Null: the
 * store reads the checkout under its locks and decides with `decidePaymentAcceptance`.
 */
export function decideAcceptanceAsSeen(input: {
  seen: { id: string; institution: string; status: CheckoutStatus; cashnetTx: string | null }
  checkoutId: string
  institution: string
  tx: string
}): Extract<PaymentAcceptance, { kind: 'accept' }> | null {
  const { seen } = input
  if (seen.id !== input.checkoutId || seen.institution !== input.institution) return null
  const decision = decidePaymentAcceptance({ checkout: seen, tx: input.tx, txOwnerId: null })
  return decision.kind === 'accept' ? decision : null
}
