/**
 * CashNet postbacks in SQLite: the raw record (append-only, enforced by triggers) stored together
 * with what it does — in one transaction, the raw row first — and the small record of refused
 * requests. What a payment does to a checkout is decided by `decidePaymentAcceptance`.
 */
import {
  decideAcceptanceAsSeen,
  decideDecline,
  decidePaymentAcceptance,
  honouredReason,
} from '../../payments/rules/paymentAcceptance.ts'
import type {
  CheckoutRecord,
  NewPostback,
  NewRefusedRequest,
  PostbackAction,
  PostbackRecord,
  PostbackSettlement,
  RefusedRequestRecord,
  StoredPostback,
} from '../repository.ts'
import { readCheckout, requireCheckout } from './checkouts.ts'
import type { SqliteDb } from './db.ts'
import { insertUnmatched } from './exceptions.ts'
import { checkoutWithLines, idRowSchema, postbackFromRow, refusedRequestFromRow } from '../rows.ts'

function insertRawPostback(db: SqliteDb, postback: NewPostback): number {
  return db.insert(
    `INSERT INTO postbacks
       (institution, received_at, source_ip, method, content_type, raw_body, raw_query,
        body_bytes, truncated)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    postback.institution,
    postback.receivedAt,
    postback.sourceIp,
    postback.method,
    postback.contentType,
    postback.rawBody,
    postback.rawQuery,
    postback.bodyBytes,
    postback.truncated ? 1 : 0,
  )
}

/** The raw postback and its settlement in one row, for a postback settled in the same savepoint. */
function insertSettledRawPostback(
  db: SqliteDb,
  postback: NewPostback,
  settlement: PostbackSettlement,
): number {
  return db.insert(
    `INSERT INTO postbacks
       (institution, received_at, source_ip, method, content_type, raw_body, raw_query,
        body_bytes, truncated, outcome, reason, tx, checkout_id, settled_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    postback.institution,
    postback.receivedAt,
    postback.sourceIp,
    postback.method,
    postback.contentType,
    postback.rawBody,
    postback.rawQuery,
    postback.bodyBytes,
    postback.truncated ? 1 : 0,
    settlement.outcome,
    settlement.reason,
    settlement.tx,
    settlement.checkoutId,
    settlement.now,
  )
}

function settle(db: SqliteDb, postbackId: number, settlement: PostbackSettlement): void {
  const changed = db.run(
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

/** What paying a checkout adds beside its status: one outbox row per line and an event. */
function recordPayment(
  db: SqliteDb,
  checkout: CheckoutRecord,
  input: { tx: string; postbackId: number; now: number },
): void {
  for (const line of checkout.lines) {
    db.run(
      `INSERT INTO alma_postings
         (institution, checkout_id, line_no, parent_id, primary_id, fee_id, fee_description,
          fee_title, amount_cents, tx, status, next_attempt_at, created_at)
       VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      checkout.institution,
      checkout.id,
      line.lineNo,
      checkout.primaryId,
      line.feeId,
      line.description,
      line.title,
      line.amountCents,
      input.tx,
      input.now,
      input.now,
    )
  }
  db.event(checkout.institution, input.now, checkout.id, 'checkout_paid', {
    tx: input.tx,
    postbackId: input.postbackId,
    from: checkout.status,
    amountCents: checkout.amountCents,
  })
}

/**
 * Paid: the checkout's status, one outbox row per line and an event; answers the paid checkout.
 * `checkout` was read in this transaction, so it is current; the row comes back from the UPDATE.
 */
function payCheckout(
  db: SqliteDb,
  checkout: CheckoutRecord,
  input: { tx: string; postbackId: number; now: number },
): CheckoutRecord {
  const row = db.get(
    `UPDATE checkouts SET status = 'paid', cashnet_tx = ?, paid_at = ?, updated_at = ?
     WHERE id = ? RETURNING *`,
    input.tx,
    input.now,
    input.now,
    checkout.id,
  )
  recordPayment(db, checkout, input)
  return checkoutWithLines(row, checkout.lines)
}

/**
 * A payment for the checkout as the ingest saw it (`decideAcceptanceAsSeen`), without reading it
 * again: paid only if no checkout holds the tx and its status is still the one seen and no tx has
 * paid it; the raw row goes in settled, beside it, in the caller's savepoint. Null (nothing
 * written) when the view does not qualify or anything changed since: the caller stores the raw row
 * and reads the checkout to decide again.
 */
function acceptAsSeen(
  db: SqliteDb,
  postback: NewPostback,
  action: PostbackAction,
  now: number,
): StoredPostback | null {
  if (action.kind !== 'accept' || !action.seen) return null
  const seen = action.seen
  const acceptance = decideAcceptanceAsSeen({
    seen,
    checkoutId: action.checkoutId,
    institution: postback.institution,
    tx: action.tx,
  })
  if (!acceptance) return null
  if (db.get('SELECT id FROM checkouts WHERE cashnet_tx = ?', action.tx) !== undefined) return null
  const changed = db.run(
    `UPDATE checkouts SET status = 'paid', cashnet_tx = ?, paid_at = ?, updated_at = ?
     WHERE id = ? AND status = ? AND cashnet_tx IS NULL`,
    action.tx,
    now,
    now,
    seen.id,
    seen.status,
  )
  if (changed !== 1) return null
  const postbackId = insertSettledRawPostback(db, postback, {
    outcome: 'accepted',
    reason: honouredReason(acceptance.honouredFrom),
    tx: action.tx,
    checkoutId: seen.id,
    now,
  })
  recordPayment(db, seen, { tx: action.tx, postbackId, now })
  return {
    postbackId,
    kind: 'accepted',
    // What the UPDATE changed, and only that (the guard held: the rest is as seen).
    checkout: { ...seen, status: 'paid', cashnetTx: action.tx, paidAt: now, updatedAt: now },
    previousStatus: seen.status,
  }
}

/** Applies what the ingest decided for a stored postback; the caller holds the transaction. */
function apply(
  db: SqliteDb,
  postbackId: number,
  institution: string,
  action: PostbackAction,
  now: number,
): StoredPostback {
  if (action.kind === 'reject') {
    settle(db, postbackId, { ...action, now })
    return { postbackId, kind: 'rejected' }
  }
  const unmatched = (
    checkoutId: string | null,
    tx: string | null,
    amountCents: number | null,
    reason: string,
    because: 'not_matched' | 'tx_reused' | 'second_payment',
  ): StoredPostback => {
    const recorded = insertUnmatched(db, {
      institution,
      postbackId,
      checkoutId,
      tx,
      amountCents,
      reason,
      now,
    })
    const duplicate = recorded.kind === 'duplicate'
    settle(db, postbackId, {
      outcome: 'unmatched',
      reason: duplicate ? `${reason} (already recorded as ${recorded.reference})` : reason,
      tx,
      checkoutId,
      now,
    })
    return { postbackId, kind: 'unmatched', reference: recorded.reference, duplicate, because }
  }
  if (action.kind === 'unmatched') {
    return unmatched(action.checkoutId, action.tx, action.amountCents, action.reason, 'not_matched')
  }

  // A checkout of another institution is, for this postback, no checkout at all.
  const found = readCheckout(db, action.checkoutId)
  const checkout = found?.institution === institution ? found : null
  if (action.kind === 'decline') {
    const link = { tx: action.tx, checkoutId: action.checkoutId, now }
    if (!checkout) {
      settle(db, postbackId, {
        ...link,
        outcome: 'rejected_reference',
        reason: 'no known checkout',
      })
      return { postbackId, kind: 'rejected' }
    }
    if (decideDecline(checkout.status) === 'ignore') {
      settle(db, postbackId, {
        ...link,
        outcome: 'declined',
        reason: `checkout was ${checkout.status}; nothing changed`,
      })
      return { postbackId, kind: 'declined', checkout, changed: false }
    }
    db.run(
      `UPDATE checkouts SET status = 'failed', message = ?, updated_at = ? WHERE id = ?`,
      action.message,
      now,
      checkout.id,
    )
    db.event(institution, now, checkout.id, 'checkout_failed', {
      tx: action.tx,
      postbackId,
      message: action.message,
    })
    settle(db, postbackId, { ...link, outcome: 'declined', reason: null })
    return {
      postbackId,
      kind: 'declined',
      checkout: requireCheckout(db, checkout.id),
      changed: true,
    }
  }

  const { tx, amountCents } = action
  if (!checkout) {
    return unmatched(action.checkoutId, tx, amountCents, 'no known checkout', 'not_matched')
  }
  const owner = db.get('SELECT id FROM checkouts WHERE cashnet_tx = ?', tx)
  const decision = decidePaymentAcceptance({
    checkout,
    tx,
    txOwnerId: owner === undefined ? null : idRowSchema.parse(owner).id,
  })
  switch (decision.kind) {
    case 'duplicate':
      settle(db, postbackId, {
        outcome: 'duplicate',
        reason: null,
        tx,
        checkoutId: checkout.id,
        now,
      })
      return { postbackId, kind: 'duplicate', checkout }
    case 'unmatched':
      return unmatched(checkout.id, tx, amountCents, decision.reason, decision.because)
    case 'accept': {
      const paid = payCheckout(db, checkout, { tx, postbackId, now })
      settle(db, postbackId, {
        outcome: 'accepted',
        reason: honouredReason(decision.honouredFrom),
        tx,
        checkoutId: checkout.id,
        now,
      })
      return { postbackId, kind: 'accepted', checkout: paid, previousStatus: checkout.status }
    }
  }
}

/**
 * One transaction: the raw postback with what it does — a payment for a checkout still as the
 * ingest saw it in a few statements (`acceptAsSeen`), anything else the raw row first, then what
 * it does after reading the checkout. Should applying fail (a bug, a full disk), what it did is undone and the raw record is kept alone and unsettled, in the same commit,
 * before the error goes on: the evidence of what CashNet said is never lost, and CashNet, answered
 * 500, sends it again. Concurrent postbacks share one commit (`SqliteDb.groupCommit`).
 */
export async function storePostback(
  db: SqliteDb,
  postback: NewPostback,
  action: PostbackAction,
  now: number,
): Promise<StoredPostback> {
  const done = await db.groupCommit((): { stored: StoredPostback } | { failed: Error } => {
    try {
      return {
        stored: db.savepoint(
          () =>
            acceptAsSeen(db, postback, action, now) ??
            apply(db, insertRawPostback(db, postback), postback.institution, action, now),
        ),
      }
    } catch (error) {
      insertRawPostback(db, postback)
      return { failed: error instanceof Error ? error : new Error(String(error)) }
    }
  })
  if ('failed' in done) throw done.failed
  return done.stored
}

export function insertRefusedRequest(db: SqliteDb, request: NewRefusedRequest, keep: number): void {
  const id = db.insert(
    `INSERT INTO refused_requests
       (institution, received_at, source_ip, method, reason, content_type, body_bytes)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    request.institution,
    request.receivedAt,
    request.sourceIp.slice(0, 64),
    request.method.slice(0, 16),
    request.reason,
    request.contentType === null ? null : request.contentType.slice(0, 128),
    request.bodyBytes,
  )
  db.run('DELETE FROM refused_requests WHERE id <= ?', id - Math.max(1, keep))
}

export function listRefusedRequests(db: SqliteDb, limit: number): RefusedRequestRecord[] {
  return db
    .all('SELECT * FROM refused_requests ORDER BY id DESC LIMIT ?', limit)
    .map(refusedRequestFromRow)
}

export function getPostback(db: SqliteDb, postbackId: number): PostbackRecord | null {
  const row = db.get('SELECT * FROM postbacks WHERE id = ?', postbackId)
  return row === undefined ? null : postbackFromRow(row)
}

export function listPostbacks(
  db: SqliteDb,
  options: { afterId?: number; limit?: number },
): PostbackRecord[] {
  return db
    .all(
      'SELECT * FROM postbacks WHERE id > ? ORDER BY id LIMIT ?',
      options.afterId ?? 0,
      options.limit ?? 1000,
    )
    .map(postbackFromRow)
}
