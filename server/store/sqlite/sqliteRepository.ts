import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'
import { z } from 'zod'
import type { CheckoutStatus } from '../../../common/api.ts'
import {
  exceptionReferenceFor,
  exceptionReferenceForPostback,
  paymentExceptionKinds,
  type AcceptPaymentInput,
  type AcceptPaymentResult,
  type CheckoutRecord,
  type CheckoutTransition,
  type ClaimedPostings,
  type DeclineInput,
  type DeclineResult,
  type EventRecord,
  type NewCheckout,
  type NewPostback,
  type NewRefusedRequest,
  type RefusedRequestRecord,
  type PaymentExceptionKind,
  type PaymentExceptionRecord,
  type PaymentsRepository,
  type PostingExceptionKind,
  type PostbackRecord,
  type PostbackSettlement,
  type PostingRecord,
  type ReallocationInput,
  type UnmatchedPaymentInput,
  type UnmatchedPaymentResult,
} from '../repository.ts'
import {
  checkoutFromRow,
  countRowSchema,
  eventFromRow,
  exceptionFromRow,
  idRowSchema,
  postbackFromRow,
  postingFromRow,
  refusedRequestFromRow,
} from './rows.ts'

const feeSumRowSchema = z.object({ fee_id: z.string(), cents: z.number().int() })
const minRowSchema = z.object({ oldest: z.number().int().nullable() })
const referenceRowSchema = z.object({ reference: z.string() })
const stuckRowSchema = z.object({ id: z.number().int(), reference: z.string() })
const kindCountRowSchema = z.object({ kind: z.enum(paymentExceptionKinds), n: z.number().int() })

/**
 * `PaymentsRepository` over `node:sqlite`. Every method runs synchronously inside the event loop
 * turn it was called in, and every multi-step change is one BEGIN IMMEDIATE … COMMIT, so concurrent
 * callers in this process and other processes on the same file see each change whole or not at all.
 */
export class SqliteRepository implements PaymentsRepository {
  readonly path: string
  private readonly db: DatabaseSync
  private readonly statements = new Map<string, StatementSync>()
  private closed = false

