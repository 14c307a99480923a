/**
 * The outbox (`alma_postings`) in SQLite: rows leased per checkout, pay attempts recorded before
 * they are sent, their outcomes, re-allocation bookkeeping, and the checkout's final status once no
 * row is left (decided by `finalStatus`). Every write checks that the caller still holds the row.
 */
import { z } from 'zod'
import { finalStatus, reallocationProblem } from '../../payments/rules/finalStatus.ts'
import type {
  CheckoutRecord,
  ClaimedPostings,
  PostingExceptionKind,
  PostingRecord,
  ReallocationInput,
} from '../repository.ts'
import { readCheckout, requireCheckout } from './checkouts.ts'
import type { SqliteDb } from './db.ts'
import {
  closeStuckExceptions,
  hasOpenStuckException,
  insertPostingException,
  listExceptions,
} from './exceptions.ts'
import { countRowSchema, idRowSchema, postingFromRow } from '../rows.ts'

const feeSumRowSchema = z.object({ fee_id: z.string(), cents: z.number().int() })
const minRowSchema = z.object({ oldest: z.number().int().nullable() })

function readPosting(db: SqliteDb, postingId: number): PostingRecord | null {
  const row = db.get('SELECT * FROM alma_postings WHERE id = ?', postingId)
  return row === undefined ? null : postingFromRow(row)
}

/** The row, when it is still pending and leased to `owner`; null otherwise (the lease was lost). */
function heldBy(db: SqliteDb, postingId: number, owner: string): PostingRecord | null {
  const posting = readPosting(db, postingId)
  return posting?.status === 'pending' && posting.leaseOwner === owner ? posting : null
}

