/**
 * Exceptions (money a person must look at) and the audit trail in PostgreSQL. One exception per
 * unmatched tx and one open "stuck" exception per row are unique indexes, so instances racing on
 * the same CashNet repeat cannot record it twice.
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
import { countRowSchema, eventFromRow, exceptionFromRow } from '../rows.ts'
import type { Sql } from './db.ts'

const referenceRowSchema = z.object({ reference: z.string() })
const kindCountRowSchema = z.object({ kind: z.enum(paymentExceptionKinds), n: z.number().int() })
const stuckRowSchema = z.object({ id: z.number().int(), reference: z.string() })

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

/** Inserts the exception with its event; false when a unique rule says it already exists. */
async function insertException(sql: Sql, input: NewException): Promise<boolean> {
  const inserted = await sql.run(
    `INSERT INTO payment_exceptions
       (institution, reference, kind, checkout_id, posting_id, postback_id, tx, fee_id,
        amount_cents, reason, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT DO NOTHING`,
    [
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
    ],
  )
  if (inserted === 0) return false
  await sql.event(input.institution, input.now, input.checkoutId, 'payment_exception', {
    reference: input.reference,
    kind: input.kind,
    tx: input.tx,
    feeId: input.feeId,
    postbackId: input.postbackId,
    amountCents: input.amountCents,
    reason: input.reason,
  })
  return true
}

/** An exception about one outbox row's money; false when an open "stuck" one already exists. */
export function insertPostingException(
  sql: Sql,
  posting: PostingRecord,
  kind: PaymentExceptionKind,
  reason: string,
  now: number,
): Promise<boolean> {
  return insertException(sql, {
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
export async function insertUnmatched(
  sql: Sql,
  input: UnmatchedPaymentInput,
): Promise<UnmatchedPaymentResult> {
  const reference =
    input.tx === null
      ? exceptionReferenceForPostback(input.postbackId)
      : exceptionReferenceFor(input.tx)
  const inserted = await insertException(sql, {
    institution: input.institution,
    kind: 'unmatched_payment',
    reference,
    checkoutId: input.checkoutId,
    postingId: null,
    postbackId: input.postbackId,
    tx: input.tx,
    feeId: null,
    amountCents: input.amountCents !== null && input.amountCents > 0 ? input.amountCents : null,
    reason: input.reason,
    now: input.now,
  })
  if (inserted) return { kind: 'recorded', reference }
  const existing = await sql.get(
    `SELECT reference FROM payment_exceptions WHERE kind = 'unmatched_payment' AND tx = $1`,
    [input.tx],
  )
  return { kind: 'duplicate', reference: referenceRowSchema.parse(existing).reference }
}

/** Closes a line's open `posting_stuck` exceptions: it posted after all. */
export async function closeStuckExceptions(
  sql: Sql,
  posting: PostingRecord,
  now: number,
): Promise<void> {
  const closed = await sql.all(
    `UPDATE payment_exceptions
     SET resolved_at = $1, resolved_by = 'system', resolution_action = 'posted', resolution = NULL
     WHERE posting_id = $2 AND kind = 'posting_stuck' AND resolved_at IS NULL
     RETURNING id, reference`,
    [now, posting.id],
  )
  for (const row of closed) {
    const exception = stuckRowSchema.parse(row)
    await sql.event(posting.institution, now, posting.checkoutId, 'exception_closed', {
      exceptionId: exception.id,
      reference: exception.reference,
      kind: 'posting_stuck',
      resolution: 'posted',
      by: 'system',
    })
  }
}

export async function listExceptions(
  sql: Sql,
  options: { checkoutId?: string; institution?: string },
): Promise<PaymentExceptionRecord[]> {
  const rows = await sql.all(
    `SELECT * FROM payment_exceptions
     WHERE ($1::text IS NULL OR checkout_id = $1) AND ($2::text IS NULL OR institution = $2)
     ORDER BY id`,
    [options.checkoutId ?? null, options.institution ?? null],
  )
  return rows.map(exceptionFromRow)
}

export async function countOpenExceptions(
  sql: Sql,
  institution: string,
): Promise<Record<PaymentExceptionKind, number>> {
  const counts = Object.fromEntries(paymentExceptionKinds.map((kind) => [kind, 0])) as Record<
    PaymentExceptionKind,
    number
  >
  const rows = await sql.all(
    `SELECT kind, COUNT(*) AS n FROM payment_exceptions
     WHERE resolved_at IS NULL AND institution = $1 GROUP BY kind`,
    [institution],
  )
  for (const row of rows) {
    const { kind, n } = kindCountRowSchema.parse(row)
    counts[kind] = n
  }
  return counts
}

export async function listEvents(
  sql: Sql,
  options: { checkoutId?: string },
): Promise<EventRecord[]> {
  const rows = await sql.all(
    'SELECT * FROM events WHERE ($1::text IS NULL OR checkout_id = $1) ORDER BY id',
    [options.checkoutId ?? null],
  )
  return rows.map(eventFromRow)
}

/** The tables whose rows carry an institution, '' for rows from before institutions existed. */
const tablesWithInstitution = [
  'checkouts',
  'postbacks',
  'alma_postings',
  'payment_exceptions',
  'events',
] as const

export async function adoptUnassignedRows(sql: Sql, institution: string): Promise<number> {
  let changed = 0
  for (const table of tablesWithInstitution) {
    changed += await sql.run(`UPDATE ${table} SET institution = $1 WHERE institution = ''`, [
      institution,
    ])
  }
  return changed
}

export async function countUnassignedRows(sql: Sql): Promise<number> {
  let count = 0
  for (const table of tablesWithInstitution) {
    const row = await sql.get(`SELECT COUNT(*) AS n FROM ${table} WHERE institution = ''`)
    count += countRowSchema.parse(row).n
  }
  return count
}

export async function readException(
  sql: Sql,
  exceptionId: number,
  lock = false,
): Promise<PaymentExceptionRecord | null> {
  const row = await sql.get(
    `SELECT * FROM payment_exceptions WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [exceptionId],
  )
  return row === undefined ? null : exceptionFromRow(row)
}
