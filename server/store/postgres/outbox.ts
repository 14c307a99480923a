/**
 * The outbox (`alma_postings`) in PostgreSQL: the posting workers of every instance claim due lines
 * with `SELECT … FOR UPDATE SKIP LOCKED` and lease them per checkout; pay attempts are recorded
 * before they are sent; outcomes, re-allocation bookkeeping and the checkout's final status (decided
 * by `finalStatus`) follow. Every write locks the row and checks that the caller still holds it.
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
import { countRowSchema, idRowSchema, postingFromRow } from '../rows.ts'
import { readCheckout, requireCheckout } from './checkouts.ts'
import type { Sql } from './db.ts'
import { closeStuckExceptions, insertPostingException, listExceptions } from './exceptions.ts'

const feeSumRowSchema = z.object({ fee_id: z.string(), cents: z.number().int() })
const minRowSchema = z.object({ oldest: z.number().int().nullable() })
const candidateRowSchema = z.object({ id: z.number().int(), checkout_id: z.string() })

async function readPosting(
  sql: Sql,
  postingId: number,
  lock = false,
): Promise<PostingRecord | null> {
  const row = await sql.get(
    `SELECT * FROM alma_postings WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [postingId],
  )
  return row === undefined ? null : postingFromRow(row)
}

/** The row, locked, when it is still pending and leased to `owner`; null otherwise. */
async function heldBy(sql: Sql, postingId: number, owner: string): Promise<PostingRecord | null> {
  const posting = await readPosting(sql, postingId, true)
  return posting?.status === 'pending' && posting.leaseOwner === owner ? posting : null
}

/**
 * The oldest due line whose checkout nobody holds, locked with SKIP LOCKED (a line another worker
 * is claiming this instant is passed over, not waited for); then every due line of that checkout
 * that is free to lock, leased together. Two workers that picked two lines of one checkout at the
 * same instant each lease what they locked: every line still has exactly one holder.
 */