export function claimPostings(
  db: SqliteDb,
  owner: string,
  now: number,
  leaseMs: number,
): ClaimedPostings | null {
  const next = db.get(
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
  db.run(
    `UPDATE alma_postings SET lease_owner = ?, lease_until = ?
     WHERE checkout_id = ? AND status = 'pending' AND next_attempt_at <= ?`,
    owner,
    now + leaseMs,
    checkoutId,
    now,
  )
  const postings = db
    .all(
      `SELECT * FROM alma_postings
       WHERE checkout_id = ? AND status = 'pending' AND lease_owner = ? ORDER BY id`,
      checkoutId,
      owner,
    )
    .map(postingFromRow)
  return { checkoutId, postings }
}

export function renewLease(
  db: SqliteDb,
  checkoutId: string,
  owner: string,
  leaseUntil: number,
): boolean {
  return (
    db.run(
      `UPDATE alma_postings SET lease_until = ?
       WHERE checkout_id = ? AND lease_owner = ? AND status = 'pending'`,
      leaseUntil,
      checkoutId,
      owner,
    ) > 0
  )
}

export function releaseLeases(db: SqliteDb, checkoutId: string, owner: string): void {
  db.run(
    `UPDATE alma_postings SET lease_owner = NULL, lease_until = NULL
     WHERE checkout_id = ? AND lease_owner = ?`,
    checkoutId,
    owner,
  )
}

export function recordPayAttempt(
  db: SqliteDb,
  postingId: number,
  owner: string,
  attempt: { now: number; settleUntil: number },
): number | null {
  const posting = heldBy(db, postingId, owner)
  if (!posting) return null
  const number = posting.attempts + 1
  db.run(
    `UPDATE alma_postings
     SET attempts = ?, last_attempt_at = ?, attempt_outcome = 'sent', next_attempt_at = ?
     WHERE id = ?`,
    number,
    attempt.now,
    attempt.settleUntil,
    postingId,
  )
  db.event(posting.institution, attempt.now, posting.checkoutId, 'posting_attempt', {
    postingId,
    feeId: posting.feeId,
    amountCents: posting.amountCents,
    attempt: number,
  })
  return number
}

export function recordPayOutcome(
  db: SqliteDb,
  postingId: number,
  owner: string,
  outcome: { outcome: 'uncertain' | 'refused'; error: string; unreadable: boolean; now: number },
): boolean {
  const posting = heldBy(db, postingId, owner)
  if (!posting) return false
  const uncertain = outcome.outcome === 'uncertain'
  // Uncertain: the row waits out its settle window (next_attempt_at was set when the attempt was
  // recorded) and is let go. Refused: the caller decides at once, still holding it.
  db.run(
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
  db.event(posting.institution, outcome.now, posting.checkoutId, `posting_${outcome.outcome}`, {
    postingId,
    feeId: posting.feeId,
    attempt: posting.attempts,
    error: outcome.error,
    ...(uncertain ? { settleUntil: posting.nextAttemptAt } : {}),
  })
  return true
}

export function markPosted(
  db: SqliteDb,
  postingId: number,
  owner: string,
  result: { balanceAfterCents: number; foundInAlma: boolean; now: number },
): boolean {
  const posting = heldBy(db, postingId, owner)
  if (!posting) return false
  db.run(
    `UPDATE alma_postings
     SET status = 'posted', balance_after_cents = ?, found_in_alma = ?, settled_at = ?,
         lease_owner = NULL, lease_until = NULL
     WHERE id = ?`,
    result.balanceAfterCents,
    result.foundInAlma ? 1 : 0,
    result.now,
    postingId,
  )
  db.event(posting.institution, result.now, posting.checkoutId, 'posting_posted', {
    postingId,
    feeId: posting.feeId,
    amountCents: posting.amountCents,
    tx: posting.tx,
    foundInAlma: result.foundInAlma,
    balanceAfterCents: result.balanceAfterCents,
  })
  // The line healed itself: a "stuck" exception for it closes, with an event.
  closeStuckExceptions(db, posting, result.now)
  return true
}

export function reschedulePosting(
  db: SqliteDb,
  postingId: number,
  owner: string,
  retry: { nextAttemptAt: number; error: string; unreadable: boolean; now: number },
): boolean {
  const posting = heldBy(db, postingId, owner)
  if (!posting) return false
  db.run(
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
  db.event(posting.institution, retry.now, posting.checkoutId, 'posting_retry', {
    postingId,
    feeId: posting.feeId,
    deferrals: posting.deferrals + 1,
    error: retry.error,
    nextAttemptAt: retry.nextAttemptAt,
  })
  return true
}

export function reallocatePosting(
  db: SqliteDb,
  postingId: number,
  owner: string,
  input: ReallocationInput,
): boolean {
  const posting = heldBy(db, postingId, owner)
  if (!posting) return false
  const problem = reallocationProblem(posting.amountCents, input)
  if (problem) throw new Error(`Re-allocation of posting ${postingId}: ${problem}.`)
  db.run(
    `UPDATE alma_postings
     SET status = 'reallocated', last_error = ?, settled_at = ?, lease_owner = NULL, lease_until = NULL
     WHERE id = ?`,
    input.reason,
    input.now,
    postingId,
  )
  const children = input.targets.map((target) =>
    db.insert(
      `INSERT INTO alma_postings
         (institution, checkout_id, line_no, parent_id, primary_id, fee_id, fee_description,
          fee_title, amount_cents, tx, status, next_attempt_at, created_at)
       VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      posting.institution,
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
    ),
  )
  db.event(posting.institution, input.now, posting.checkoutId, 'posting_reallocated', {
    postingId,
    feeId: posting.feeId,
    amountCents: posting.amountCents,
    reason: input.reason,
    targets: input.targets.map((target, index) => ({
      postingId: children[index],
      feeId: target.feeId,
      amountCents: target.amountCents,
    })),
    unappliedCents: input.unapplied?.amountCents ?? 0,
  })
  if (input.unapplied && input.unapplied.amountCents > 0) {
    insertPostingException(
      db,
      { ...posting, amountCents: input.unapplied.amountCents },
      'unapplied_money',
      input.unapplied.reason,
      input.now,
    )
  }
  return true
}

export function markPostingException(
  db: SqliteDb,
  postingId: number,
  owner: string,
  input: { kind: PostingExceptionKind; reason: string; now: number },
): boolean {
  const posting = heldBy(db, postingId, owner)
  if (!posting) return false
  db.run(
    `UPDATE alma_postings
     SET status = 'exception', last_error = ?, settled_at = ?, lease_owner = NULL, lease_until = NULL
     WHERE id = ?`,
    input.reason,
    input.now,
    postingId,
  )
  insertPostingException(db, posting, input.kind, input.reason, input.now)
  return true
}

export function openPostingStuck(
  db: SqliteDb,
  postingId: number,
  input: { reason: string; now: number },
): boolean {
  const posting = readPosting(db, postingId)
  if (posting?.status !== 'pending' || hasOpenStuckException(db, postingId)) return false
  insertPostingException(db, posting, 'posting_stuck', input.reason, input.now)
  return true
}

export function pendingCentsByFee(
  db: SqliteDb,
  institution: string,
  feeIds: readonly string[],
): Map<string, number> {
  const sums = new Map<string, number>()
  if (feeIds.length === 0) return sums
  const rows = db.all(
    `SELECT fee_id, SUM(amount_cents) AS cents FROM alma_postings
     WHERE status = 'pending' AND institution = ? AND fee_id IN (SELECT value FROM json_each(?))
     GROUP BY fee_id`,
    institution,
    JSON.stringify(feeIds),
  )
  for (const row of rows) {
    const { fee_id, cents } = feeSumRowSchema.parse(row)
    sums.set(fee_id, cents)
  }
  return sums
}

export function checkoutsReadyToFinalize(db: SqliteDb): string[] {
  return db
    .all(
      `SELECT c.id FROM checkouts c
       WHERE c.status = 'paid' AND NOT EXISTS (
         SELECT 1 FROM alma_postings p WHERE p.checkout_id = c.id AND p.status = 'pending')
       ORDER BY c.paid_at`,
    )
    .map((row) => idRowSchema.parse(row).id)
}

export function listPostings(db: SqliteDb, checkoutId: string): PostingRecord[] {
  return db
    .all('SELECT * FROM alma_postings WHERE checkout_id = ? ORDER BY id', checkoutId)
    .map(postingFromRow)
}

export function finalizeCheckout(
  db: SqliteDb,
  checkoutId: string,
  input: { remainingBalanceCents: number | null; now: number },
): CheckoutRecord | null {
  const checkout = readCheckout(db, checkoutId)
  if (checkout?.status !== 'paid') return null
  const postings = listPostings(db, checkoutId)
  // A checkout made to carry a staff resolution has no CashNet tx of its own: its rows carry it.
  const tx = checkout.cashnetTx ?? postings[0]?.tx
  if (tx === undefined) return null
  const status = finalStatus({
    postings,
    exceptions: listExceptions(db, { checkoutId }).filter((e) => e.resolvedAt === null),
    tx,
  })
  if (status === null) return null
  db.run(
    `UPDATE checkouts SET status = ?, posted_at = ?, remaining_balance_cents = ?, updated_at = ?
     WHERE id = ?`,
    status,
    input.now,
    input.remainingBalanceCents,
    input.now,
    checkoutId,
  )
  db.event(checkout.institution, input.now, checkoutId, 'checkout_posted', {
    status,
    tx,
    remainingBalanceCents: input.remainingBalanceCents,
  })
  return requireCheckout(db, checkoutId)
}

export function outboxDepth(db: SqliteDb): number {
  return countRowSchema.parse(
    db.get(`SELECT COUNT(*) AS n FROM alma_postings WHERE status = 'pending'`),
  ).n
}

export function oldestPendingPostingCreatedAt(db: SqliteDb): number | null {
  return minRowSchema.parse(
    db.get(`SELECT MIN(created_at) AS oldest FROM alma_postings WHERE status = 'pending'`),
  ).oldest
}

export function nextPostingDueAt(db: SqliteDb): number | null {
  return minRowSchema.parse(
    db.get(`SELECT MIN(next_attempt_at) AS oldest FROM alma_postings WHERE status = 'pending'`),
  ).oldest
}
