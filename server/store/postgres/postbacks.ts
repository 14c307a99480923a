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

/** A payment to apply as the ingest saw its checkout (see `acceptAsSeen`). */
export interface AsSeenPayment {
  postback: NewPostback
  action: Extract<PostbackAction, { kind: 'accept' }>
  seen: CheckoutRecord
  acceptance: { honouredFrom: CheckoutStatus | null }
  now: number
}

/**
 * What applying a payment as seen did: the payment stored and accepted; or the raw row stored,
 * unsettled, because the checkout changed since (for `storePostback` to settle under its locks);
 * or nothing kept at all (the statement failed: a tx that paid another checkout meanwhile, say).
 */
export type AsSeenOutcome = StoredPostback | { unsettledPostbackId: number } | null

/** The statements' parameters for one payment: $1–$9 the raw postback, then $10–$14. */
function asSeenParams(payment: AsSeenPayment): SqlParam[] {
  const { postback, action, seen, acceptance, now } = payment
  return [
    ...rawPostbackParams(postback),
    action.tx,
    now,
    seen.id,
    seen.status,
    honouredReason(acceptance.honouredFrom),
  ]
}

function acceptedAsSeen(payment: AsSeenPayment, postbackId: number): StoredPostback {
  const { seen, action, now } = payment
  return {
    postbackId,
    kind: 'accepted',
    // What the statement changed, and only that (the guard held: the rest is as seen).
    checkout: { ...seen, status: 'paid', cashnetTx: action.tx, paidAt: now, updatedAt: now },
    previousStatus: seen.status,
  }
}

/**
 * A payment for a checkout still as the ingest saw it, in one statement (one round trip, its own
 * commit): the checkout paid only if its status is still the one seen and no tx has paid it
 * (compare-and-set), its outbox rows and event, and the raw postback, settled `accepted` when the
 * payment went in and unsettled when it did not. The decision stays `decidePaymentAcceptance`'s,
 * made on the checkout as seen; the guard makes sure that is still the checkout it applies to, and
 * the unique `cashnet_tx` makes a tx that paid another checkout meanwhile fail the whole statement.
 */
async function acceptAsSeen(db: PgDb, payment: AsSeenPayment): Promise<AsSeenOutcome> {
  try {
    const row = await db.read((sql) => sql.get(acceptAsSeenSql, asSeenParams(payment)))
    if (row === undefined) return null
    const { postbackId, outcome } = acceptedRowSchema.parse(row)
    return outcome === 'accepted'
      ? acceptedAsSeen(payment, postbackId)
      : { unsettledPostbackId: postbackId }
  } catch {
    return null
  }
}

/**
 * The names and types of `asSeenParams`'s values, in its order: the columns of
 * `acceptManyAsSeenSql`'s input, and the keys of each payment in `asSeenRowsJson`.
 */
const asSeenColumns = [
  ['institution', 'text'],
  ['received_at', 'bigint'],
  ['source_ip', 'text'],
  ['method', 'text'],
  ['content_type', 'text'],
  ['raw_body', 'text'],
  ['raw_query', 'text'],
  ['body_bytes', 'bigint'],
  ['truncated', 'boolean'],
  ['tx', 'text'],
  ['now', 'bigint'],
  ['checkout_id', 'text'],
  ['seen_status', 'text'],
  ['reason', 'text'],
] as const

const asSeenColumnsSql = asSeenColumns.map(([name, type]) => `${name} ${type}`).join(', ')

/**
 * `acceptAsSeenSql` for several payments in one statement, so one commit: each row of the input is
 * one payment, its raw row's id drawn first so the outbox event can name it. The same
 * compare-and-set guard per checkout; one payment per checkout and per tx (`acceptManyAsSeen` sees
 * to that), so no two rows of the input touch the same checkout.
 *
 * The payments come as one JSON array (`asSeenRowsJson`), not as an array per column: the planner
 * sizes `unnest` by each call's arrays, so every call looked cheaper planned afresh, and planning
 * this statement cost about half as much as running it. `json_to_recordset` is sized the same
 * whatever it holds, so the plan is made once per connection and reused.
 * $1 the payments (columns as `asSeenColumns`, plus `ord`, their order). */
