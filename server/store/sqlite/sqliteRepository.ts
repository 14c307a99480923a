/**
 * `PaymentsRepository` over `node:sqlite`: each method one BEGIN IMMEDIATE … COMMIT (or a plain read)
 * around the aggregate modules beside it — `checkouts.ts`, `postbacks.ts`, `outbox.ts`,
 * `exceptions.ts` — so concurrent callers in this process and other processes on the same file see
 * each change whole or not at all. SQLite answers synchronously; the interface is async.
 */
import type { DatabaseSync } from 'node:sqlite'
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
import { SqliteDb } from './db.ts'
import * as exceptions from './exceptions.ts'
import * as outbox from './outbox.ts'
import * as postbacks from './postbacks.ts'
import * as resolutions from './resolutions.ts'
import { SqliteStaffQueries } from './staffQueries.ts'

export class SqliteRepository implements PaymentsRepository {
  readonly path: string
  /** The staff console's reads, on the same connection. */
  readonly staffQueries: StaffQueries
  private readonly db: SqliteDb

  constructor(db: DatabaseSync, path: string) {
    this.db = new SqliteDb(db, path)
    this.path = path
    this.staffQueries = new SqliteStaffQueries(this.db)
  }

  /** A read, answered at once. */
  private read<T>(work: (db: SqliteDb) => T): Promise<T> {
    return this.db.answer(() => work(this.db))
  }

  /** A change, in one transaction. */
  private write<T>(work: (db: SqliteDb) => T): Promise<T> {
    return this.db.answer(() => this.db.transaction(() => work(this.db)))
  }

  // ---- checkouts
  createCheckout(checkout: NewCheckout): Promise<void> {
    return this.write((db) => {
      checkouts.insertCheckout(db, checkout)
    })
  }
  getCheckout(checkoutId: string): Promise<CheckoutRecord | null> {
    return this.read((db) => checkouts.readCheckout(db, checkoutId))
  }
  transitionCheckout(
    checkoutId: string,
    transition: CheckoutTransition,
  ): Promise<CheckoutRecord | null> {
    return this.write((db) => checkouts.transitionCheckout(db, checkoutId, transition))
  }
  expirePendingCheckouts(now: number): Promise<string[]> {
    return this.write((db) => checkouts.expirePendingCheckouts(db, now))
  }

  // ---- postbacks
  storePostback(
    postback: NewPostback,
    action: PostbackAction,
    now: number,
  ): Promise<StoredPostback> {
    // storePostback commits on its own (grouped with concurrent postbacks); the raw row survives
    // a failed apply.
    return postbacks.storePostback(this.db, postback, action, now)
  }
  recordRefusedRequest(request: NewRefusedRequest, keep: number): Promise<void> {
    return this.write((db) => {
      postbacks.insertRefusedRequest(db, request, keep)
    })
  }
  listRefusedRequests(options: { limit?: number } = {}): Promise<RefusedRequestRecord[]> {
    return this.read((db) => postbacks.listRefusedRequests(db, options.limit ?? 1000))
  }
  getPostback(postbackId: number): Promise<PostbackRecord | null> {
    return this.read((db) => postbacks.getPostback(db, postbackId))
  }
  listPostbacks(options: { afterId?: number; limit?: number } = {}): Promise<PostbackRecord[]> {
    return this.read((db) => postbacks.listPostbacks(db, options))
  }

