/**
 * `PaymentsRepository` over PostgreSQL: each method one transaction (or plain statements for a read
 * or a single-statement change) around the aggregate modules beside it — `checkouts.ts`,
 * `postbacks.ts`, `outbox.ts`, `exceptions.ts`, `resolutions.ts` — with explicit row locks where
 * SQLite relies on its single writer, so every instance on the database sees each change whole.
 */
import type {
  CheckoutRecord,
  CheckoutTransition,
  ClaimedPostings,
  EventRecord,
  NewCheckout,
  NewPostback,
  NewRefusedRequest,
  PaymentExceptionKind,
  PaymentExceptionRecord,
  PaymentsRepository,
  PostbackAction,
  PostbackRecord,
  PostingExceptionKind,
  PostingRecord,
  ReallocationInput,
  RefusedRequestRecord,
  ResolveExceptionInput,
  ResolveExceptionResult,
  StoredPostback,
} from '../repository.ts'
import type { StaffQueries } from '../staffQueries.ts'
import * as checkouts from './checkouts.ts'
import type { PgDb, Sql } from './db.ts'
import * as exceptions from './exceptions.ts'
import * as outbox from './outbox.ts'
import * as postbacks from './postbacks.ts'
import * as resolutions from './resolutions.ts'
import { ReadBatcher } from './readBatcher.ts'
import { TurnBatcher } from './turnBatcher.ts'
import { PgStaffQueries } from './staffQueries.ts'

export class PgRepository implements PaymentsRepository {
  /** The staff console's reads, on the same pool. */
  readonly staffQueries: StaffQueries
  private readonly db: PgDb
  /** Checkouts asked for in one turn of the event loop, read in one query. */
  private readonly checkoutReads: ReadBatcher<string, CheckoutRecord>
  /** Payments as seen that arrive in one turn of the event loop, applied in one statement. */
  private readonly paymentsAsSeen: TurnBatcher<postbacks.AsSeenPayment, postbacks.AsSeenOutcome>

  constructor(db: PgDb, options: { timeZone?: string } = {}) {
    this.db = db
    this.staffQueries = new PgStaffQueries(db, options.timeZone)
    this.checkoutReads = new ReadBatcher((ids) =>
      db.read((sql) => checkouts.readCheckouts(sql, ids)),
    )
    this.paymentsAsSeen = new TurnBatcher(
      (payments) => postbacks.acceptManyAsSeen(db, payments),
      // A statement's arrays grow with it; past a few dozen the commit it saves is noise.
      { maxBatch: 64 },
    )
  }

