/**
 * CashNet postbacks in PostgreSQL: the raw record (append-only, enforced by triggers) stored with
 * what it does — in one transaction, the raw row first — and the small record of refused requests.
 * What a payment does to a checkout is decided by `decidePaymentAcceptance`, with the checkout row
 * locked and the tx serialised by an advisory lock, so postbacks for one payment arriving at
 * several instances at once settle one after another.
 */
import { decideDecline, decidePaymentAcceptance } from '../../payments/rules/paymentAcceptance.ts'
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
import { checkoutFromRow, idRowSchema, postbackFromRow, refusedRequestFromRow } from '../rows.ts'
import { readCheckout, requireCheckout } from './checkouts.ts'
import type { PgDb, Sql } from './db.ts'
import { insertUnmatched } from './exceptions.ts'

async function insertRawPostback(sql: Sql, postback: NewPostback): Promise<number> {
  const row = await sql.get(
    `INSERT INTO postbacks
       (institution, received_at, source_ip, method, content_type, raw_body, raw_query,
        body_bytes, truncated)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      postback.institution,
      postback.receivedAt,
      postback.sourceIp,
      postback.method,
      postback.contentType,
      postback.rawBody,
      postback.rawQuery,
      postback.bodyBytes,
      postback.truncated,
    ],
  )
  return Number(row?.id)
}

async function settle(sql: Sql, postbackId: number, settlement: PostbackSettlement): Promise<void> {
  const changed = await sql.run(
    `UPDATE postbacks SET outcome = $1, reason = $2, tx = $3, checkout_id = $4, settled_at = $5
     WHERE id = $6 AND outcome IS NULL`,
    [
      settlement.outcome,
      settlement.reason,
      settlement.tx,
      settlement.checkoutId,
      settlement.now,
      postbackId,
    ],
  )
  if (changed !== 1) throw new Error(`Postback ${postbackId} is unknown or already settled.`)
}

/**
 * Paid, in one statement (one round trip): the checkout's status, one outbox row per line and an
 * event. `checkout` is the row the caller read and locked in this transaction; the answer is the
 * checkout as it now is.
 */
async function payCheckout(
  sql: Sql,
  checkout: CheckoutRecord,
  input: { tx: string; postbackId: number; now: number },
): Promise<CheckoutRecord> {
  const row = await sql.get(
    `WITH paid AS (
       UPDATE checkouts SET status = 'paid', cashnet_tx = $1, paid_at = $2, updated_at = $2
       WHERE id = $3 RETURNING *
     ), postings AS (
       INSERT INTO alma_postings
         (institution, checkout_id, line_no, parent_id, primary_id, fee_id, fee_description,
          fee_title, amount_cents, tx, status, next_attempt_at, created_at)
       SELECT c.institution, c.id, l.line_no, NULL, c.primary_id, l.fee_id, l.description, l.title,
              l.amount_cents, $1, 'pending', $2, $2
       FROM paid c JOIN checkout_lines l ON l.checkout_id = c.id ORDER BY l.line_no
     ), event AS (
       INSERT INTO events (institution, at, checkout_id, type, detail)
       SELECT institution, $2, id, 'checkout_paid', $4::text FROM paid
     )
     SELECT * FROM paid`,
    [
      input.tx,
      input.now,
      checkout.id,
      JSON.stringify({
        tx: input.tx,
        postbackId: input.postbackId,
        from: checkout.status,
        amountCents: checkout.amountCents,
      }),
    ],
  )
  if (row === undefined) throw new Error(`Checkout ${checkout.id} vanished inside a transaction.`)
  // The lines do not change when a checkout is paid.
  return { ...checkoutFromRow(row, []), lines: checkout.lines }
}

async function recordUnmatched(
  sql: Sql,
  postbackId: number,
  institution: string,
  now: number,
  input: {
    checkoutId: string | null
    tx: string | null
    amountCents: number | null
    reason: string
    because: 'not_matched' | 'tx_reused' | 'second_payment'
  },
): Promise<StoredPostback> {
  const { checkoutId, tx, amountCents, reason, because } = input
  const recorded = await insertUnmatched(sql, {
    institution,
    postbackId,
    checkoutId,
    tx,
    amountCents,
    reason,
    now,
  })
  const duplicate = recorded.kind === 'duplicate'
  await settle(sql, postbackId, {
    outcome: 'unmatched',
    reason: duplicate ? `${reason} (already recorded as ${recorded.reference})` : reason,
    tx,
    checkoutId,
    now,
  })
  return { postbackId, kind: 'unmatched', reference: recorded.reference, duplicate, because }
}

async function applyDecline(
  sql: Sql,
  postbackId: number,
  institution: string,
  action: Extract<PostbackAction, { kind: 'decline' }>,
  now: number,
): Promise<StoredPostback> {
  const found = await readCheckout(sql, action.checkoutId, true)
  const checkout = found?.institution === institution ? found : null
  const link = { tx: action.tx, checkoutId: action.checkoutId, now }
  if (!checkout) {
    await settle(sql, postbackId, {
      ...link,
      outcome: 'rejected_reference',
      reason: 'no known checkout',
    })
    return { postbackId, kind: 'rejected' }
  }
  if (decideDecline(checkout.status) === 'ignore') {
    await settle(sql, postbackId, {
      ...link,
      outcome: 'declined',
      reason: `checkout was ${checkout.status}; nothing changed`,
    })
    return { postbackId, kind: 'declined', checkout, changed: false }
  }
  await sql.run(
    `UPDATE checkouts SET status = 'failed', message = $1, updated_at = $2 WHERE id = $3`,
    [action.message, now, checkout.id],
  )
  await sql.event(institution, now, checkout.id, 'checkout_failed', {
    tx: action.tx,
    postbackId,
    message: action.message,
  })
  await settle(sql, postbackId, { ...link, outcome: 'declined', reason: null })
  return {
    postbackId,
    kind: 'declined',
    checkout: await requireCheckout(sql, checkout.id),
    changed: true,
  }
}

async function applyAccept(
  sql: Sql,
  postbackId: number,
  institution: string,
  action: Extract<PostbackAction, { kind: 'accept' }>,
  now: number,
): Promise<StoredPostback> {
  const { tx, amountCents } = action
  // One tx at a time across every instance: "who owns this tx" cannot change under us.
  await sql.run(`SELECT pg_advisory_xact_lock(hashtext('library-kiosk tx'), hashtext($1))`, [tx])
  const found = await readCheckout(sql, action.checkoutId, true)
  // A checkout of another institution is, for this postback, no checkout at all.
  const checkout = found?.institution === institution ? found : null
  if (!checkout) {
    return recordUnmatched(sql, postbackId, institution, now, {
      checkoutId: action.checkoutId,
      tx,
      amountCents,
      reason: 'no known checkout',
      because: 'not_matched',
    })
  }
  const owner = await sql.get('SELECT id FROM checkouts WHERE cashnet_tx = $1', [tx])
  const decision = decidePaymentAcceptance({
    checkout,
    tx,
    txOwnerId: owner === undefined ? null : idRowSchema.parse(owner).id,
  })
  switch (decision.kind) {
    case 'duplicate':
      await settle(sql, postbackId, {
        outcome: 'duplicate',
        reason: null,
        tx,
        checkoutId: checkout.id,
        now,
      })
      return { postbackId, kind: 'duplicate', checkout }
    case 'unmatched':
      return recordUnmatched(sql, postbackId, institution, now, {
        checkoutId: checkout.id,
        tx,
        amountCents,
        reason: decision.reason,
        because: decision.because,
      })
    case 'accept': {
      const paid = await payCheckout(sql, checkout, { tx, postbackId, now })
      await settle(sql, postbackId, {
        outcome: 'accepted',
        reason:
          decision.honouredFrom === null
            ? null
            : `honoured although the checkout was ${decision.honouredFrom}`,
        tx,
        checkoutId: checkout.id,
        now,
      })
      return { postbackId, kind: 'accepted', checkout: paid, previousStatus: checkout.status }
    }
  }
}

/** Applies what the ingest decided for a stored postback; the caller holds the transaction. */
async function apply(
  sql: Sql,
  postbackId: number,
  institution: string,
  action: PostbackAction,
  now: number,
): Promise<StoredPostback> {
  switch (action.kind) {
    case 'reject':
      await settle(sql, postbackId, { ...action, now })
      return { postbackId, kind: 'rejected' }
    case 'unmatched':
      return recordUnmatched(sql, postbackId, institution, now, {
        ...action,
        because: 'not_matched',
      })
    case 'decline':
      return applyDecline(sql, postbackId, institution, action, now)
    case 'accept':
      return applyAccept(sql, postbackId, institution, action, now)
  }
}

/**
 * One transaction: the raw postback first, then what it does. Should applying fail, the raw record
 * is still kept, alone and unsettled, before the error goes on: the evidence of what CashNet said
 * is never lost, and CashNet, answered 500, sends it again.
 */
export async function storePostback(
  db: PgDb,
  postback: NewPostback,
  action: PostbackAction,
  now: number,
): Promise<StoredPostback> {
  try {
    return await db.transaction(async (sql) => {
      const postbackId = await insertRawPostback(sql, postback)
      return apply(sql, postbackId, postback.institution, action, now)
    })
  } catch (error) {
    await db.transaction((sql) => insertRawPostback(sql, postback))
    throw error
  }
}

export async function insertRefusedRequest(
  sql: Sql,
  request: NewRefusedRequest,
  keep: number,
): Promise<void> {
  const row = await sql.get(
    `INSERT INTO refused_requests
       (institution, received_at, source_ip, method, reason, content_type, body_bytes)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      request.institution,
      request.receivedAt,
      request.sourceIp.slice(0, 64),
      request.method.slice(0, 16),
      request.reason,
      request.contentType === null ? null : request.contentType.slice(0, 128),
      request.bodyBytes,
    ],
  )
  await sql.run('DELETE FROM refused_requests WHERE id <= $1', [
    Number(row?.id) - Math.max(1, keep),
  ])
}

export async function listRefusedRequests(
  sql: Sql,
  limit: number,
): Promise<RefusedRequestRecord[]> {
  return (await sql.all('SELECT * FROM refused_requests ORDER BY id DESC LIMIT $1', [limit])).map(
    refusedRequestFromRow,
  )
}

export async function getPostback(sql: Sql, postbackId: number): Promise<PostbackRecord | null> {
  const row = await sql.get('SELECT * FROM postbacks WHERE id = $1', [postbackId])
  return row === undefined ? null : postbackFromRow(row)
}

export async function listPostbacks(
  sql: Sql,
  options: { afterId?: number; limit?: number },
): Promise<PostbackRecord[]> {
  const rows = await sql.all('SELECT * FROM postbacks WHERE id > $1 ORDER BY id LIMIT $2', [
    options.afterId ?? 0,
    options.limit ?? 1000,
  ])
  return rows.map(postbackFromRow)
}