  constructor(db: DatabaseSync, path: string) {
    this.db = db
    this.path = path
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  private run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.statement(sql).run(...params).changes)
  }

  private get(sql: string, ...params: SQLInputValue[]): unknown {
    return this.statement(sql).get(...params)
  }

  private all(sql: string, ...params: SQLInputValue[]): unknown[] {
    return this.statement(sql).all(...params)
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = work()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK')
      throw error
    }
  }

  /** The interface is async (a network database would be); SQLite answers synchronously. */
  private answer<T>(work: () => T): Promise<T> {
    try {
      if (this.closed) throw new Error('The payments store is closed.')
      return Promise.resolve(work())
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
  }

  private event(
    at: number,
    checkoutId: string | null,
    type: string,
    detail: Record<string, unknown>,
  ): void {
    this.run(
      'INSERT INTO events (at, checkout_id, type, detail) VALUES (?, ?, ?, ?)',
      at,
      checkoutId,
      type,
      JSON.stringify(detail),
    )
  }

  private readCheckout(checkoutId: string): CheckoutRecord | null {
    const row = this.get('SELECT * FROM checkouts WHERE id = ?', checkoutId)
    if (row === undefined) return null
    const lines = this.all(
      'SELECT * FROM checkout_lines WHERE checkout_id = ? ORDER BY line_no',
      checkoutId,
    )
    return checkoutFromRow(row, lines)
  }

  private requireCheckout(checkoutId: string): CheckoutRecord {
    const checkout = this.readCheckout(checkoutId)
    if (!checkout) throw new Error(`Checkout ${checkoutId} vanished inside a transaction.`)
    return checkout
  }

  private readPosting(postingId: number): PostingRecord | null {
    const row = this.get('SELECT * FROM alma_postings WHERE id = ?', postingId)
    return row === undefined ? null : postingFromRow(row)
  }

  private settle(postbackId: number, settlement: PostbackSettlement): void {
    const changed = this.run(
      `UPDATE postbacks SET outcome = ?, reason = ?, tx = ?, checkout_id = ?, settled_at = ?
       WHERE id = ? AND outcome IS NULL`,
      settlement.outcome,
      settlement.reason,
      settlement.tx,
      settlement.checkoutId,
      settlement.now,
      postbackId,
    )
    if (changed !== 1) throw new Error(`Postback ${postbackId} is unknown or already settled.`)
  }

  private insertException(input: {
    kind: PaymentExceptionKind
    reference: string
    checkoutId: string | null
    postingId: number | null
    postbackId: number | null
    tx: string | null
    feeId: string | null
    amountCents: number | null
    reason: string
    now: number
  }): string {
    this.run(
      `INSERT INTO payment_exceptions
         (reference, kind, checkout_id, posting_id, postback_id, tx, fee_id, amount_cents, reason, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      input.reference,
      input.kind,
      input.checkoutId,
      input.postingId,
      input.postbackId,
      input.tx,
      input.feeId,
      input.amountCents,
      input.reason,
      input.now,
    )
    this.event(input.now, input.checkoutId, 'payment_exception', {
      reference: input.reference,
      kind: input.kind,
      tx: input.tx,
      feeId: input.feeId,
      postbackId: input.postbackId,
      amountCents: input.amountCents,
      reason: input.reason,
    })
    return input.reference
  }

  /** An exception about one outbox row's money. */
  private insertPostingException(
    posting: PostingRecord,
    kind: PaymentExceptionKind,
    reason: string,
    now: number,
  ): void {
    this.insertException({
      kind,
      reference: exceptionReferenceFor(posting.tx),
      checkoutId: posting.checkoutId,
      postingId: posting.id,
      postbackId: null,
      tx: posting.tx,
      feeId: posting.feeId,
      amountCents: posting.amountCents,
      reason,
      now,
    })
  }

  /** The open `unmatched_payment` exception already recorded for `tx`, if any. */
  private unmatchedFor(tx: string | null): string | null {
    if (tx === null) return null
    const row = this.get(
      `SELECT reference FROM payment_exceptions WHERE kind = 'unmatched_payment' AND tx = ?`,
      tx,
    )
    return row === undefined ? null : referenceRowSchema.parse(row).reference
  }

  /** One `unmatched_payment` exception per tx, and the postback settled `unmatched`. */
  private unmatched(input: UnmatchedPaymentInput): UnmatchedPaymentResult {
    const settle = (reason: string) => {
      this.settle(input.postbackId, {
        outcome: 'unmatched',
        reason,
        tx: input.tx,
        checkoutId: input.checkoutId,
        now: input.now,
      })
    }
    const existing = this.unmatchedFor(input.tx)
    if (existing !== null) {
      settle(`${input.reason} (already recorded as ${existing})`)
      return { kind: 'duplicate', reference: existing }
    }
    const reference = this.insertException({
      kind: 'unmatched_payment',
      reference:
        input.tx === null
          ? exceptionReferenceForPostback(input.postbackId)
          : exceptionReferenceFor(input.tx),
      checkoutId: input.checkoutId,
      postingId: null,
      postbackId: input.postbackId,
      tx: input.tx,
      feeId: null,
      amountCents: input.amountCents !== null && input.amountCents > 0 ? input.amountCents : null,
      reason: input.reason,
      now: input.now,
    })
    settle(input.reason)
    return { kind: 'recorded', reference }
  }

  // ---- checkouts --------------------------------------------------------------------------

  createCheckout(checkout: NewCheckout): Promise<void> {
    return this.answer(() => {
      this.transaction(() => {
        this.run(
          `INSERT INTO checkouts
             (id, kiosk_id, primary_id, currency, amount_cents, status, created_at, expires_at,
              updated_at, fee_balances)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
          checkout.id,
          checkout.kioskId,
          checkout.primaryId,
          checkout.currency,
          checkout.amountCents,
          checkout.createdAt,
          checkout.expiresAt,
          checkout.createdAt,
          JSON.stringify(checkout.feeBalances),
        )
        checkout.lines.forEach((line, index) => {
          this.run(
            `INSERT INTO checkout_lines
               (checkout_id, line_no, fee_id, fee_type, description, title, fee_created_at,
                amount_cents, item_code)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            checkout.id,
            index + 1,
            line.feeId,
            line.feeType,
            line.description,
            line.title,
            line.feeCreatedAt,
            line.amountCents,
            line.itemCode,
          )
        })
        this.event(checkout.createdAt, checkout.id, 'checkout_created', {
          kioskId: checkout.kioskId,
          amountCents: checkout.amountCents,
          lines: checkout.lines.map((line) => ({
            feeId: line.feeId,
            amountCents: line.amountCents,
          })),
        })
      })
    })
  }

  getCheckout(checkoutId: string): Promise<CheckoutRecord | null> {
    return this.answer(() => this.readCheckout(checkoutId))
  }

  transitionCheckout(
    checkoutId: string,
    transition: CheckoutTransition,
  ): Promise<CheckoutRecord | null> {
    return this.answer(() =>
      this.transaction(() => {
        const checkout = this.readCheckout(checkoutId)
        if (!checkout || !transition.from.includes(checkout.status)) return null
        this.run(
          'UPDATE checkouts SET status = ?, message = COALESCE(?, message), updated_at = ? WHERE id = ?',
          transition.to,
          transition.message ?? null,
          transition.now,
          checkoutId,
        )
        this.event(transition.now, checkoutId, transition.event, {
          from: checkout.status,
          to: transition.to,
          ...(transition.message ? { message: transition.message } : {}),
        })
        return this.requireCheckout(checkoutId)
      }),
    )
  }

  expirePendingCheckouts(now: number): Promise<string[]> {
    return this.answer(() =>
      this.transaction(() => {
        const ids = this.all(
          `SELECT id FROM checkouts WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at`,
          now,
        ).map((row) => idRowSchema.parse(row).id)
        for (const id of ids) {
          this.run(
            `UPDATE checkouts SET status = 'expired', updated_at = ? WHERE id = ? AND status = 'pending'`,
            now,
            id,
          )
          this.event(now, id, 'checkout_expired', { from: 'pending', to: 'expired' })
        }
        return ids
      }),
    )
  }

  // ---- postbacks --------------------------------------------------------------------------

  recordPostback(postback: NewPostback): Promise<number> {
    return this.answer(() => {
      const result = this.statement(
        `INSERT INTO postbacks
           (received_at, source_ip, method, content_type, raw_body, raw_query, body_bytes, truncated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        postback.receivedAt,
        postback.sourceIp,
        postback.method,
        postback.contentType,
        postback.rawBody,
        postback.rawQuery,
        postback.bodyBytes,
        postback.truncated ? 1 : 0,
      )
      return Number(result.lastInsertRowid)
    })
  }

  recordRefusedRequest(request: NewRefusedRequest, keep: number): Promise<void> {
    return this.answer(() => {
      this.transaction(() => {
        const inserted = this.statement(
          `INSERT INTO refused_requests
             (received_at, source_ip, method, reason, content_type, body_bytes)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(
          request.receivedAt,
          request.sourceIp.slice(0, 64),
          request.method.slice(0, 16),
          request.reason,
          request.contentType === null ? null : request.contentType.slice(0, 128),
          request.bodyBytes,
        )
        this.run(
          'DELETE FROM refused_requests WHERE id <= ?',
          Number(inserted.lastInsertRowid) - Math.max(1, keep),
        )
      })
    })
  }

  listRefusedRequests(options: { limit?: number } = {}): Promise<RefusedRequestRecord[]> {
    return this.answer(() =>
      this.all(
        'SELECT * FROM refused_requests ORDER BY id DESC LIMIT ?',
        options.limit ?? 1000,
      ).map(refusedRequestFromRow),
    )
  }

  settlePostback(postbackId: number, settlement: PostbackSettlement): Promise<void> {
    return this.answer(() => {
      this.settle(postbackId, settlement)
    })
  }

  acceptPayment(input: AcceptPaymentInput): Promise<AcceptPaymentResult> {
    const { postbackId, checkoutId, tx, now } = input
    return this.answer(() =>
      this.transaction((): AcceptPaymentResult => {
        const checkout = this.readCheckout(checkoutId)
        if (!checkout) return { kind: 'not_found' }
        const settle = (outcome: PostbackSettlement['outcome'], reason: string | null): void => {
          this.settle(postbackId, { outcome, reason, tx, checkoutId, now })
        }

        const owner = this.get('SELECT id FROM checkouts WHERE cashnet_tx = ?', tx)
        const ownerId = owner === undefined ? null : idRowSchema.parse(owner).id
        if (ownerId !== null && ownerId !== checkoutId) {
          const recorded = this.unmatched({
            postbackId,
            checkoutId,
            tx,
            amountCents: input.amountCents,
            reason: `CashNet tx ${tx} already paid checkout ${ownerId}`,
            now,
          })
          return {
            kind: 'tx_reused',
            otherCheckoutId: ownerId,
            exceptionReference: recorded.reference,
          }
        }
        if (checkout.cashnetTx === tx) {
          settle('duplicate', null)
          return { kind: 'duplicate', checkout }
        }
        if (checkout.cashnetTx !== null) {
          // The patron paid twice for one checkout: the second payment's money is real and
          // must reach staff, not vanish.
          const recorded = this.unmatched({
            postbackId,
            checkoutId,
            tx,
            amountCents: input.amountCents,
            reason: `A second CashNet payment for a checkout already paid by tx ${checkout.cashnetTx}.`,
            now,
          })
          return { kind: 'second_payment', checkout, exceptionReference: recorded.reference }
        }

        const previousStatus: CheckoutStatus = checkout.status
        this.run(
          `UPDATE checkouts SET status = 'paid', cashnet_tx = ?, paid_at = ?, updated_at = ?
           WHERE id = ?`,
          tx,
          now,
          now,
          checkoutId,
        )
        for (const line of checkout.lines) {
          this.run(
            `INSERT INTO alma_postings
               (checkout_id, line_no, parent_id, primary_id, fee_id, fee_description, fee_title,
                amount_cents, tx, status, next_attempt_at, created_at)
             VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
            checkoutId,
            line.lineNo,
            checkout.primaryId,
            line.feeId,
            line.description,
            line.title,
            line.amountCents,
            tx,
            now,
            now,
          )
        }
        this.event(now, checkoutId, 'checkout_paid', {
          tx,
          postbackId,
          from: previousStatus,
          amountCents: checkout.amountCents,
        })
        settle(
          'accepted',
          previousStatus === 'pending'
            ? null
            : `honoured although the checkout was ${previousStatus}`,
        )
        return { kind: 'accepted', checkout: this.requireCheckout(checkoutId), previousStatus }
      }),
    )
  }

  recordDecline(input: DeclineInput): Promise<DeclineResult> {
    const { postbackId, checkoutId, tx, message, now } = input
    return this.answer(() =>
      this.transaction((): DeclineResult => {
        const checkout = this.readCheckout(checkoutId)
        if (!checkout) return { kind: 'not_found' }
        if (checkout.status !== 'pending') {
          this.settle(postbackId, {
            outcome: 'declined',
            reason: `checkout was ${checkout.status}; nothing changed`,
            tx,
            checkoutId,
            now,
          })
          return { kind: 'ignored', checkout }
        }
        this.run(
          `UPDATE checkouts SET status = 'failed', message = ?, updated_at = ? WHERE id = ?`,
          message,
          now,
          checkoutId,
        )
        this.event(now, checkoutId, 'checkout_failed', { tx, postbackId, message })
        this.settle(postbackId, { outcome: 'declined', reason: null, tx, checkoutId, now })
        return { kind: 'failed', checkout: this.requireCheckout(checkoutId) }
      }),
    )
  }

  recordUnmatchedPayment(input: UnmatchedPaymentInput): Promise<UnmatchedPaymentResult> {
    return this.answer(() => this.transaction(() => this.unmatched(input)))
  }

  getPostback(postbackId: number): Promise<PostbackRecord | null> {
    return this.answer(() => {
      const row = this.get('SELECT * FROM postbacks WHERE id = ?', postbackId)
      return row === undefined ? null : postbackFromRow(row)
    })
  }

  listPostbacks(options: { afterId?: number; limit?: number } = {}): Promise<PostbackRecord[]> {
    return this.answer(() =>
      this.all(
        'SELECT * FROM postbacks WHERE id > ? ORDER BY id LIMIT ?',
        options.afterId ?? 0,
        options.limit ?? 1000,
      ).map(postbackFromRow),
    )
  }

  // ---- outbox -----------------------------------------------------------------------------

  claimPostings(owner: string, now: number, leaseMs: number): Promise<ClaimedPostings | null> {
    return this.answer(() =>
      this.transaction((): ClaimedPostings | null => {
        const next = this.get(
          `SELECT p.checkout_id AS id FROM alma_postings p
           WHERE p.status = 'pending' AND p.next_attempt_at <= ?
             AND NOT EXISTS (
               SELECT 1 FROM alma_postings q
               WHERE q.checkout_id = p.checkout_id AND q.status = 'pending'
                 AND q.lease_until IS NOT NULL AND q.lease_until > ?)
           ORDER BY p.next_attempt_at, p.id
           LIMIT 1`,
          now,
          now,
        )
        if (next === undefined) return null
        const checkoutId = idRowSchema.parse(next).id
        this.run(
          `UPDATE alma_postings SET lease_owner = ?, lease_until = ?
           WHERE checkout_id = ? AND status = 'pending' AND next_attempt_at <= ?`,
          owner,
          now + leaseMs,
          checkoutId,
          now,
        )
        const postings = this.all(
          `SELECT * FROM alma_postings
           WHERE checkout_id = ? AND status = 'pending' AND lease_owner = ?
           ORDER BY id`,
          checkoutId,
          owner,
        ).map(postingFromRow)
        return { checkoutId, postings }
      }),
    )
  }

  renewLease(checkoutId: string, owner: string, leaseUntil: number): Promise<boolean> {
    return this.answer(
      () =>
        this.run(
          `UPDATE alma_postings SET lease_until = ?
           WHERE checkout_id = ? AND lease_owner = ? AND status = 'pending'`,
          leaseUntil,
          checkoutId,
          owner,
        ) > 0,
    )
  }

  releaseLeases(checkoutId: string, owner: string): Promise<void> {
    return this.answer(() => {
      this.run(
        `UPDATE alma_postings SET lease_owner = NULL, lease_until = NULL
         WHERE checkout_id = ? AND lease_owner = ?`,
        checkoutId,
        owner,
      )
    })
  }

  markPosted(
    postingId: number,
    owner: string,
    result: { balanceAfterCents: number; foundInAlma: boolean; now: number },
  ): Promise<boolean> {
    return this.answer(() =>
      this.transaction(() => {
        const posting = this.readPosting(postingId)
        if (posting?.status !== 'pending' || posting.leaseOwner !== owner) return false
        this.run(
          `UPDATE alma_postings
           SET status = 'posted', balance_after_cents = ?, found_in_alma = ?, settled_at = ?,
               lease_owner = NULL, lease_until = NULL
           WHERE id = ?`,
          result.balanceAfterCents,
          result.foundInAlma ? 1 : 0,
          result.now,
          postingId,
        )
        this.event(result.now, posting.checkoutId, 'posting_posted', {
          postingId,
          feeId: posting.feeId,
          amountCents: posting.amountCents,
          tx: posting.tx,
          foundInAlma: result.foundInAlma,
          balanceAfterCents: result.balanceAfterCents,
        })
        // The line healed itself: a "stuck" exception for it closes, with an event.
        const stuck = this.all(
          `SELECT id, reference FROM payment_exceptions
           WHERE posting_id = ? AND kind = 'posting_stuck' AND resolved_at IS NULL`,
          postingId,
        ).map((row) => stuckRowSchema.parse(row))
        for (const exception of stuck) {
          this.run(
            `UPDATE payment_exceptions
             SET resolved_at = ?, resolved_by = 'system', resolution = 'posted'
             WHERE id = ?`,
            result.now,
            exception.id,
          )
          this.event(result.now, posting.checkoutId, 'exception_closed', {
            exceptionId: exception.id,
            reference: exception.reference,
            kind: 'posting_stuck',
            resolution: 'posted',
            by: 'system',
          })
        }
        return true
      }),
    )
  }

  recordPayAttempt(
    postingId: number,
    owner: string,
    attempt: { now: number; settleUntil: number },
  ): Promise<number | null> {
    return this.answer(() =>
      this.transaction(() => {
        const posting = this.readPosting(postingId)
        if (posting?.status !== 'pending' || posting.leaseOwner !== owner) return null
        const number = posting.attempts + 1
        this.run(
          `UPDATE alma_postings
           SET attempts = ?, last_attempt_at = ?, attempt_outcome = 'sent', next_attempt_at = ?
           WHERE id = ?`,
          number,
          attempt.now,
          attempt.settleUntil,
          postingId,
        )
        this.event(attempt.now, posting.checkoutId, 'posting_attempt', {
          postingId,
          feeId: posting.feeId,
          amountCents: posting.amountCents,
          attempt: number,
        })
        return number
      }),
    )
  }

  recordPayOutcome(
    postingId: number,
    owner: string,
    outcome: { outcome: 'uncertain' | 'refused'; error: string; unreadable: boolean; now: number },
  ): Promise<boolean> {
    return this.answer(() =>
      this.transaction(() => {
        const posting = this.readPosting(postingId)
        if (posting?.status !== 'pending' || posting.leaseOwner !== owner) return false
        const uncertain = outcome.outcome === 'uncertain'
        this.run(
          `UPDATE alma_postings
           SET attempt_outcome = ?, last_error = ?,
               unreadable_since = CASE WHEN ? THEN COALESCE(unreadable_since, ?) ELSE NULL END,
               next_attempt_at = CASE WHEN ? THEN next_attempt_at ELSE ? END,
               lease_owner = CASE WHEN ? THEN NULL ELSE lease_owner END,
               lease_until = CASE WHEN ? THEN NULL ELSE lease_until END
           WHERE id = ?`,
          outcome.outcome,
          outcome.error,
          outcome.unreadable ? 1 : 0,
          outcome.now,
          uncertain ? 1 : 0,
          outcome.now,
          uncertain ? 1 : 0,
          uncertain ? 1 : 0,
          postingId,
        )
        this.event(outcome.now, posting.checkoutId, `posting_${outcome.outcome}`, {
          postingId,
          feeId: posting.feeId,
          attempt: posting.attempts,
          error: outcome.error,
          ...(uncertain ? { settleUntil: posting.nextAttemptAt } : {}),
        })
        return true
      }),
    )
  }

  reschedulePosting(
    postingId: number,
    owner: string,
    retry: { nextAttemptAt: number; error: string; unreadable: boolean; now: number },
  ): Promise<boolean> {
    return this.answer(() =>
      this.transaction(() => {
        const posting = this.readPosting(postingId)
        if (posting?.status !== 'pending' || posting.leaseOwner !== owner) return false
        this.run(
          `UPDATE alma_postings
           SET deferrals = deferrals + 1, next_attempt_at = ?, last_error = ?,
               unreadable_since = CASE WHEN ? THEN COALESCE(unreadable_since, ?) ELSE NULL END,
               lease_owner = NULL, lease_until = NULL
           WHERE id = ?`,
          retry.nextAttemptAt,
          retry.error,
          retry.unreadable ? 1 : 0,
          retry.now,
          postingId,
        )
        this.event(retry.now, posting.checkoutId, 'posting_retry', {
          postingId,
          feeId: posting.feeId,
          deferrals: posting.deferrals + 1,
          error: retry.error,
          nextAttemptAt: retry.nextAttemptAt,
        })
        return true
      }),
    )
  }

  reallocatePosting(postingId: number, owner: string, input: ReallocationInput): Promise<boolean> {
    return this.answer(() =>
      this.transaction(() => {
        const posting = this.readPosting(postingId)
        if (posting?.status !== 'pending' || posting.leaseOwner !== owner) return false
        const moved =
          input.targets.reduce((sum, target) => sum + target.amountCents, 0) +
          (input.unapplied?.amountCents ?? 0)
        if (moved !== posting.amountCents || input.targets.some((t) => t.amountCents <= 0)) {
          throw new Error(
            `Re-allocation of posting ${postingId} must move exactly ${posting.amountCents} cents.`,
          )
        }
        this.run(
          `UPDATE alma_postings
           SET status = 'reallocated', last_error = ?, settled_at = ?, lease_owner = NULL, lease_until = NULL
           WHERE id = ?`,
          input.reason,
          input.now,
          postingId,
        )
        const children: number[] = []
        for (const target of input.targets) {
          const inserted = this.statement(
            `INSERT INTO alma_postings
               (checkout_id, line_no, parent_id, primary_id, fee_id, fee_description, fee_title,
                amount_cents, tx, status, next_attempt_at, created_at)
             VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
          ).run(
            posting.checkoutId,
            postingId,
            posting.primaryId,
            target.feeId,
            target.feeDescription,
            target.feeTitle,
            target.amountCents,
            posting.tx,
            input.now,
            // The money has been waiting since the original row was enqueued: age counts from then.
            posting.createdAt,
          )
          children.push(Number(inserted.lastInsertRowid))
        }
        this.event(input.now, posting.checkoutId, 'posting_reallocated', {
          postingId,
          feeId: posting.feeId,
          amountCents: posting.amountCents,
          reason: input.reason,
          targets: input.targets.map((t, i) => ({
            postingId: children[i],
            feeId: t.feeId,
            amountCents: t.amountCents,
          })),
          unappliedCents: input.unapplied?.amountCents ?? 0,
        })
        if (input.unapplied && input.unapplied.amountCents > 0) {
          this.insertException({
            kind: 'unapplied_money',
            reference: exceptionReferenceFor(posting.tx),
            checkoutId: posting.checkoutId,
            postingId,
            postbackId: null,
            tx: posting.tx,
            feeId: posting.feeId,
            amountCents: input.unapplied.amountCents,
            reason: input.unapplied.reason,
            now: input.now,
          })
        }
        return true
      }),
    )
  }

  markPostingException(
    postingId: number,
    owner: string,
    input: { kind: PostingExceptionKind; reason: string; now: number },
  ): Promise<boolean> {
    return this.answer(() =>
      this.transaction(() => {
        const posting = this.readPosting(postingId)
        if (posting?.status !== 'pending' || posting.leaseOwner !== owner) return false
        this.run(
          `UPDATE alma_postings
           SET status = 'exception', last_error = ?, settled_at = ?, lease_owner = NULL, lease_until = NULL
           WHERE id = ?`,
          input.reason,
          input.now,
          postingId,
        )
        this.insertPostingException(posting, input.kind, input.reason, input.now)
        return true
      }),
    )
  }

  openPostingStuck(postingId: number, input: { reason: string; now: number }): Promise<boolean> {
    return this.answer(() =>
      this.transaction(() => {
        const posting = this.readPosting(postingId)
        if (posting?.status !== 'pending') return false
        const open = this.get(
          `SELECT id FROM payment_exceptions
           WHERE posting_id = ? AND kind = 'posting_stuck' AND resolved_at IS NULL`,
          postingId,
        )
        if (open !== undefined) return false
        this.insertPostingException(posting, 'posting_stuck', input.reason, input.now)
        return true
      }),
    )
  }

  pendingCentsByFee(feeIds: readonly string[]): Promise<Map<string, number>> {
    return this.answer(() => {
      const sums = new Map<string, number>()
      if (feeIds.length === 0) return sums
      const rows = this.all(
        `SELECT fee_id, SUM(amount_cents) AS cents FROM alma_postings
         WHERE status = 'pending' AND fee_id IN (SELECT value FROM json_each(?))
         GROUP BY fee_id`,
        JSON.stringify(feeIds),
      )
      for (const row of rows) {
        const { fee_id, cents } = feeSumRowSchema.parse(row)
        sums.set(fee_id, cents)
      }
      return sums
    })
  }

  checkoutsReadyToFinalize(): Promise<string[]> {
    return this.answer(() =>
      this.all(
        `SELECT c.id FROM checkouts c
         WHERE c.status = 'paid' AND NOT EXISTS (
           SELECT 1 FROM alma_postings p WHERE p.checkout_id = c.id AND p.status = 'pending')
         ORDER BY c.paid_at`,
      ).map((row) => idRowSchema.parse(row).id),
    )
  }

  finalizeCheckout(
    checkoutId: string,
    input: { remainingBalanceCents: number | null; now: number },
  ): Promise<CheckoutRecord | null> {
    return this.answer(() =>
      this.transaction(() => {
        const checkout = this.readCheckout(checkoutId)
        if (checkout?.status !== 'paid' || checkout.cashnetTx === null) return null
        const pending = countRowSchema.parse(
          this.get(
            `SELECT COUNT(*) AS n FROM alma_postings WHERE checkout_id = ? AND status = 'pending'`,
            checkoutId,
          ),
        ).n
        if (pending > 0) return null
        const exceptions = countRowSchema.parse(
          this.get(
            `SELECT COUNT(*) AS n FROM payment_exceptions
             WHERE checkout_id = ? AND tx = ?
               AND kind IN ('unapplied_money', 'alma_refused', 'alma_mismatch')`,
            checkoutId,
            checkout.cashnetTx,
          ),
        ).n
        const status: CheckoutStatus = exceptions > 0 ? 'posted_with_exceptions' : 'posted'
        this.run(
          `UPDATE checkouts SET status = ?, posted_at = ?, remaining_balance_cents = ?, updated_at = ?
           WHERE id = ?`,
          status,
          input.now,
          input.remainingBalanceCents,
          input.now,
          checkoutId,
        )
        this.event(input.now, checkoutId, 'checkout_posted', {
          status,
          tx: checkout.cashnetTx,
          remainingBalanceCents: input.remainingBalanceCents,
        })
        return this.requireCheckout(checkoutId)
      }),
    )
  }

  listPostings(checkoutId: string): Promise<PostingRecord[]> {
    return this.answer(() =>
      this.all('SELECT * FROM alma_postings WHERE checkout_id = ? ORDER BY id', checkoutId).map(
        postingFromRow,
      ),
    )
  }

  outboxDepth(): Promise<number> {
    return this.answer(
      () =>
        countRowSchema.parse(
          this.get(`SELECT COUNT(*) AS n FROM alma_postings WHERE status = 'pending'`),
        ).n,
    )
  }

  oldestPendingPostingCreatedAt(): Promise<number | null> {
    return this.answer(
      () =>
        minRowSchema.parse(
          this.get(`SELECT MIN(created_at) AS oldest FROM alma_postings WHERE status = 'pending'`),
        ).oldest,
    )
  }

  nextPostingDueAt(): Promise<number | null> {
    return this.answer(
      () =>
        minRowSchema.parse(
          this.get(
            `SELECT MIN(next_attempt_at) AS oldest FROM alma_postings WHERE status = 'pending'`,
          ),
        ).oldest,
    )
  }

  // ---- exceptions, events, lifecycle ------------------------------------------------------

  listExceptions(options: { checkoutId?: string } = {}): Promise<PaymentExceptionRecord[]> {
    return this.answer(() =>
      (options.checkoutId === undefined
        ? this.all('SELECT * FROM payment_exceptions ORDER BY id')
        : this.all(
            'SELECT * FROM payment_exceptions WHERE checkout_id = ? ORDER BY id',
            options.checkoutId,
          )
      ).map(exceptionFromRow),
    )
  }

  countOpenExceptions(): Promise<Record<PaymentExceptionKind, number>> {
    return this.answer(() => {
      const counts = Object.fromEntries(paymentExceptionKinds.map((kind) => [kind, 0])) as Record<
        PaymentExceptionKind,
        number
      >
      for (const row of this.all(
        `SELECT kind, COUNT(*) AS n FROM payment_exceptions WHERE resolved_at IS NULL GROUP BY kind`,
      )) {
        const { kind, n } = kindCountRowSchema.parse(row)
        counts[kind] = n
      }
      return counts
    })
  }

  listEvents(options: { checkoutId?: string } = {}): Promise<EventRecord[]> {
    return this.answer(() =>
      (options.checkoutId === undefined
        ? this.all('SELECT * FROM events ORDER BY id')
        : this.all('SELECT * FROM events WHERE checkout_id = ? ORDER BY id', options.checkoutId)
      ).map(eventFromRow),
    )
  }

  ping(): Promise<void> {
    return this.answer(() => {
      this.get('SELECT 1 AS n')
    })
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    this.statements.clear()
    this.db.close()
    return Promise.resolve()
  }
}