  /** Plain statements (a read, or one statement that is atomic by itself). */
  private read<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.db.read(work)
  }

  /** A change, in one transaction. */
  private write<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.db.transaction(work)
  }

  // ---- checkouts
  createCheckout(checkout: NewCheckout): Promise<void> {
    return this.write((sql) => checkouts.insertCheckout(sql, checkout))
  }
  getCheckout(checkoutId: string): Promise<CheckoutRecord | null> {
    return this.checkoutReads.load(checkoutId)
  }
  transitionCheckout(
    checkoutId: string,
    transition: CheckoutTransition,
  ): Promise<CheckoutRecord | null> {
    return this.write((sql) => checkouts.transitionCheckout(sql, checkoutId, transition))
  }
  expirePendingCheckouts(now: number): Promise<string[]> {
    return this.write((sql) => checkouts.expirePendingCheckouts(sql, now))
  }

  // ---- postbacks
  storePostback(
    postback: NewPostback,
    action: PostbackAction,
    now: number,
  ): Promise<StoredPostback> {
    // storePostback runs its own transactions: the raw row survives a failed apply.
    return postbacks.storePostback(this.db, postback, action, now, (payment) =>
      this.paymentsAsSeen.add(payment),
    )
  }
  recordRefusedRequest(request: NewRefusedRequest, keep: number): Promise<void> {
    return this.write((sql) => postbacks.insertRefusedRequest(sql, request, keep))
  }
  listRefusedRequests(options: { limit?: number } = {}): Promise<RefusedRequestRecord[]> {
    return this.read((sql) => postbacks.listRefusedRequests(sql, options.limit ?? 1000))
  }
  getPostback(postbackId: number): Promise<PostbackRecord | null> {
    return this.read((sql) => postbacks.getPostback(sql, postbackId))
  }
  listPostbacks(options: { afterId?: number; limit?: number } = {}): Promise<PostbackRecord[]> {
    return this.read((sql) => postbacks.listPostbacks(sql, options))
  }

  // ---- outbox
  claimPostings(owner: string, now: number, leaseMs: number): Promise<ClaimedPostings | null> {
    return this.write((sql) => outbox.claimPostings(sql, owner, now, leaseMs))
  }
  renewLease(checkoutId: string, owner: string, leaseUntil: number): Promise<boolean> {
    return this.read((sql) => outbox.renewLease(sql, checkoutId, owner, leaseUntil))
  }
  releaseLeases(checkoutId: string, owner: string): Promise<void> {
    return this.read((sql) => outbox.releaseLeases(sql, checkoutId, owner))
  }
  recordPayAttempt(
    postingId: number,
    owner: string,
    attempt: { now: number; settleUntil: number },
  ): Promise<number | null> {
    return this.write((sql) => outbox.recordPayAttempt(sql, postingId, owner, attempt))
  }
  recordPayOutcome(
    postingId: number,
    owner: string,
    outcome: { outcome: 'uncertain' | 'refused'; error: string; unreadable: boolean; now: number },
  ): Promise<boolean> {
    return this.write((sql) => outbox.recordPayOutcome(sql, postingId, owner, outcome))
  }
  markPosted(
    postingId: number,
    owner: string,
    result: { balanceAfterCents: number; foundInAlma: boolean; now: number },
  ): Promise<boolean> {
    return this.write((sql) => outbox.markPosted(sql, postingId, owner, result))
  }
  reschedulePosting(
    postingId: number,
    owner: string,
    retry: { nextAttemptAt: number; error: string; unreadable: boolean; now: number },
  ): Promise<boolean> {
    return this.write((sql) => outbox.reschedulePosting(sql, postingId, owner, retry))
  }
  reallocatePosting(postingId: number, owner: string, input: ReallocationInput): Promise<boolean> {
    return this.write((sql) => outbox.reallocatePosting(sql, postingId, owner, input))
  }
  markPostingException(
    postingId: number,
    owner: string,
    input: { kind: PostingExceptionKind; reason: string; now: number },
  ): Promise<boolean> {
    return this.write((sql) => outbox.markPostingException(sql, postingId, owner, input))
  }
  openPostingStuck(postingId: number, input: { reason: string; now: number }): Promise<boolean> {
    return this.write((sql) => outbox.openPostingStuck(sql, postingId, input))
  }
  pendingCentsByFee(institution: string, feeIds: readonly string[]): Promise<Map<string, number>> {
    return this.read((sql) => outbox.pendingCentsByFee(sql, institution, feeIds))
  }
  checkoutsReadyToFinalize(): Promise<string[]> {
    return this.read((sql) => outbox.checkoutsReadyToFinalize(sql))
  }
  finalizeCheckout(
    checkoutId: string,
    input: { remainingBalanceCents: number | null; now: number },
  ): Promise<CheckoutRecord | null> {
    return this.write((sql) => outbox.finalizeCheckout(sql, checkoutId, input))
  }
  listPostings(checkoutId: string): Promise<PostingRecord[]> {
    return this.read((sql) => outbox.listPostings(sql, checkoutId))
  }
  outboxDepth(): Promise<number> {
    return this.read((sql) => outbox.outboxDepth(sql))
  }
  oldestPendingPostingCreatedAt(): Promise<number | null> {
    return this.read((sql) => outbox.oldestPendingPostingCreatedAt(sql))
  }
  nextPostingDueAt(): Promise<number | null> {
    return this.read((sql) => outbox.nextPostingDueAt(sql))
  }

  // ---- exceptions, events, lifecycle
  listExceptions(
    options: { checkoutId?: string; institution?: string } = {},
  ): Promise<PaymentExceptionRecord[]> {
    return this.read((sql) => exceptions.listExceptions(sql, options))
  }
  getException(exceptionId: number): Promise<PaymentExceptionRecord | null> {
    return this.read((sql) => exceptions.readException(sql, exceptionId))
  }
  resolveException(input: ResolveExceptionInput): Promise<ResolveExceptionResult> {
    return this.write((sql) => resolutions.resolveException(sql, input))
  }
  countOpenExceptions(institution: string): Promise<Record<PaymentExceptionKind, number>> {
    return this.read((sql) => exceptions.countOpenExceptions(sql, institution))
  }
  listEvents(options: { checkoutId?: string } = {}): Promise<EventRecord[]> {
    return this.read((sql) => exceptions.listEvents(sql, options))
  }
  adoptUnassignedRows(institution: string): Promise<number> {
    return this.write((sql) => exceptions.adoptUnassignedRows(sql, institution))
  }
  countUnassignedRows(): Promise<number> {
    return this.read((sql) => exceptions.countUnassignedRows(sql))
  }
  async ping(): Promise<void> {
    await this.read((sql) => sql.get('SELECT 1 AS n'))
  }
  close(): Promise<void> {
    return this.db.close()
  }
}
