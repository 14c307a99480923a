/**
 * CashNet postbacks in PostgreSQL: the raw record (append-only, enforced by triggers) stored with
 * what it does — in one transaction, the raw row first — and the small record of refused requests.
 * What a payment does to a checkout is decided by `decidePaymentAcceptance`, with the checkout row
 * locked and the tx serialised by an advisory lock, so postbacks for one payment arriving at
 * several instances at once settle one after another.
 */
import { z } from 'zod'
import {
  decideAcceptanceAsSeen,
  decideDecline,
  decidePaymentAcceptance,
  honouredReason,
} from '../../payments/rules/paymentAcceptance.ts'
import type { CheckoutStatus } from '../../../common/api.ts'
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
import { checkoutFromRow, postbackFromRow, refusedRequestFromRow } from '../rows.ts'
import { readCheckout, readCheckoutForPayment, requireCheckout } from './checkouts.ts'
import { prepared, type PgDb, type Sql, type SqlParam } from './db.ts'
import { insertUnmatched } from './exceptions.ts'

const insertRawSql = `INSERT INTO postbacks
       (institution, received_at, source_ip, method, content_type, raw_body, raw_query,
        body_bytes, truncated)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`

function rawPostbackParams(postback: NewPostback): SqlParam[] {
  return [
    postback.institution,
    postback.receivedAt,
    postback.sourceIp,
    postback.method,
    postback.contentType,
    postback.rawBody,
    postback.rawQuery,
    postback.bodyBytes,
    postback.truncated,
  ]
}

async function insertRawPostback(sql: Sql, postback: NewPostback): Promise<number> {
  const row = await sql.get(insertRawSql, rawPostbackParams(postback))
  return Number(row?.id)
}

/**
 * The raw row and the tx's advisory lock in one round trip. Only the insert comes before the lock,
 * and it reads nothing: every read of this transaction is a later statement, with a snapshot taken
 * after the lock was granted.
 */
