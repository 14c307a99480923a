/**
 * The checkout aggregate in PostgreSQL: a checkout with its lines, its guarded status changes
 * (the row locked FOR UPDATE while the guard is checked) and its expiry. Called inside the
 * repository's transactions.
 */
import { z } from 'zod'
import type { CheckoutRecord, CheckoutTransition, NewCheckout } from '../repository.ts'
import { checkoutFromRow, checkoutRowColumns, idRowSchema } from '../rows.ts'
import { prepared, type PreparedSql, type Sql } from './db.ts'

/** The lines' rows, as `json_agg` hands them over (each row is checked by `checkoutFromRow`). */
const lineRowsSchema = z.array(z.unknown())
const txOwnerIdSchema = z.string().nullable()

export async function insertCheckout(sql: Sql, checkout: NewCheckout): Promise<void> {
  await sql.run(
    `INSERT INTO checkouts
       (id, institution, kiosk_id, channel, primary_id, patron_name, currency, amount_cents,
        status, created_at, expires_at, updated_at, fee_balances)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10, $9, $11)`,
    [
      checkout.id,
      checkout.institution,
      checkout.kioskId,
      checkout.channel,
      checkout.primaryId,
      checkout.patronName,
      checkout.currency,
      checkout.amountCents,
      checkout.createdAt,
      checkout.expiresAt,
      JSON.stringify(checkout.feeBalances),
    ],
  )
  // One statement for every line.
  await sql.run(
    `INSERT INTO checkout_lines
       (checkout_id, line_no, fee_id, fee_type, description, title, fee_created_at, amount_cents,
        item_code)
     SELECT $1, n, l->>'feeId', l->>'feeType', l->>'description', l->>'title', l->>'feeCreatedAt',
            (l->>'amountCents')::bigint, l->>'itemCode'
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(l, n)`,
    [checkout.id, JSON.stringify(checkout.lines)],
  )
  await sql.event(checkout.institution, checkout.createdAt, checkout.id, 'checkout_created', {
    kioskId: checkout.kioskId,
    channel: checkout.channel,
    amountCents: checkout.amountCents,
    lines: checkout.lines.map((line) => ({ feeId: line.feeId, amountCents: line.amountCents })),
  })
}

const checkoutColumnsSql = checkoutRowColumns.map((column) => `c.${column}`).join(', ')

/**
 * Checkout rows with their lines as a JSON array beside each (`line_rows`), plus `extra` columns; a
 * prepared statement (the postback ingest reads a checkout per postback), so columns are named.
 */
function checkoutWithLinesSql(options: {
  where?: string
  extra?: string
  lock?: boolean
}): PreparedSql {
  const { where = 'c.id = $1', extra = '', lock = false } = options
  return prepared(`SELECT ${checkoutColumnsSql},
            (SELECT COALESCE(json_agg(l ORDER BY l.line_no), '[]'::json)
             FROM checkout_lines l WHERE l.checkout_id = c.id) AS line_rows${extra}
     FROM checkouts c WHERE ${where}${lock ? ' FOR UPDATE OF c' : ''}`)
}

const readCheckoutSql = checkoutWithLinesSql({})
/**
 * The ids come as a JSON array made into the array inside the statement, not as `$1::text[]`: the
 * planner sizes an array parameter by each call's array, so every call looked cheaper planned
 * afresh (and planning cost more than the read). An array built by a subquery is sized the same
 * whatever it holds: one plan per connection, reused.
 */
const readCheckoutsSql = checkoutWithLinesSql({
  where: 'c.id = ANY (ARRAY(SELECT json_array_elements_text($1::json)))',
})
const readCheckoutLockedSql = checkoutWithLinesSql({ lock: true })
const readCheckoutForPaymentSql = checkoutWithLinesSql({
  extra: ', (SELECT o.id FROM checkouts o WHERE o.cashnet_tx = $2) AS tx_owner_id',
  lock: true,
})

function checkoutFromRowWithLines(row: Record<string, unknown>): CheckoutRecord {
  const { line_rows: lineRows, ...checkoutRow } = row
  return checkoutFromRow(checkoutRow, lineRowsSchema.parse(lineRows))
}

/**
 * A checkout and its lines in one round trip. With `lock`, the checkout's row is locked (FOR
 * UPDATE) until the transaction ends.
 */
export async function readCheckout(
  sql: Sql,
  checkoutId: string,
  lock = false,
): Promise<CheckoutRecord | null> {
  const row = await sql.get(lock ? readCheckoutLockedSql : readCheckoutSql, [checkoutId])
  return row === undefined ? null : checkoutFromRowWithLines(row)
}

/** Several checkouts with their lines in one round trip, by id (those that exist). */
export async function readCheckouts(
  sql: Sql,
  checkoutIds: readonly string[],
): Promise<Map<string, CheckoutRecord>> {
  const rows = await sql.all(readCheckoutsSql, [JSON.stringify(checkoutIds)])
  const found = new Map<string, CheckoutRecord>()
  for (const row of rows) {
    const checkout = checkoutFromRowWithLines(row)
    found.set(checkout.id, checkout)
  }
  return found
}

/**
 * For a payment: the checkout with its lines, locked, and which checkout already holds `tx` (if
 * any), in one round trip. The caller holds the tx's advisory lock, taken by an earlier statement,
 * so this statement's snapshot already shows every checkout that tx was given.
 */
export async function readCheckoutForPayment(
  sql: Sql,
  checkoutId: string,
  tx: string,
): Promise<{ checkout: CheckoutRecord; txOwnerId: string | null } | null> {
  const row = await sql.get(readCheckoutForPaymentSql, [checkoutId, tx])
  if (row === undefined) return null
  const { tx_owner_id: txOwnerId, ...checkoutRow } = row
  return {
    checkout: checkoutFromRowWithLines(checkoutRow),
    txOwnerId: txOwnerIdSchema.parse(txOwnerId),
  }
}

export async function requireCheckout(sql: Sql, checkoutId: string): Promise<CheckoutRecord> {
  const checkout = await readCheckout(sql, checkoutId)
  if (!checkout) throw new Error(`Checkout ${checkoutId} vanished inside a transaction.`)
  return checkout
}

export async function transitionCheckout(
  sql: Sql,
  checkoutId: string,
  transition: CheckoutTransition,
): Promise<CheckoutRecord | null> {
  const checkout = await readCheckout(sql, checkoutId, true)
  if (!checkout || !transition.from.includes(checkout.status)) return null
  await sql.run(
    'UPDATE checkouts SET status = $1, message = COALESCE($2, message), updated_at = $3 WHERE id = $4',
    [transition.to, transition.message ?? null, transition.now, checkoutId],
  )
  await sql.event(checkout.institution, transition.now, checkoutId, transition.event, {
    from: checkout.status,
    to: transition.to,
    ...(transition.message ? { message: transition.message } : {}),
  })
  return requireCheckout(sql, checkoutId)
}

export async function expirePendingCheckouts(sql: Sql, now: number): Promise<string[]> {
  // SKIP LOCKED: a checkout another instance is changing right now is left to the next sweep.
  const ids = (
    await sql.all(
      `SELECT id FROM checkouts WHERE status = 'pending' AND expires_at <= $1
       ORDER BY expires_at FOR UPDATE SKIP LOCKED`,
      [now],
    )
  ).map((row) => idRowSchema.parse(row).id)
  const expired: string[] = []
  for (const id of ids) {
    const changed = await transitionCheckout(sql, id, {
      from: ['pending'],
      to: 'expired',
      now,
      event: 'checkout_expired',
    })
    if (changed) expired.push(id)
  }
  return expired
}
