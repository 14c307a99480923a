/**
 * The checkout aggregate in SQLite: a checkout with its lines, its guarded status changes and its
 * expiry. Called inside the repository's transactions.
 */
import type { CheckoutRecord, CheckoutTransition, NewCheckout } from '../repository.ts'
import type { SqliteDb } from './db.ts'
import { checkoutFromRow, idRowSchema } from '../rows.ts'

export function insertCheckout(db: SqliteDb, checkout: NewCheckout): void {
  db.run(
    `INSERT INTO checkouts
       (id, institution, kiosk_id, channel, primary_id, patron_name, currency, amount_cents,
        status, created_at, expires_at, updated_at, fee_balances)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
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
    checkout.createdAt,
    JSON.stringify(checkout.feeBalances),
  )
  checkout.lines.forEach((line, index) => {
    db.run(
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
  db.event(checkout.institution, checkout.createdAt, checkout.id, 'checkout_created', {
    kioskId: checkout.kioskId,
    channel: checkout.channel,
    amountCents: checkout.amountCents,
    lines: checkout.lines.map((line) => ({ feeId: line.feeId, amountCents: line.amountCents })),
  })
}

export function readCheckout(db: SqliteDb, checkoutId: string): CheckoutRecord | null {
  const row = db.get('SELECT * FROM checkouts WHERE id = ?', checkoutId)
  if (row === undefined) return null
  const lines = db.all(
    'SELECT * FROM checkout_lines WHERE checkout_id = ? ORDER BY line_no',
    checkoutId,
  )
  return checkoutFromRow(row, lines)
}

export function requireCheckout(db: SqliteDb, checkoutId: string): CheckoutRecord {
  const checkout = readCheckout(db, checkoutId)
  if (!checkout) throw new Error(`Checkout ${checkoutId} vanished inside a transaction.`)
  return checkout
}

export function transitionCheckout(
  db: SqliteDb,
  checkoutId: string,
  transition: CheckoutTransition,
): CheckoutRecord | null {
  const checkout = readCheckout(db, checkoutId)
  if (!checkout || !transition.from.includes(checkout.status)) return null
  db.run(
    'UPDATE checkouts SET status = ?, message = COALESCE(?, message), updated_at = ? WHERE id = ?',
    transition.to,
    transition.message ?? null,
    transition.now,
    checkoutId,
  )
  db.event(checkout.institution, transition.now, checkoutId, transition.event, {
    from: checkout.status,
    to: transition.to,
    ...(transition.message ? { message: transition.message } : {}),
  })
  return requireCheckout(db, checkoutId)
}

export function expirePendingCheckouts(db: SqliteDb, now: number): string[] {
  const ids = db
    .all(
      `SELECT id FROM checkouts WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at`,
      now,
    )
    .map((row) => idRowSchema.parse(row).id)
  for (const id of ids) {
    transitionCheckout(db, id, {
      from: ['pending'],
      to: 'expired',
      now,
      event: 'checkout_expired',
    })
  }
  return ids
}
