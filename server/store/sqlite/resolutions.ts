/**
 * Staff resolutions of exceptions in SQLite: the decision is `decideResolution`'s; this records it
 * and, where money goes on to Alma, queues the outbox row that carries it (the exception's tx as
 * Alma's external_transaction_id, through the same exactly-once worker).
 */
import { decideResolution } from '../../payments/rules/exceptionResolution.ts'
import type {
  PaymentExceptionRecord,
  ResolveExceptionInput,
  ResolveExceptionResult,
} from '../repository.ts'
import { requireCheckout } from './checkouts.ts'
import type { SqliteDb } from './db.ts'
import { readException } from './exceptions.ts'

/** A checkout-less exception's money needs a checkout to hang its outbox row on. */
function resolutionCheckout(
  db: SqliteDb,
  exception: PaymentExceptionRecord,
  input: ResolveExceptionInput,
  amountCents: number,
  primaryId: string,
): string {
  const id = `resolution-${exception.id}`
  db.run(
    `INSERT INTO checkouts
       (id, institution, kiosk_id, channel, primary_id, patron_name, currency, amount_cents,
        status, created_at, expires_at, updated_at, paid_at)
     VALUES (?, ?, '', ?, ?, NULL, 'USD', ?, 'paid', ?, ?, ?, ?)`,
    id,
    exception.institution,
    `staff:${input.by}`,
    primaryId,
    amountCents,
    input.now,
    input.now,
    input.now,
    input.now,
  )
  db.event(exception.institution, input.now, id, 'checkout_created', {
    channel: `staff:${input.by}`,
    amountCents,
    fromException: exception.id,
  })
  return id
}

export function resolveException(
  db: SqliteDb,
  input: ResolveExceptionInput,
): ResolveExceptionResult {
  const exception = readException(db, input.exceptionId)
  if (!exception || !input.institutions.includes(exception.institution))
    return { kind: 'not_found' }
  const decision = decideResolution(exception, {
    action: input.action,
    feeId: input.feeId,
    reference: input.reference,
  })
  if (decision.kind === 'repeat') return { kind: 'repeat', exception }
  if (decision.kind === 'conflict' || decision.kind === 'not_allowed') {
    return { kind: decision.kind, exception, reason: decision.reason }
  }

  db.run(
    `UPDATE payment_exceptions
     SET resolved_at = ?, resolved_by = ?, resolution_action = ?, resolution = ?
     WHERE id = ? AND resolved_at IS NULL`,
    input.now,
    input.by,
    input.action,
    JSON.stringify({ note: input.note, reference: input.reference, feeId: input.feeId }),
    exception.id,
  )
  let queuedPostingId: number | null = null
  if (exception.kind === 'posting_stuck' && exception.postingId !== null) {
    // Still pending: another try now (the settle window of an uncertain attempt still holds).
    db.run(
      `UPDATE alma_postings SET next_attempt_at = ?, deferrals = 0
       WHERE id = ? AND status = 'pending'`,
      input.now,
      exception.postingId,
    )
  } else if (input.posting) {
    const amountCents = exception.amountCents ?? input.posting.amountCents
    const checkoutId =
      exception.checkoutId ??
      resolutionCheckout(db, exception, input, amountCents, input.posting.primaryId)
    const checkout = requireCheckout(db, checkoutId)
    queuedPostingId = db.insert(
      `INSERT INTO alma_postings
         (institution, checkout_id, line_no, parent_id, exception_id, primary_id, fee_id,
          fee_description, fee_title, amount_cents, tx, status, next_attempt_at, created_at)
       VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      exception.institution,
      checkout.id,
      exception.postingId,
      exception.id,
      input.posting.primaryId,
      input.posting.feeId,
      input.posting.feeDescription,
      input.posting.feeTitle,
      amountCents,
      // Alma's external_transaction_id: CashNet's tx, or the reference of money that had none.
      exception.tx ?? exception.reference,
      input.now,
      input.now,
    )
  }
  db.event(exception.institution, input.now, exception.checkoutId, 'exception_resolved', {
    exceptionId: exception.id,
    reference: exception.reference,
    kind: exception.kind,
    action: input.action,
    by: input.by,
    feeId: input.feeId,
    refundReference: input.reference,
    queuedPostingId,
  })
  const resolved = readException(db, exception.id)
  if (!resolved) throw new Error(`Exception ${exception.id} vanished inside a transaction.`)
  return { kind: 'resolved', exception: resolved }
}
