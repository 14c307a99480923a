/**
 * Everything the payments side stores, as one interface. Every method is async and every multi-step
 * change is atomic inside the implementation (SELECT … FOR UPDATE on PostgreSQL where SQLite uses
 * BEGIN IMMEDIATE). Storage only stores: where a change depends on a rule (is this postback a
 * duplicate? how does the payment end?), the implementation asks the pure functions in
 * `server/payments/rules/` inside its transaction and applies their answer. Every row carries its
 * institution. Times are epoch milliseconds, money is integer cents. `test/server/store/contract/`
 * is the suite every implementation passes.
 */
import type { CheckoutStatus } from '../../common/api.ts'
import type { ResolutionAction } from '../../common/staffApi.ts'

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
  /** The CashNet item code the line was sent with (checked against the postback). */
  itemCode: string
}

export interface NewCheckout {
  id: string
  /** The institution's code: every row carries it, and nothing crosses between institutions. */
  institution: string
  kioskId: string
  /** How it came in: `kiosk:<id>`, `desk:<username>`, `link` or `primo`. */
  channel: string
  /** The Alma primary id: stored here, never sent to the kiosk. */
  primaryId: string
  /** The patron's name as Alma held it, for staff; never logged, never sent to a kiosk. */
  patronName: string | null
  currency: string
  amountCents: number
  lines: NewCheckoutLine[]
  /** Every active fee's Alma balance when the checkout was made, by fee id. */
  feeBalances: Readonly<Record<string, number>>
  createdAt: number
  expiresAt: number
}

export interface CheckoutLineRecord extends Omit<NewCheckoutLine, 'itemCode'> {
  lineNo: number
  /** Null for checkouts made before item codes were recorded. */
  itemCode: string | null
}

