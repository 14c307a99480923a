/**
 * Everything the payments side stores, as one interface. Every method is async and every multi-step
 * change is atomic inside the implementation, so a PostgreSQL implementation can fill it later
 * (SELECT … FOR UPDATE where SQLite uses BEGIN IMMEDIATE). Times are epoch milliseconds, money is
 * integer cents.
 */
import type { CheckoutStatus } from '../../common/api.ts'

// ---- Checkouts ----------------------------------------------------------------------------

export interface NewCheckoutLine {
  feeId: string
  /** Alma fee type code, e.g. OVERDUEFINE. */
  feeType: string
  description: string
  title: string | null
  /** The fee's Alma creation time (ISO); allocation order. */
  feeCreatedAt: string
  amountCents: number
}

export interface NewCheckout {
  id: string
  kioskId: string
  /** The Alma primary id: stored here, never sent to the kiosk. */
  primaryId: string
  currency: string
  amountCents: number
  lines: NewCheckoutLine[]
  createdAt: number
  expiresAt: number
}

export interface CheckoutLineRecord extends NewCheckoutLine {
  lineNo: number
}

export interface CheckoutRecord {
  id: string
  kioskId: string
  primaryId: string
  currency: string
  amountCents: number
  status: CheckoutStatus
  lines: CheckoutLineRecord[]
  createdAt: number
  expiresAt: number
  updatedAt: number
  paidAt: number | null
  postedAt: number | null
  /** CashNet's transaction number of the payment that paid this checkout. */
  cashnetTx: string | null
  /** CashNet's message for a failed payment, or why the checkout ended. */
  message: string | null
  /** The patron's remaining Alma balance after posting, when it could be read. */
  remainingBalanceCents: number | null
}

/** A guarded status change: applied only when the checkout is in one of `from`. */
export interface CheckoutTransition {
  from: readonly CheckoutStatus[]
  to: CheckoutStatus
  now: number
  message?: string
  /** Audit event type recorded with the change. */
  event: string
}

// ---- Postbacks ----------------------------------------------------------------------------

export const postbackOutcomes = [
  'accepted',
  'duplicate',
  'declined',
  /** A second successful payment for an already paid checkout: kept as an exception for staff. */
  'second_payment',
  'rejected_secret',
  'rejected_ip',
  'rejected_oversized',
  'rejected_malformed',
  'rejected_reference',
  'rejected_amount',
  'rejected_tx_reused',
] as const
export type PostbackOutcome = (typeof postbackOutcomes)[number]

/** What arrived, exactly as it arrived (the body possibly truncated to the size limit). */
export interface NewPostback {
  receivedAt: number
  sourceIp: string
  method: string
  contentType: string | null
  rawBody: string | null
  rawQuery: string
  /** The body's full size in bytes, even when `rawBody` was truncated. */
  bodyBytes: number
  truncated: boolean
}

export interface PostbackSettlement {
  outcome: PostbackOutcome
  reason: string | null
  tx: string | null
  checkoutId: string | null
  now: number
}

export interface PostbackRecord extends NewPostback {
  id: number
  outcome: PostbackOutcome | null
  reason: string | null
  tx: string | null
  checkoutId: string | null
  settledAt: number | null
}

export interface AcceptPaymentInput {
  postbackId: number
  checkoutId: string
  tx: string
  now: number
}

export type AcceptPaymentResult =
  | { kind: 'accepted'; checkout: CheckoutRecord; previousStatus: CheckoutStatus }
  | { kind: 'duplicate'; checkout: CheckoutRecord }
  | { kind: 'tx_reused'; otherCheckoutId: string }
  | { kind: 'second_payment'; checkout: CheckoutRecord; exceptionReference: string }
  | { kind: 'not_found' }

export interface DeclineInput {
  postbackId: number
  checkoutId: string
  tx: string | null
  message: string
  now: number
}

export type DeclineResult =
  | { kind: 'failed'; checkout: CheckoutRecord }
  /** The checkout was no longer pending; the decline is recorded and changes nothing. */
  | { kind: 'ignored'; checkout: CheckoutRecord }
  | { kind: 'not_found' }

// ---- Outbox (alma_postings) ---------------------------------------------------------------

export type PostingStatus = 'pending' | 'posted' | 'reallocated' | 'exception'

export interface PostingRecord {
  id: number
  checkoutId: string
  /** The checkout line this row pays; null for money re-allocated from another row. */
  lineNo: number | null
  /** The row whose money this row carries on, when re-allocated. */
  parentId: number | null
  primaryId: string
  feeId: string
  feeDescription: string
  feeTitle: string | null
  amountCents: number
  tx: string
  status: PostingStatus
  attempts: number
  nextAttemptAt: number
  leaseOwner: string | null
  leaseUntil: number | null
  lastError: string | null
  /** The fee's balance after this payment, as Alma reported it. */
  balanceAfterCents: number | null
  /** True when a re-read found the payment already in Alma (a crash after Alma's answer). */
  foundInAlma: boolean
  createdAt: number
  settledAt: number | null
}

