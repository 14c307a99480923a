/**
 * Did Alma already take this outbox row's payment? Alma does not treat `external_transaction_id` as
 * an idempotency key, so after any attempt whose outcome is unknown the worker looks for it in the
 * fee's `transaction[]` before paying again: a crash or a lost answer must not post the money twice.
 */
import type { AlmaFee } from '../../alma/port.ts'
import type { PostingRecord } from '../../store/repository.ts'

export type AlmaPaymentCheck =
  | 'absent'
  | 'present'
  /** Alma holds a payment with our tx that no row of this checkout explains: a human must look. */
  | 'mismatch'

type Row = Pick<PostingRecord, 'id' | 'feeId' | 'tx' | 'amountCents' | 'status'>

/** Removes one entry equal to `amountCents`; false when there is none. */
function takeOne(entries: number[], amountCents: number): boolean {
  const index = entries.indexOf(amountCents)
  if (index === -1) return false
  entries.splice(index, 1)
  return true
}

/**
 * One checkout may pay the same fee more than once with the same tx (money re-allocated onto a fee
 * that also has its own line), so Alma's entries for our tx are matched against all of this
 * checkout's rows for the fee, as a multiset:
 * 1. each row already recorded as posted accounts for one entry of its amount;
 * 2. an entry left with this row's amount means this row's payment is there (`present`);
 * 3. otherwise the entries left must be explained by the other rows still pending (paid, but the
 *    answer not yet recorded); anything else is a `mismatch`.
 * When two rows have the same amount it does not matter which of them an entry is credited to: the
 * total paid on the fee comes out right either way.
 */
export function checkAlmaForPayment(
  fee: AlmaFee,
  posting: Row,
  checkoutPostings: readonly Row[],
): AlmaPaymentCheck {
  const entries = fee.transactions
    .filter((entry) => entry.externalTransactionId === posting.tx)
    .map((entry) => entry.amountCents)
  const siblings = checkoutPostings.filter(
    (other) => other.id !== posting.id && other.feeId === posting.feeId && other.tx === posting.tx,
  )
  for (const posted of siblings.filter((other) => other.status === 'posted')) {
    takeOne(entries, posted.amountCents)
  }
  if (takeOne(entries, posting.amountCents)) return 'present'
  for (const pending of siblings.filter((other) => other.status === 'pending')) {
    takeOne(entries, pending.amountCents)
  }
  return entries.length === 0 ? 'absent' : 'mismatch'
}
