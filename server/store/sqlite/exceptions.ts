/**
 * Exceptions (money a person must look at) and the audit trail in SQLite.
 */
import { z } from 'zod'
import {
  exceptionReferenceFor,
  exceptionReferenceForPostback,
  paymentExceptionKinds,
  type EventRecord,
  type PaymentExceptionKind,
  type PaymentExceptionRecord,
  type PostingRecord,
  type UnmatchedPaymentInput,
  type UnmatchedPaymentResult,
} from '../repository.ts'
import type { SqliteDb } from './db.ts'
import { eventFromRow, exceptionFromRow } from '../rows.ts'

const referenceRowSchema = z.object({ reference: z.string() })
const kindCountRowSchema = z.object({ kind: z.enum(paymentExceptionKinds), n: z.number().int() })

interface NewException {
  institution: string
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
}

function insertException(db: SqliteDb, input: NewException): string {
  db.run(
    `INSERT INTO payment_exceptions
       (institution, reference, kind, checkout_id, posting_id, postback_id, tx, fee_id,
        amount_cents, reason, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    input.institution,
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
  db.event(input.institution, input.now, input.checkoutId, 'payment_exception', {
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
export function insertPostingException(
  db: SqliteDb,
  posting: PostingRecord,
  kind: PaymentExceptionKind,
  reason: string,
  now: number,
): void {
  insertException(db, {
    institution: posting.institution,
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

/**
 * One `unmatched_payment` exception per tx (CashNet repeats a postback it thinks failed); the
 * caller settles the postback.
 */
export function insertUnmatched(
  db: SqliteDb,
  input: UnmatchedPaymentInput,
): UnmatchedPaymentResult {
  if (input.tx !== null) {
    const existing = db.get(
      `SELECT reference FROM payment_exceptions WHERE kind = 'unmatched_payment' AND tx = ?`,
      input.tx,
    )
    if (existing !== undefined) {
      return { kind: 'duplicate', reference: referenceRowSchema.parse(existing).reference }
    }
  }
  const reference = insertException(db, {
    institution: input.institution,
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
  return { kind: 'recorded', reference }
}

/** Closes a line's open `posting_stuck` exceptions: it posted after all. */
export function closeStuckExceptions(db: SqliteDb, posting: PostingRecord, now: number): void {
  const stuck = db
    .all(
      `SELECT id, reference FROM payment_exceptions
       WHERE posting_id = ? AND kind = 'posting_stuck' AND resolved_at IS NULL`,
      posting.id,
    )
    .map((row) => z.object({ id: z.number().int(), reference: z.string() }).parse(row))
  for (const exception of stuck) {
    db.run(
      `UPDATE payment_exceptions
       SET resolved_at = ?, resolved_by = 'system', resolution_action = 'posted', resolution = NULL
       WHERE id = ?`,
      now,
      exception.id,
    )
    db.event(posting.institution, now, posting.checkoutId, 'exception_closed', {
      exceptionId: exception.id,
      reference: exception.reference,
      kind: 'posting_stuck',
      resolution: 'posted',
      by: 'system',
    })
  }
}

export function hasOpenStuckException(db: SqliteDb, postingId: number): boolean {
  return (
    db.get(
      `SELECT id FROM payment_exceptions
       WHERE posting_id = ? AND kind = 'posting_stuck' AND resolved_at IS NULL`,
      postingId,
    ) !== undefined
  )
}

export function listExceptions(
  db: SqliteDb,
  options: { checkoutId?: string; institution?: string },
): PaymentExceptionRecord[] {
  const rows =
    options.checkoutId !== undefined
      ? db.all(
          'SELECT * FROM payment_exceptions WHERE checkout_id = ? ORDER BY id',
          options.checkoutId,
        )
      : options.institution !== undefined
        ? db.all(
            'SELECT * FROM payment_exceptions WHERE institution = ? ORDER BY id',
            options.institution,
          )
        : db.all('SELECT * FROM payment_exceptions ORDER BY id')
  return rows
    .map(exceptionFromRow)
    .filter(
      (exception) =>
        options.institution === undefined || exception.institution === options.institution,
    )
}

export function countOpenExceptions(
  db: SqliteDb,
  institution: string,
): Record<PaymentExceptionKind, number> {
  const counts = Object.fromEntries(paymentExceptionKinds.map((kind) => [kind, 0])) as Record<
    PaymentExceptionKind,
    number
  >
  for (const row of db.all(
    `SELECT kind, COUNT(*) AS n FROM payment_exceptions
     WHERE resolved_at IS NULL AND institution = ? GROUP BY kind`,
    institution,
  )) {
    const { kind, n } = kindCountRowSchema.parse(row)
    counts[kind] = n
  }
  return counts
}

export function listEvents(db: SqliteDb, options: { checkoutId?: string }): EventRecord[] {
  return (
    options.checkoutId === undefined
      ? db.all('SELECT * FROM events ORDER BY id')
      : db.all('SELECT * FROM events WHERE checkout_id = ? ORDER BY id', options.checkoutId)
  ).map(eventFromRow)
}

/** The tables whose rows carry an institution, '' for rows from before institutions existed. */
const tablesWithInstitution = [
  'checkouts',
  'postbacks',
  'alma_postings',
  'payment_exceptions',
  'events',
] as const

export function adoptUnassignedRows(db: SqliteDb, institution: string): number {
  let changed = 0
  for (const table of tablesWithInstitution) {
    changed += db.run(`UPDATE ${table} SET institution = ? WHERE institution = ''`, institution)
  }
  return changed
}

export function countUnassignedRows(db: SqliteDb): number {
  let count = 0
  for (const table of tablesWithInstitution) {
    const row = z
      .object({ n: z.number().int() })
      .parse(db.get(`SELECT COUNT(*) AS n FROM ${table} WHERE institution = ''`))
    count += row.n
  }
  return count
}

export function readException(db: SqliteDb, exceptionId: number): PaymentExceptionRecord | null {
  const row = db.get('SELECT * FROM payment_exceptions WHERE id = ?', exceptionId)
  return row === undefined ? null : exceptionFromRow(row)
}