export interface ClaimedPostings {
  checkoutId: string
  /** Due pending rows of one checkout, oldest first, leased to the claimant. */
  postings: PostingRecord[]
}

export interface ReallocationTarget {
  feeId: string
  feeDescription: string
  feeTitle: string | null
  amountCents: number
}

export interface ReallocationInput {
  targets: ReallocationTarget[]
  /** Money no fee could take: becomes an unapplied-money exception. */
  unapplied: { amountCents: number; reason: string } | null
  reason: string
  now: number
}

// ---- Exceptions and events ----------------------------------------------------------------

export type PaymentExceptionKind = 'unapplied' | 'second_payment'

export interface PaymentExceptionRecord {
  id: number
  /** What staff quote; derived from the CashNet tx. */
  reference: string
  kind: PaymentExceptionKind
  checkoutId: string
  postingId: number | null
  postbackId: number | null
  tx: string
  feeId: string | null
  amountCents: number
  reason: string
  createdAt: number
  resolvedAt: number | null
}

export interface EventRecord {
  id: number
  at: number
  checkoutId: string | null
  type: string
  detail: Record<string, unknown>
}

/** The staff reference for money of CashNet transaction `tx` that could not be applied. */
export function exceptionReferenceFor(tx: string): string {
  return `EXC-${tx}`
}

// ---- The repository -----------------------------------------------------------------------

export interface PaymentsRepository {
  createCheckout(checkout: NewCheckout): Promise<void>
  getCheckout(checkoutId: string): Promise<CheckoutRecord | null>
  /** Applies a guarded status change with its audit event; null when the guard did not hold. */
  transitionCheckout(
    checkoutId: string,
    transition: CheckoutTransition,
  ): Promise<CheckoutRecord | null>
  /** Moves every pending checkout whose `expiresAt` ≤ now to `expired`; returns their ids. */
  expirePendingCheckouts(now: number): Promise<string[]>

  /** Appends the raw postback; nothing about it ever changes afterwards but its one settlement. */
  recordPostback(postback: NewPostback): Promise<number>
  /** Records a postback's outcome (once). */
  settlePostback(postbackId: number, settlement: PostbackSettlement): Promise<void>
  /** One transaction: checkout → paid, one outbox row per line, an event, the postback settled. */
  acceptPayment(input: AcceptPaymentInput): Promise<AcceptPaymentResult>
  /** One transaction: a pending checkout → failed with CashNet's message, the postback settled. */
  recordDecline(input: DeclineInput): Promise<DeclineResult>
  getPostback(postbackId: number): Promise<PostbackRecord | null>
  listPostbacks(options?: { afterId?: number; limit?: number }): Promise<PostbackRecord[]>

  /** Leases the due pending rows of one checkout that nobody else holds; null when none are due. */
  claimPostings(owner: string, now: number, leaseMs: number): Promise<ClaimedPostings | null>
  /** Extends the lease on the owner's rows of a checkout; false when the lease was lost. */
  renewLease(checkoutId: string, owner: string, leaseUntil: number): Promise<boolean>
  /** Releases the owner's leases on a checkout's rows (after processing, or on stop). */
  releaseLeases(checkoutId: string, owner: string): Promise<void>
  markPosted(
    postingId: number,
    owner: string,
    result: { balanceAfterCents: number; foundInAlma: boolean; now: number },
  ): Promise<boolean>
  reschedulePosting(
    postingId: number,
    owner: string,
    retry: { nextAttemptAt: number; error: string; now: number },
  ): Promise<boolean>
  /** One transaction: the row → reallocated, its money into new rows and/or an exception. */
  reallocatePosting(postingId: number, owner: string, input: ReallocationInput): Promise<boolean>
  /** The row's money becomes an unapplied-money exception. */
  markPostingException(
    postingId: number,
    owner: string,
    input: { reason: string; now: number },
  ): Promise<boolean>
  /** Sum of pending (not yet posted) outbox money per fee, for the given fees. */
  pendingCentsByFee(feeIds: readonly string[]): Promise<Map<string, number>>
  /** Paid checkouts whose every outbox row is settled: ready for their final status. */
  checkoutsReadyToFinalize(): Promise<string[]>
  /** paid → posted | posted_with_exceptions once no row is pending; null when not ready. */
  finalizeCheckout(
    checkoutId: string,
    input: { remainingBalanceCents: number | null; now: number },
  ): Promise<CheckoutRecord | null>
  listPostings(checkoutId: string): Promise<PostingRecord[]>
  /** Number of outbox rows not yet settled. */
  outboxDepth(): Promise<number>
  /** When the oldest unsettled outbox row was enqueued; null when the outbox is empty. */
  oldestPendingPostingCreatedAt(): Promise<number | null>

  listExceptions(options?: { checkoutId?: string }): Promise<PaymentExceptionRecord[]>
  listEvents(options?: { checkoutId?: string }): Promise<EventRecord[]>
  /** Cheap query proving the store answers (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}
