/**
 * When a paid checkout is finished, and how it ends. Pure.
 */
import type { CheckoutStatus } from '../../../common/api.ts'
import type { PaymentExceptionKind, PostingStatus } from '../../store/repository.ts'

/** The kinds a line's money can end in: the payment is then `posted_with_exceptions`. */
const postingExceptionKinds: ReadonlySet<PaymentExceptionKind> = new Set([
  'unapplied_money',
  'alma_refused',
  'alma_mismatch',
])

/**
 * Null while any outbox row is pending. Otherwise `posted`, or `posted_with_exceptions` when some of
 * this payment's money (its `tx`) ended in an exception for staff.
 */
export function finalStatus(input: {
  postings: readonly { status: PostingStatus }[]
  exceptions: readonly { kind: PaymentExceptionKind; tx: string | null }[]
  tx: string
}): Extract<CheckoutStatus, 'posted' | 'posted_with_exceptions'> | null {
  if (input.postings.some((posting) => posting.status === 'pending')) return null
  const unfinished = input.exceptions.some(
    (exception) => exception.tx === input.tx && postingExceptionKinds.has(exception.kind),
  )
  return unfinished ? 'posted_with_exceptions' : 'posted'
}

/** A re-allocation must move a row's money exactly: every target positive, nothing lost or made. */
export function reallocationProblem(
  amountCents: number,
  plan: { targets: readonly { amountCents: number }[]; unapplied: { amountCents: number } | null },
): string | null {
  if (
    plan.targets.some(
      (target) => !Number.isSafeInteger(target.amountCents) || target.amountCents <= 0,
    )
  ) {
    return 'every re-allocation target must be positive cents'
  }
  const moved =
    plan.targets.reduce((sum, target) => sum + target.amountCents, 0) +
    (plan.unapplied?.amountCents ?? 0)
  return moved === amountCents ? null : `must move exactly ${amountCents} cents, not ${moved}`
}