export async function claimPostings(
  sql: Sql,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<ClaimedPostings | null> {
  const candidate = await sql.get(
    `SELECT p.id, p.checkout_id FROM alma_postings p
     WHERE p.status = 'pending' AND p.next_attempt_at <= $1
       AND NOT EXISTS (
         SELECT 1 FROM alma_postings q
         WHERE q.checkout_id = p.checkout_id AND q.status = 'pending'
           AND q.lease_until IS NOT NULL AND q.lease_until > $1)
     ORDER BY p.next_attempt_at, p.id
     LIMIT 1
     FOR UPDATE SKIP LOCKED`,
    [now],
  )
  if (candidate === undefined) return null
  const { checkout_id: checkoutId } = candidateRowSchema.parse(candidate)
  const rows = await sql.all(
    `UPDATE alma_postings SET lease_owner = $1, lease_until = $2
     WHERE id IN (
       SELECT id FROM alma_postings
       WHERE checkout_id = $3 AND status = 'pending' AND next_attempt_at <= $4
         AND (lease_until IS NULL OR lease_until <= $4)
       FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [owner, now + leaseMs, checkoutId, now],
  )
  const postings = rows.map(postingFromRow).sort((a, b) => a.id - b.id)
  return postings.length === 0 ? null : { checkoutId, postings }
}

/**
 * The rows of a checkout one worker holds, locked in id order. A worker pays a checkout's lines in
 * parallel and each pay renews the whole lease, so statements that lock all of those rows run at
 * once; locking them in the order of a scan let two of them meet in opposite orders (the index's
 * order changes as rows are updated) and PostgreSQL killed one as a deadlock, seen in its log.
 * One order for every such statement leaves nothing to deadlock on.
 */
function heldRowsInOrder(checkoutId: string, owner: string, pendingOnly = true): string {
  return `SELECT id FROM alma_postings
     WHERE checkout_id = ${checkoutId} AND lease_owner = ${owner}${pendingOnly ? " AND status = 'pending'" : ''}
     ORDER BY id FOR UPDATE`
}

export async function renewLease(
  sql: Sql,
  checkoutId: string,
  owner: string,
  leaseUntil: number,
): Promise<boolean> {
  const changed = await sql.run(
    `UPDATE alma_postings SET lease_until = $1
     WHERE id IN (${heldRowsInOrder('$2', '$3')})`,
    [leaseUntil, checkoutId, owner],
  )
  return changed > 0
}

export async function releaseLeases(sql: Sql, checkoutId: string, owner: string): Promise<void> {
  await sql.run(
    `UPDATE alma_postings SET lease_owner = NULL, lease_until = NULL
     WHERE id IN (${heldRowsInOrder('$1', '$2', false)})`,
    [checkoutId, owner],
  )
}

export async function recordPayAttempt(
  sql: Sql,
  postingId: number,
  owner: string,
  attempt: { now: number; settleUntil: number },
): Promise<number | null> {
  const posting = await heldBy(sql, postingId, owner)
  if (!posting) return null
  const number = posting.attempts + 1
  await sql.run(
    `UPDATE alma_postings
     SET attempts = $1, last_attempt_at = $2, attempt_outcome = 'sent', next_attempt_at = $3
     WHERE id = $4`,
    [number, attempt.now, attempt.settleUntil, postingId],
  )
  await sql.event(posting.institution, attempt.now, posting.checkoutId, 'posting_attempt', {
    postingId,
    feeId: posting.feeId,
    amountCents: posting.amountCents,
    attempt: number,
  })
  return number
}

export async function recordPayOutcome(
  sql: Sql,
  postingId: number,
  owner: string,
  outcome: { outcome: 'uncertain' | 'refused'; error: string; unreadable: boolean; now: number },
): Promise<boolean> {
  const posting = await heldBy(sql, postingId, owner)
  if (!posting) return false
  const uncertain = outcome.outcome === 'uncertain'
  // Uncertain: the row waits out its settle window (next_attempt_at was set when the attempt was
  // recorded) and is let go. Refused: the caller decides at once, still holding it.
  await sql.run(
    `UPDATE alma_postings
     SET attempt_outcome = $1, last_error = $2,
         unreadable_since = CASE WHEN $3 THEN COALESCE(unreadable_since, $4) ELSE NULL END,
         next_attempt_at = CASE WHEN $5 THEN next_attempt_at ELSE $4 END,
         lease_owner = CASE WHEN $5 THEN NULL ELSE lease_owner END,
         lease_until = CASE WHEN $5 THEN NULL ELSE lease_until END
     WHERE id = $6`,
    [outcome.outcome, outcome.error, outcome.unreadable, outcome.now, uncertain, postingId],
  )
  await sql.event(
    posting.institution,
    outcome.now,
    posting.checkoutId,
    `posting_${outcome.outcome}`,
    {
      postingId,
      feeId: posting.feeId,
      attempt: posting.attempts,
      error: outcome.error,
      ...(uncertain ? { settleUntil: posting.nextAttemptAt } : {}),
    },
  )
  return true
}

export async function markPosted(
  sql: Sql,
  postingId: number,
  owner: string,
  result: { balanceAfterCents: number; foundInAlma: boolean; now: number },
): Promise<boolean> {
  const posting = await heldBy(sql, postingId, owner)
  if (!posting) return false
  await sql.run(
    `UPDATE alma_postings
     SET status = 'posted', balance_after_cents = $1, found_in_alma = $2, settled_at = $3,
         lease_owner = NULL, lease_until = NULL
     WHERE id = $4`,
    [result.balanceAfterCents, result.foundInAlma, result.now, postingId],
  )
  await sql.event(posting.institution, result.now, posting.checkoutId, 'posting_posted', {
    postingId,
    feeId: posting.feeId,
    amountCents: posting.amountCents,
    tx: posting.tx,
    foundInAlma: result.foundInAlma,
    balanceAfterCents: result.balanceAfterCents,
  })
  // The line healed itself: a "stuck" exception for it closes, with an event.
  await closeStuckExceptions(sql, posting, result.now)
  return true
}

export async function reschedulePosting(
  sql: Sql,
  postingId: number,
  owner: string,
  retry: { nextAttemptAt: number; error: string; unreadable: boolean; now: number },
): Promise<boolean> {
  const posting = await heldBy(sql, postingId, owner)
  if (!posting) return false
  await sql.run(
    `UPDATE alma_postings
     SET deferrals = deferrals + 1, next_attempt_at = $1, last_error = $2,
         unreadable_since = CASE WHEN $3 THEN COALESCE(unreadable_since, $4) ELSE NULL END,
         lease_owner = NULL, lease_until = NULL
     WHERE id = $5`,
    [retry.nextAttemptAt, retry.error, retry.unreadable, retry.now, postingId],
  )
  await sql.event(posting.institution, retry.now, posting.checkoutId, 'posting_retry', {
    postingId,
    feeId: posting.feeId,
    deferrals: posting.deferrals + 1,
    error: retry.error,
    nextAttemptAt: retry.nextAttemptAt,
  })
  return true
}

export async function reallocatePosting(
  sql: Sql,
  postingId: number,
  owner: string,
  input: ReallocationInput,
): Promise<boolean> {
  const posting = await heldBy(sql, postingId, owner)
  if (!posting) return false
  const problem = reallocationProblem(posting.amountCents, input)
  if (problem) throw new Error(`Re-allocation of posting ${postingId}: ${problem}.`)
  await sql.run(
    `UPDATE alma_postings
     SET status = 'reallocated', last_error = $1, settled_at = $2, lease_owner = NULL,
         lease_until = NULL
     WHERE id = $3`,
    [input.reason, input.now, postingId],
  )
  const children: number[] = []
  for (const target of input.targets) {
    const row = await sql.get(
      `INSERT INTO alma_postings
         (institution, checkout_id, line_no, parent_id, primary_id, fee_id, fee_description,
          fee_title, amount_cents, tx, status, next_attempt_at, created_at)
       VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11) RETURNING id`,
      [
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
      ],
    )
    children.push(Number(row?.id))
  }
  await sql.event(posting.institution, input.now, posting.checkoutId, 'posting_reallocated', {
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
    await insertPostingException(
      sql,
      { ...posting, amountCents: input.unapplied.amountCents },
      'unapplied_money',
      input.unapplied.reason,
      input.now,
    )
  }
  return true
}

export async function markPostingException(
  sql: Sql,
  postingId: number,
  owner: string,
  input: { kind: PostingExceptionKind; reason: string; now: number },
): Promise<boolean> {
  const posting = await heldBy(sql, postingId, owner)
  if (!posting) return false
  await sql.run(
    `UPDATE alma_postings
     SET status = 'exception', last_error = $1, settled_at = $2, lease_owner = NULL,
         lease_until = NULL
     WHERE id = $3`,
    [input.reason, input.now, postingId],
  )
  await insertPostingException(sql, posting, input.kind, input.reason, input.now)
  return true
}

export async function openPostingStuck(
  sql: Sql,
  postingId: number,
  input: { reason: string; now: number },
): Promise<boolean> {
  const posting = await readPosting(sql, postingId, true)
  if (posting?.status !== 'pending') return false
  // The unique index on open stuck exceptions answers "already open".
  return insertPostingException(sql, posting, 'posting_stuck', input.reason, input.now)
}

export async function pendingCentsByFee(
  sql: Sql,
  institution: string,
  feeIds: readonly string[],
): Promise<Map<string, number>> {
  const sums = new Map<string, number>()
  if (feeIds.length === 0) return sums
  const rows = await sql.all(
    `SELECT fee_id, SUM(amount_cents)::bigint AS cents FROM alma_postings
     WHERE status = 'pending' AND institution = $1 AND fee_id = ANY($2::text[])
     GROUP BY fee_id`,
    [institution, feeIds],
  )
  for (const row of rows) {
    const { fee_id, cents } = feeSumRowSchema.parse(row)
    sums.set(fee_id, cents)
  }
  return sums
}

export async function checkoutsReadyToFinalize(sql: Sql): Promise<string[]> {
  const rows = await sql.all(
    `SELECT c.id FROM checkouts c
     WHERE c.status = 'paid' AND NOT EXISTS (
       SELECT 1 FROM alma_postings p WHERE p.checkout_id = c.id AND p.status = 'pending')
     ORDER BY c.paid_at`,
  )
  return rows.map((row) => idRowSchema.parse(row).id)
}

export async function listPostings(sql: Sql, checkoutId: string): Promise<PostingRecord[]> {
  const rows = await sql.all('SELECT * FROM alma_postings WHERE checkout_id = $1 ORDER BY id', [
    checkoutId,
  ])
  return rows.map(postingFromRow)
}

export async function finalizeCheckout(
  sql: Sql,
  checkoutId: string,
  input: { remainingBalanceCents: number | null; now: number },
): Promise<CheckoutRecord | null> {
  const checkout = await readCheckout(sql, checkoutId, true)
  if (checkout?.status !== 'paid') return null
  const postings = await listPostings(sql, checkoutId)
  // A checkout made to carry a staff resolution has no CashNet tx of its own: its rows carry it.
  const tx = checkout.cashnetTx ?? postings[0]?.tx
  if (tx === undefined) return null
  const open = (await listExceptions(sql, { checkoutId })).filter((e) => e.resolvedAt === null)
  const status = finalStatus({ postings, exceptions: open, tx })
  if (status === null) return null
  await sql.run(
    `UPDATE checkouts SET status = $1, posted_at = $2, remaining_balance_cents = $3, updated_at = $2
     WHERE id = $4`,
    [status, input.now, input.remainingBalanceCents, checkoutId],
  )
  await sql.event(checkout.institution, input.now, checkoutId, 'checkout_posted', {
    status,
    tx,
    remainingBalanceCents: input.remainingBalanceCents,
  })
  return requireCheckout(sql, checkoutId)
}

export async function outboxDepth(sql: Sql): Promise<number> {
  return countRowSchema.parse(
    await sql.get(`SELECT COUNT(*) AS n FROM alma_postings WHERE status = 'pending'`),
  ).n
}

export async function oldestPendingPostingCreatedAt(sql: Sql): Promise<number | null> {
  return minRowSchema.parse(
    await sql.get(`SELECT MIN(created_at) AS oldest FROM alma_postings WHERE status = 'pending'`),
  ).oldest
}

export async function nextPostingDueAt(sql: Sql): Promise<number | null> {
  return minRowSchema.parse(
    await sql.get(
      `SELECT MIN(next_attempt_at) AS oldest FROM alma_postings WHERE status = 'pending'`,
    ),
  ).oldest
}