async function insertRawPostbackLockingTx(
  sql: Sql,
  postback: NewPostback,
  tx: string,
): Promise<number> {
  const row = await sql.get(
    `WITH raw AS (${insertRawSql})
     SELECT id, pg_advisory_xact_lock(hashtext('library-kiosk tx'), hashtext($10))::text AS locked
     FROM raw`,
    [...rawPostbackParams(postback), tx],
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
 * Paid, in one statement (one round trip): the checkout's status, one outbox row per line, an event
 * and the raw postback's settlement. `checkout` is the row the caller read and locked in this
 * transaction; the answer is the checkout as it now is.
 */
async function payCheckout(
  sql: Sql,
  checkout: CheckoutRecord,
  input: { tx: string; postbackId: number; now: number; reason: string | null },
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
     ), settled AS (
       UPDATE postbacks SET outcome = 'accepted', reason = $6, tx = $1, checkout_id = $3,
                            settled_at = $2
       WHERE id = $5 AND outcome IS NULL RETURNING id
     )
     SELECT paid.*, (SELECT count(*) FROM settled)::int AS settled_count FROM paid`,
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
      input.postbackId,
      input.reason,
    ],
  )
  if (row === undefined) throw new Error(`Checkout ${checkout.id} vanished inside a transaction.`)
  const { settled_count: settledCount, ...paidRow } = row
  if (settledCount !== 1) {
    throw new Error(`Postback ${input.postbackId} is unknown or already settled.`)
  }
  // The lines do not change when a checkout is paid.
  return { ...checkoutFromRow(paidRow, []), lines: checkout.lines }
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
  // storePostback took the tx's advisory lock with the raw row: one tx at a time across every
  // instance, so "who owns this tx" cannot change under us.
  const found = await readCheckoutForPayment(sql, action.checkoutId, tx)
  // A checkout of another institution is, for this postback, no checkout at all.
  const checkout = found?.checkout.institution === institution ? found.checkout : null
  if (!found || !checkout) {
    return recordUnmatched(sql, postbackId, institution, now, {
      checkoutId: action.checkoutId,
      tx,
      amountCents,
      reason: 'no known checkout',
      because: 'not_matched',
    })
  }
  const decision = decidePaymentAcceptance({ checkout, tx, txOwnerId: found.txOwnerId })
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
      const paid = await payCheckout(sql, checkout, {
        tx,
        postbackId,
        now,
        reason: honouredReason(decision.honouredFrom),
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

// Typed: in INSERT … SELECT … UNION ALL, PostgreSQL would take untyped parameters for text.
const rawTyped =
  '$1::text, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::text, $8::bigint, $9::boolean'

/**
 * See `acceptAsSeen`. The guard is written so that no index but the primary key can serve it: on
 * tables without statistics yet (a new database) the planner otherwise took the pending-expiry or
 * institution index and scanned every pending checkout for each postback. The institution is not
 * in it: `decideAcceptanceAsSeen` compared it, and a checkout's institution never changes.
 * $1–$9 the raw postback, $10 tx, $11 now, $12 checkout, $13 status seen, $14 reason. */
const acceptAsSeenSql = prepared(`WITH paid AS (
    UPDATE checkouts SET status = 'paid', cashnet_tx = $10, paid_at = $11, updated_at = $11
    WHERE id = $12 AND status || '' = $13 AND coalesce(cashnet_tx, '') = ''
    RETURNING id, institution, primary_id, amount_cents
  ), raw AS (
    INSERT INTO postbacks
      (institution, received_at, source_ip, method, content_type, raw_body, raw_query,
       body_bytes, truncated, outcome, reason, tx, checkout_id, settled_at)
    SELECT ${rawTyped}, 'accepted', $14::text, $10::text, $12::text, $11::bigint FROM paid
    UNION ALL
    SELECT ${rawTyped}, NULL, NULL, NULL, NULL, NULL::bigint WHERE NOT EXISTS (SELECT 1 FROM paid)
    RETURNING id, outcome
  ), postings AS (
    INSERT INTO alma_postings
      (institution, checkout_id, line_no, parent_id, primary_id, fee_id, fee_description,
       fee_title, amount_cents, tx, status, next_attempt_at, created_at)
    SELECT c.institution, c.id, l.line_no, NULL, c.primary_id, l.fee_id, l.description,
           l.title, l.amount_cents, $10, 'pending', $11, $11
    FROM paid c JOIN checkout_lines l ON l.checkout_id = c.id ORDER BY l.line_no
  ), event AS (
    INSERT INTO events (institution, at, checkout_id, type, detail)
    SELECT c.institution, $11, c.id, 'checkout_paid',
           json_build_object('tx', $10::text, 'postbackId', r.id, 'from', $13::text,
                             'amountCents', c.amount_cents)::text
    FROM paid c CROSS JOIN raw r
  )
  SELECT id AS "postbackId", outcome FROM raw`)

const acceptedRowSchema = z.object({
  postbackId: z.coerce.number().int(),
  outcome: z.string().nullable(),
})

/**
 * A payment for a checkout still as the ingest saw it, in one statement (one round trip, its own
 * commit): the checkout paid only if its status is still the one seen and no tx has paid it
 * (compare-and-set), its outbox rows and event, and the raw postback, settled `accepted` when the
 * payment went in and unsettled when it did not. The decision stays `decidePaymentAcceptance`'s,
 * made on the checkout as seen; the guard makes sure that is still the checkout it applies to, and
 * the unique `cashnet_tx` makes a tx that paid another checkout meanwhile fail the whole statement.
 * Answers the stored postback, or the raw row's id for `storePostback` to settle under its locks.
 */
async function acceptAsSeen(
  db: PgDb,
  postback: NewPostback,
  action: Extract<PostbackAction, { kind: 'accept' }>,
  seen: CheckoutRecord,
  acceptance: { honouredFrom: CheckoutStatus | null },
  now: number,
): Promise<StoredPostback | { unsettledPostbackId: number }> {
  const reason = honouredReason(acceptance.honouredFrom)
  const row = await db.read((sql) =>
    sql.get(acceptAsSeenSql, [
      ...rawPostbackParams(postback),
      action.tx,
      now,
      seen.id,
      seen.status,
      reason,
    ]),
  )
  if (row === undefined) throw new Error('The postback was not stored.')
  const { postbackId, outcome } = acceptedRowSchema.parse(row)
  if (outcome !== 'accepted') return { unsettledPostbackId: postbackId }
  return {
    postbackId,
    kind: 'accepted',
    // What the statement changed, and only that (the guard held: the rest is as seen).
    checkout: { ...seen, status: 'paid', cashnetTx: action.tx, paidAt: now, updatedAt: now },
    previousStatus: seen.status,
  }
}

/**
 * The raw postback first, then what it does. A payment for a checkout still as the ingest saw it
 * (the common case) goes in one statement; anything else, or a checkout that changed since, in a
 * transaction that locks the tx and the checkout and decides again. Should applying fail, the raw
 * record is still kept, alone and unsettled, before the error goes on: the evidence of what
 * CashNet said is never lost, and CashNet, answered 500, sends it again.
 */
export async function storePostback(
  db: PgDb,
  postback: NewPostback,
  action: PostbackAction,
  now: number,
): Promise<StoredPostback> {
  const seen = action.kind === 'accept' ? action.seen : undefined
  const asSeen =
    action.kind === 'accept' && seen
      ? decideAcceptanceAsSeen({
          seen,
          checkoutId: action.checkoutId,
          institution: postback.institution,
          tx: action.tx,
        })
      : null
  if (action.kind === 'accept' && seen && asSeen) {
    let fast: Awaited<ReturnType<typeof acceptAsSeen>> | null = null
    try {
      fast = await acceptAsSeen(db, postback, action, seen, asSeen, now)
    } catch {
      // Nothing of the statement was kept (a tx that paid another checkout meanwhile, say): the
      // transaction below stores the raw row and decides under its locks.
    }
    if (fast && 'kind' in fast) return fast
    if (fast) {
      const postbackId = fast.unsettledPostbackId
      // The raw row is committed: should this fail, it stays, unsettled, and the error goes on.
      return db.transaction(async (sql) => {
        await sql.get(`SELECT pg_advisory_xact_lock(hashtext('library-kiosk tx'), hashtext($1))`, [
          action.tx,
        ])
        return apply(sql, postbackId, postback.institution, action, now)
      })
    }
  }
  try {
    return await db.transaction(async (sql) => {
      const postbackId =
        action.kind === 'accept'
          ? await insertRawPostbackLockingTx(sql, postback, action.tx)
          : await insertRawPostback(sql, postback)
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