const acceptManyAsSeenSql = prepared(`WITH input AS MATERIALIZED (
    SELECT i.*, nextval(pg_get_serial_sequence('postbacks', 'id')) AS raw_id
    FROM json_to_recordset($1::json)
      AS i(${asSeenColumnsSql}, ord integer)
  ), paid AS (
    UPDATE checkouts c SET status = 'paid', cashnet_tx = i.tx, paid_at = i.now, updated_at = i.now
    FROM input i
    -- By primary key: planned for json_to_recordset's 100 rows, the join alone scanned checkouts.
    WHERE c.id = ANY (ARRAY(SELECT checkout_id FROM input)) AND c.id = i.checkout_id
      AND c.status || '' = i.seen_status AND coalesce(c.cashnet_tx, '') = ''
    RETURNING c.id, c.institution, c.primary_id, c.amount_cents, i.ord, i.raw_id, i.tx, i.now,
              i.seen_status, i.reason
  ), raw AS (
    INSERT INTO postbacks
      (id, institution, received_at, source_ip, method, content_type, raw_body, raw_query,
       body_bytes, truncated, outcome, reason, tx, checkout_id, settled_at)
    OVERRIDING SYSTEM VALUE
    SELECT i.raw_id, i.institution, i.received_at, i.source_ip, i.method, i.content_type,
           i.raw_body, i.raw_query, i.body_bytes, i.truncated,
           CASE WHEN p.id IS NULL THEN NULL ELSE 'accepted' END, p.reason, p.tx, p.id, p.now
    FROM input i LEFT JOIN paid p ON p.ord = i.ord ORDER BY i.ord
  ), postings AS (
    INSERT INTO alma_postings
      (institution, checkout_id, line_no, parent_id, primary_id, fee_id, fee_description,
       fee_title, amount_cents, tx, status, next_attempt_at, created_at)
    SELECT c.institution, c.id, l.line_no, NULL, c.primary_id, l.fee_id, l.description,
           l.title, l.amount_cents, c.tx, 'pending', c.now, c.now
    FROM paid c JOIN checkout_lines l ON l.checkout_id = c.id ORDER BY c.ord, l.line_no
  ), event AS (
    INSERT INTO events (institution, at, checkout_id, type, detail)
    SELECT c.institution, c.now, c.id, 'checkout_paid',
           json_build_object('tx', c.tx, 'postbackId', c.raw_id, 'from', c.seen_status,
                             'amountCents', c.amount_cents)::text
    FROM paid c ORDER BY c.ord
  )
  SELECT i.raw_id AS "postbackId", p.id IS NOT NULL AS accepted
  FROM input i LEFT JOIN paid p ON p.ord = i.ord ORDER BY i.ord`)

const acceptedManyRowSchema = z.object({
  postbackId: z.coerce.number().int(),
  accepted: z.boolean(),
})

/** The payments as one JSON array of objects, `asSeenParams`'s values by column name. */
function asSeenRowsJson(payments: readonly AsSeenPayment[]): string {
  return JSON.stringify(
    payments.map((payment, ord) => {
      const values = asSeenParams(payment)
      const row: Record<string, SqlParam> = { ord }
      asSeenColumns.forEach(([column], index) => {
        row[column] = values[index] ?? null
      })
      return row
    }),
  )
}

/**
 * Payments as seen that arrived together, applied together: one statement and one commit for all
 * of them where they touch different checkouts and txs, which is what lets a busy instance keep up
 * (each commit is a WAL flush and a round trip). A second payment for a checkout or tx already in
 * the statement goes alone after it, and sees what it did; should the shared statement fail (one
 * tx that paid another checkout meanwhile fails it whole, and nothing of it is kept), each payment
 * goes alone, so one payment's trouble is never another's. Answers one outcome per payment.
 */
export async function acceptManyAsSeen(
  db: PgDb,
  payments: readonly AsSeenPayment[],
): Promise<AsSeenOutcome[]> {
  const outcomes: AsSeenOutcome[] = payments.map(() => null)
  type Entry = { payment: AsSeenPayment; index: number }
  const together: Entry[] = []
  const alone: Entry[] = []
  const checkoutIds = new Set<string>()
  const txs = new Set<string>()
  payments.forEach((payment, index) => {
    const { seen, action } = payment
    if (checkoutIds.has(seen.id) || txs.has(action.tx)) {
      alone.push({ payment, index })
      return
    }
    checkoutIds.add(seen.id)
    txs.add(action.tx)
    together.push({ payment, index })
  })
  let rows: Record<string, unknown>[] | null = null
  if (together.length > 1) {
    const shared = together.map(({ payment }) => payment)
    rows = await db
      .read((sql) => sql.all(acceptManyAsSeenSql, [asSeenRowsJson(shared)]))
      .catch(() => null)
  }
  if (rows === null) {
    alone.unshift(...together)
  } else {
    // Committed: from here on an error is the caller's, never a reason to apply again.
    const answered = rows
    together.forEach(({ payment, index }, position) => {
      const { postbackId, accepted } = acceptedManyRowSchema.parse(answered[position])
      outcomes[index] = accepted
        ? acceptedAsSeen(payment, postbackId)
        : { unsettledPostbackId: postbackId }
    })
  }
  // One at a time, in arrival order: a later payment for the same checkout sees the earlier one.
  for (const { payment, index } of alone) outcomes[index] = await acceptAsSeen(db, payment)
  return outcomes
}

/**
 * The raw postback first, then what it does. A payment for a checkout still as the ingest saw it
 * (the common case) goes through `applyAsSeen`: one statement, alone or (`acceptManyAsSeen`)
 * shared with the payments that arrived with it; anything else, or a checkout that changed since, in a
 * transaction that locks the tx and the checkout and decides again. Should applying fail, the raw
 * record is still kept, alone and unsettled, before the error goes on: the evidence of what
 * CashNet said is never lost, and CashNet, answered 500, sends it again.
 */
export async function storePostback(
  db: PgDb,
  postback: NewPostback,
  action: PostbackAction,
  now: number,
  applyAsSeen: (payment: AsSeenPayment) => Promise<AsSeenOutcome> = (payment) =>
    acceptAsSeen(db, payment),
): Promise<StoredPostback> {
  const seen = action.kind === 'accept' ? action.seen : undefined
  const acceptance =
    action.kind === 'accept' && seen
      ? decideAcceptanceAsSeen({
          seen,
          checkoutId: action.checkoutId,
          institution: postback.institution,
          tx: action.tx,
        })
      : null
  if (action.kind === 'accept' && seen && acceptance) {
    const fast = await applyAsSeen({ postback, action, seen, acceptance, now })
    if (fast && 'kind' in fast) return fast
    // A null: nothing of the statement was kept, and the transaction below stores the raw row and
    // decides under its locks.
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