export interface CheckoutRecord {
  id: string
  institution: string
  kioskId: string
  channel: string
  primaryId: string
  patronName: string | null
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
  /** Active fees' balances at creation; null for checkouts made before they were recorded. */
  feeBalances: Readonly<Record<string, number>> | null
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
  /** CashNet took money that matches no checkout, or matches one wrongly: an exception for staff. */
  'unmatched',
  /** Kept for postbacks recorded before `unmatched` existed (a second payment, now unmatched). */
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

/** Why a request at the postback door was refused before anything large of it was stored. */
export const refusedRequestReasons = ['wrong_secret', 'address_not_allowed', 'not_a_form'] as const
export type RefusedRequestReason = (typeof refusedRequestReasons)[number]

/** All that is kept of a refused request: never its body. */
export interface NewRefusedRequest {
  /** Known when the secret was right but the address was not; null for a wrong secret. */
  institution: string | null
  receivedAt: number
  sourceIp: string
  method: string
  reason: RefusedRequestReason
  /** Cut to a sane length: it is whatever the sender wrote. */
  contentType: string | null
  /** The size the sender declared or sent. */
  bodyBytes: number
}

export interface RefusedRequestRecord extends NewRefusedRequest {
  id: number
}

/** What arrived, exactly as it arrived (the body possibly truncated to the size limit). */
export interface NewPostback {
  /** The institution whose postback secret the request carried. */
  institution: string
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

/**
 * What the ingest decided a stored postback does (see `server/payments/postback/matching.ts`); the
 * repository applies it in the postback's own transaction.
 */
export type PostbackAction =
  /** Recorded with its outcome and reason; nothing else changes. */
  | {
      kind: 'reject'
      outcome: PostbackOutcome
      reason: string
      tx: string | null
      checkoutId: string | null
    }
  /**
   * A successful payment for a checkout: paid (or a duplicate, or unmatched if it cannot be).
   * `seen` is the checkout as the decision read it, before the postback's transaction: a store may
   * apply the payment in one statement guarded by "still as seen", and decide again under its locks
   * only when the checkout has changed since.
   */
  | { kind: 'accept'; checkoutId: string; tx: string; amountCents: number; seen?: CheckoutRecord }
  /** A decline: a pending checkout fails; any other is left alone. */
  | { kind: 'decline'; checkoutId: string; tx: string | null; message: string }
  /** Money CashNet took that matches no checkout, or matches one wrongly. */
  | {
      kind: 'unmatched'
      checkoutId: string | null
      tx: string | null
      amountCents: number | null
      reason: string
    }

export type StoredPostback = { postbackId: number } & (
  | { kind: 'rejected' }
  | { kind: 'accepted'; checkout: CheckoutRecord; previousStatus: CheckoutStatus }
  | { kind: 'duplicate'; checkout: CheckoutRecord }
  /** `changed`: the checkout failed; false when it was no longer pending. */
  | { kind: 'declined'; checkout: CheckoutRecord; changed: boolean }
  | {
      kind: 'unmatched'
      reference: string
      /** The same tx was already recorded (CashNet repeating itself). */
      duplicate: boolean
      because: 'not_matched' | 'tx_reused' | 'second_payment'
    }
)

// ---- Outbox (alma_postings) ---------------------------------------------------------------

export const postingStatuses = ['pending', 'posted', 'reallocated', 'exception'] as const
export type PostingStatus = (typeof postingStatuses)[number]

/**
 * What became of the last Alma pay call: `sent` until an answer is recorded (a crash leaves it so),
 * `uncertain` when the answer does not say whether Alma applied it (timeout, network error, 5xx,
 * 429, an unreadable body), `refused` when Alma definitely did not apply it.
 */
export const attemptOutcomes = ['sent', 'uncertain', 'refused'] as const
type AttemptOutcome = (typeof attemptOutcomes)[number]

export interface PostingRecord {
  id: number
  institution: string
  checkoutId: string
  /** Set for a row queued by a staff resolution of this exception. */
  exceptionId: number | null
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
  /** Alma pay calls made for this row (each recorded before it was sent). */
  attempts: number
  /** Times the row was put off without a pay call (the backoff's exponent). */
  deferrals: number
  /** When the last pay call was sent; null before the first. */
  lastAttemptAt: number | null
  attemptOutcome: AttemptOutcome | null
  /** Since when Alma's answers for this row could not be understood; null while they can. */
  unreadableSince: number | null
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

/**
 * Money a person must look at:
 * - `unapplied_money`: posted as far as it went; no active fee could take the rest;
 * - `unmatched_payment`: CashNet took money (a verified postback with result 0) that matches no
 *   checkout, or matches one wrongly; never posted to Alma automatically;
 * - `posting_stuck`: Alma's answers for a line cannot be understood for a while; retries go on and
 *   the exception closes itself if the line posts;
 * - `alma_refused`: Alma refused the payment (e.g. the fee is API-restricted);
 * - `alma_mismatch`: Alma holds a payment with our tx that no line of the checkout explains.
 */
export const paymentExceptionKinds = [
  'unapplied_money',
  'unmatched_payment',
  'posting_stuck',
  'alma_refused',
  'alma_mismatch',
] as const
export type PaymentExceptionKind = (typeof paymentExceptionKinds)[number]

/** The kinds a posting row can end in (the others come from postbacks or the stuck watch). */
export type PostingExceptionKind = Extract<
  PaymentExceptionKind,
  'unapplied_money' | 'alma_refused' | 'alma_mismatch'
>

export interface PaymentExceptionRecord {
  id: number
  institution: string
  /** What staff (and, for unapplied money, the patron's receipt) quote. */
  reference: string
  kind: PaymentExceptionKind
  /** Null for a payment that matches no checkout. */
  checkoutId: string | null
  postingId: number | null
  postbackId: number | null
  /** CashNet's transaction number; null when the postback carried none we could believe. */
  tx: string | null
  feeId: string | null
  /** Null when the postback's amounts could not be read. */
  amountCents: number | null
  reason: string
  createdAt: number
  resolvedAt: number | null
  resolvedBy: string | null
  /** How it was resolved: a staff action, or `posted` when the line healed itself. */
  resolutionAction: string | null
  /** The resolution's particulars. */
  resolution: { note?: string | null; reference?: string | null; feeId?: string | null } | null
}

/** An outbox row a staff resolution queues: the money of the exception, to one fee. */
export interface ResolutionPosting {
  primaryId: string
  feeId: string
  feeDescription: string
  feeTitle: string | null
  amountCents: number
}

export interface ResolveExceptionInput {
  exceptionId: number
  /** The staff member's institutions: an exception of another is not found. */
  institutions: readonly string[]
  action: ResolutionAction
  by: string
  note: string
  reference: string | null
  feeId: string | null
  /** apply_to_fee / retry_posting: the row to queue (a stuck line is nudged instead). */
  posting: ResolutionPosting | null
  now: number
}

export type ResolveExceptionResult =
  | { kind: 'resolved'; exception: PaymentExceptionRecord }
  | { kind: 'repeat'; exception: PaymentExceptionRecord }
  | { kind: 'conflict'; exception: PaymentExceptionRecord; reason: string }
  | { kind: 'not_allowed'; exception: PaymentExceptionRecord; reason: string }
  | { kind: 'not_found' }

export interface UnmatchedPaymentInput {
  institution: string
  postbackId: number
  /** The checkout the postback named, when it named exactly one we know. */
  checkoutId: string | null
  tx: string | null
  /** What CashNet reports it took, when readable. */
  amountCents: number | null
  reason: string
  now: number
}

export type UnmatchedPaymentResult =
  | { kind: 'recorded'; reference: string }
  /** The same tx was already recorded (CashNet repeating its postback). */
  | { kind: 'duplicate'; reference: string }

export interface EventRecord {
  id: number
  institution: string
  at: number
  checkoutId: string | null
  type: string
  detail: Record<string, unknown>
}

/** The staff reference for money of CashNet transaction `tx` that could not be applied. */
export function exceptionReferenceFor(tx: string): string {
  return `EXC-${tx}`
}

/** The reference for money whose postback carried no believable tx: the raw postback's number. */
export function exceptionReferenceForPostback(postbackId: number): string {
  return `EXC-PB${postbackId}`
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

  /**
   * One transaction: the raw postback (append-only; nothing about it ever changes afterwards but
   * its one settlement), then what `action` does — paid with one outbox row per line, failed, an
   * unmatched-payment exception, or just the outcome recorded. If applying fails, the raw postback
   * is still kept (unsettled) before the error goes on.
   */
  storePostback(postback: NewPostback, action: PostbackAction, now: number): Promise<StoredPostback>
  /** Keeps a refused request's small record, dropping the oldest beyond the newest `keep`. */
  recordRefusedRequest(request: NewRefusedRequest, keep: number): Promise<void>
  /** Newest first. */
  listRefusedRequests(options?: { limit?: number }): Promise<RefusedRequestRecord[]>
  getPostback(postbackId: number): Promise<PostbackRecord | null>
  listPostbacks(options?: { afterId?: number; limit?: number }): Promise<PostbackRecord[]>

  /** Leases the due pending rows of one checkout that nobody else holds; null when none are due. */
  claimPostings(owner: string, now: number, leaseMs: number): Promise<ClaimedPostings | null>
  /** Extends the lease on the owner's rows of a checkout; false when the lease was lost. */
  renewLease(checkoutId: string, owner: string, leaseUntil: number): Promise<boolean>
  /** Releases the owner's leases on a checkout's rows (after processing, or on stop). */
  releaseLeases(checkoutId: string, owner: string): Promise<void>
  /**
   * Records a pay call about to be sent (attempt number, sent-at) and moves the row's next try to
   * `settleUntil`, so a crash while the call is out leaves it waiting, not paid again. Answers the
   * attempt number, or null when the lease was lost (then nothing must be sent).
   */
  recordPayAttempt(
    postingId: number,
    owner: string,
    attempt: { now: number; settleUntil: number },
  ): Promise<number | null>
  /**
   * Records how the last pay call ended when it did not post: `uncertain` keeps the settle window
   * and releases the row; `refused` (Alma definitely did not apply it) keeps the lease so the caller
   * decides at once. `unreadable` marks an answer that could not be understood.
   */
  recordPayOutcome(
    postingId: number,
    owner: string,
    outcome: { outcome: 'uncertain' | 'refused'; error: string; unreadable: boolean; now: number },
  ): Promise<boolean>
  markPosted(
    postingId: number,
    owner: string,
    result: { balanceAfterCents: number; foundInAlma: boolean; now: number },
  ): Promise<boolean>
  /** Puts a row off without a pay call (deferrals + 1) and releases it. */
  reschedulePosting(
    postingId: number,
    owner: string,
    retry: { nextAttemptAt: number; error: string; unreadable: boolean; now: number },
  ): Promise<boolean>
  /** One transaction: the row → reallocated, its money into new rows and/or an exception. */
  reallocatePosting(postingId: number, owner: string, input: ReallocationInput): Promise<boolean>
  /** The row's money becomes an exception of `kind` for staff. */
  markPostingException(
    postingId: number,
    owner: string,
    input: { kind: PostingExceptionKind; reason: string; now: number },
  ): Promise<boolean>
  /**
   * Opens a `posting_stuck` exception for a row still pending (once: false when one is open).
   * `markPosted` closes it.
   */
  openPostingStuck(postingId: number, input: { reason: string; now: number }): Promise<boolean>
  /** Sum of pending (not yet posted) outbox money per fee of one institution, for the given fees. */
  pendingCentsByFee(institution: string, feeIds: readonly string[]): Promise<Map<string, number>>
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
  /** The earliest `nextAttemptAt` of an unsettled row; null when the outbox is empty. */
  nextPostingDueAt(): Promise<number | null>

  listExceptions(options?: {
    checkoutId?: string
    institution?: string
  }): Promise<PaymentExceptionRecord[]>
  getException(exceptionId: number): Promise<PaymentExceptionRecord | null>
  /**
   * One transaction: the exception resolved (who, what, particulars, an event) and, for money that
   * goes on to Alma, an outbox row carrying the exception's tx. Decided by `decideResolution`.
   */
  resolveException(input: ResolveExceptionInput): Promise<ResolveExceptionResult>
  /** Open exceptions of one institution per kind (every kind, zero included). */
  countOpenExceptions(institution: string): Promise<Record<PaymentExceptionKind, number>>
  listEvents(options?: { checkoutId?: string }): Promise<EventRecord[]>
  /**
   * Rows written before the service knew institutions carry none; a single-campus service adopts
   * them into its one institution at start. Answers how many rows changed.
   */
  adoptUnassignedRows(institution: string): Promise<number>
  /** How many rows carry no institution yet. */
  countUnassignedRows(): Promise<number>
  /** Cheap query proving the store answers (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}
