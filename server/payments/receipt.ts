/**
 * The patron's receipt, built from what the worker recorded: what Alma accepted per fee (including
 * money re-allocated to other fees), what could not be applied, and the balance left afterwards.
 */
import type { Receipt, ReceiptLine } from '../../common/api.ts'
import {
  exceptionReferenceFor,
  type PaymentExceptionKind,
  type CheckoutRecord,
  type PaymentExceptionRecord,
  type PostingRecord,
} from '../store/repository.ts'

/** Money of this payment that staff finish: the kinds a line can end in. */
const postingExceptionKinds: ReadonlySet<PaymentExceptionKind> = new Set([
  'unapplied_money',
  'alma_refused',
  'alma_mismatch',
])

export function buildReceipt(
  checkout: CheckoutRecord,
  postings: readonly PostingRecord[],
  exceptions: readonly PaymentExceptionRecord[],
): Receipt | null {
  const tx = checkout.cashnetTx
  if (tx === null) return null
  const lines = new Map<string, ReceiptLine & { lastSettledAt: number }>()
  for (const posting of postings) {
    if (posting.status !== 'posted' || posting.tx !== tx) continue
    const settledAt = posting.settledAt ?? 0
    const line = lines.get(posting.feeId)
    if (!line) {
      lines.set(posting.feeId, {
        feeId: posting.feeId,
        description: posting.feeDescription,
        title: posting.feeTitle,
        amountCents: posting.amountCents,
        remainingCents: posting.balanceAfterCents ?? 0,
        lastSettledAt: settledAt,
      })
      continue
    }
    line.amountCents += posting.amountCents
    // Several payments to one fee: the balance after the last one is the one that stands.
    if (settledAt >= line.lastSettledAt) {
      line.remainingCents = posting.balanceAfterCents ?? line.remainingCents
      line.lastSettledAt = settledAt
    }
  }
  const unappliedCents = exceptions
    .filter((exception) => postingExceptionKinds.has(exception.kind) && exception.tx === tx)
    .reduce((sum, exception) => sum + (exception.amountCents ?? 0), 0)

  return {
    transactionId: tx,
    amountCents: checkout.amountCents,
    postedAt: checkout.postedAt === null ? null : new Date(checkout.postedAt).toISOString(),
    lines: [...lines.values()].map(({ lastSettledAt: _ignored, ...line }) => line),
    unappliedCents,
    exceptionReference: unappliedCents > 0 ? exceptionReferenceFor(tx) : null,
    remainingBalanceCents: checkout.remainingBalanceCents,
  }
}
