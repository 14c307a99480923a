/**
 * The patron's balance after a checkout posted, without asking Alma again: every active fee's
 * balance when the checkout was made, each fee this payment touched replaced by the lowest balance
 * Alma reported in a pay answer for it (balances only fall with payments, and parallel answers may
 * arrive in any order). A courtesy figure for the receipt; Alma stays the truth. Pure.
 */
import type { PostingRecord } from '../../store/repository.ts'

export function remainingBalanceAfter(
  feeBalances: Readonly<Record<string, number>> | null,
  postings: readonly Pick<PostingRecord, 'feeId' | 'status' | 'balanceAfterCents'>[],
): number | null {
  if (feeBalances === null) return null
  const balances = new Map(Object.entries(feeBalances))
  const touched = new Map<string, number>()
  for (const posting of postings) {
    if (posting.status !== 'posted' || posting.balanceAfterCents === null) continue
    const lowest = touched.get(posting.feeId)
    touched.set(
      posting.feeId,
      lowest === undefined
        ? posting.balanceAfterCents
        : Math.min(lowest, posting.balanceAfterCents),
    )
  }
  for (const [feeId, balance] of touched) balances.set(feeId, balance)
  let sum = 0
  for (const balance of balances.values()) sum += Math.max(0, balance)
  return sum
}
