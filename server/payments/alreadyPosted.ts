/**
 * Did Alma already take this outbox row's payment? Alma does not treat `external_transaction_id` as
 * an idempotency key, so the worker looks for it in the fee's `transaction[]` before every try: a crash
 * between Alma's answer and our commit must not post the money twice.
 */
import type { AlmaFee } from '../alma/port.ts'
import type { PostingRecord } from '../store/repository.ts'

export type AlmaPaymentCheck =
  | 'absent'
  | 'present'
  /** Alma holds an unexplained payment with our tx but another amount: a human must look. */
  | 'mismatch'

/**
 * One checkout may pay the same fee more than once with the same tx (money re-allocated onto a fee
 * that also had its own line), so entries are matched as a multiset: each row already marked posted
 * accounts for one entry of its amount, and only the entries left over can belong to `posting`.
 */
export function checkAlmaForPayment(
  fee: AlmaFee,
  posting: PostingRecord,
  checkoutPostings: readonly PostingRecord[],
): AlmaPaymentCheck {
  const entries = fee.transactions
    .filter((entry) => entry.externalTransactionId === posting.tx)
    .map((entry) => entry.amountCents)
  for (const other of checkoutPostings) {
    if (
      other.id === posting.id ||
      other.status !== 'posted' ||
      other.feeId !== posting.feeId ||
      other.tx !== posting.tx
    ) {
      continue
    }
    const index = entries.indexOf(other.amountCents)
    if (index !== -1) entries.splice(index, 1)
  }
  if (entries.includes(posting.amountCents)) return 'present'
  return entries.length > 0 ? 'mismatch' : 'absent'
}