  // ---- outbox
  claimPostings(owner: string, now: number, leaseMs: number): Promise<ClaimedPostings | null> {
    return this.write((db) => outbox.claimPostings(db, owner, now, leaseMs))
  }
  renewLease(checkoutId: string, owner: string, leaseUntil: number): Promise<boolean> {
    return this.read((db) => outbox.renewLease(db, checkoutId, owner, leaseUntil))
  }
  releaseLeases(checkoutId: string, owner: string): Promise<void> {
    return this.read((db) => {
      outbox.releaseLeases(db, checkoutId, owner)
    })
  }
  recordPayAttempt(
    postingId: number,
    owner: string,
    attempt: { now: number; settleUntil: number },
  ): Promise<number | null> {
    return this.write((db) => outbox.recordPayAttempt(db, postingId, owner, attempt))
  }
  recordPayOutcome(
    postingId: number,
    owner: string,
    outcome: { outcome: 'uncertain' | 'refused'; error: string; unreadable: boolean; now: number },
  ): Promise<boolean> {
    return this.write((db) => outbox.recordPayOutcome(db, postingId, owner, outcome))
  }
  markPosted(
    postingId: number,
    owner: string,
    result: { balanceAfterCents: number; foundInAlma: boolean; now: number },
  ): Promise<boolean> {
    return this.write((db) => outbox.markPosted(db, postingId, owner, result))
  }
  reschedulePosting(
    postingId: number,
    owner: string,
    retry: { nextAttemptAt: number; error: string; unreadable: boolean; now: number },
  ): Promise<boolean> {
    return this.write((db) => outbox.reschedulePosting(db, postingId, owner, retry))
  }
  reallocatePosting(postingId: number, owner: string, input: ReallocationInput): Promise<boolean> {
    return this.write((db) => outbox.reallocatePosting(db, postingId, owner, input))
  }
  markPostingException(
    postingId: number,
    owner: string,
    input: { kind: PostingExceptionKind; reason: string; now: number },
  ): Promise<boolean> {
    return this.write((db) => outbox.markPostingException(db, postingId, owner, input))
  }
  openPostingStuck(postingId: number, input: { reason: string; now: number }): Promise<boolean> {
    return this.write((db) => outbox.openPostingStuck(db, postingId, input))
  }
  pendingCentsByFee(institution: string, feeIds: readonly string[]): Promise<Map<string, number>> {
    return this.read((db) => outbox.pendingCentsByFee(db, institution, feeIds))
  }
  checkoutsReadyToFinalize(): Promise<string[]> {
    return this.read((db) => outbox.checkoutsReadyToFinalize(db))
  }
  finalizeCheckout(
    checkoutId: string,
    input: { remainingBalanceCents: number | null; now: number },
  ): Promise<CheckoutRecord | null> {
    return this.write((db) => outbox.finalizeCheckout(db, checkoutId, input))
  }
  listPostings(checkoutId: string): Promise<PostingRecord[]> {
    return this.read((db) => outbox.listPostings(db, checkoutId))
  }
  outboxDepth(): Promise<number> {
    return this.read((db) => outbox.outboxDepth(db))
  }
  oldestPendingPostingCreatedAt(): Promise<number | null> {
    return this.read((db) => outbox.oldestPendingPostingCreatedAt(db))
  }
  nextPostingDueAt(): Promise<number | null> {
    return this.read((db) => outbox.nextPostingDueAt(db))
  }

  // ---- exceptions, events, lifecycle
  listExceptions(
    options: { checkoutId?: string; institution?: string } = {},
  ): Promise<PaymentExceptionRecord[]> {
    return this.read((db) => exceptions.listExceptions(db, options))
  }
  getException(exceptionId: number): Promise<PaymentExceptionRecord | null> {
    return this.read((db) => exceptions.readException(db, exceptionId))
  }
  resolveException(input: ResolveExceptionInput): Promise<ResolveExceptionResult> {
    return this.write((db) => resolutions.resolveException(db, input))
  }
  countOpenExceptions(institution: string): Promise<Record<PaymentExceptionKind, number>> {
    return this.read((db) => exceptions.countOpenExceptions(db, institution))
  }
  listEvents(options: { checkoutId?: string } = {}): Promise<EventRecord[]> {
    return this.read((db) => exceptions.listEvents(db, options))
  }
  adoptUnassignedRows(institution: string): Promise<number> {
    return this.write((db) => exceptions.adoptUnassignedRows(db, institution))
  }
  countUnassignedRows(): Promise<number> {
    return this.read((db) => exceptions.countUnassignedRows(db))
  }
  ping(): Promise<void> {
    return this.read((db) => {
      db.get('SELECT 1 AS n')
    })
  }
  close(): Promise<void> {
    this.db.close()
    return Promise.resolve()
  }
}
