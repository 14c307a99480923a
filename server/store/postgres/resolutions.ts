/**
 * Staff resolutions of exceptions in PostgreSQL: the decision is `decideResolution`'s, taken with
 * the exception row locked (two supervisors on two instances cannot both resolve it); this records
 * it and, where money goes on to Alma, queues the outbox row that carries it.
 */
import { decideResolution } from '../../payments/rules/exceptionResolution.ts'
import type {
  PaymentExceptionRecord,
  ResolveExceptionInput,
  ResolveExceptionResult,
} from '../repository.ts'
import { requireCheckout } from './checkouts.ts'
import type { Sql } from './db.ts'
import { readException } from './exceptions.ts'

/** A checkout-less exception's money needs a checkout to hang its outbox row on. */
async function resolutionCheckout(
  sql: Sql,
  exception: PaymentExceptionRecord,
  input: ResolveExceptionInput,
  amountCents: number,
  primaryId: string,
): Promise<string> {
  const id = `resolution-${exception.id}`
  await sql.run(
    `INSERT INTO checkouts
       (id, institution, kiosk_id, channel, primary_id, patron_name, currency, amount_cents,
        status, created_at, expires_at, updated_at, paid_at)
     VALUES ($1, $2, '', $3, $4, NULL, 'USD', $5, 'paid', $6, $6, $6, $6)`,
    [id, exception.institution, `staff:${input.by}`, primaryId, amountCents, input.now],
  )
  await sql.event(exception.institution, input.now, id, 'checkout_created', {
    channel: `staff:${input.by}`,
    amountCents,
    fromException: exception.id,
  })
  return id
}

export async function resolveException(
  sql: Sql,
  input: ResolveExceptionInput,
): Promise<ResolveExceptionResult> {
  const exception = await readException(sql, input.exceptionId, true)
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

  await sql.run(
    `UPDATE payment_exceptions
     SET resolved_at = $1, resolved_by = $2, resolution_action = $3, resolution = $4
     WHERE id = $5 AND resolved_at IS NULL`,
    [
      input.now,
      input.by,
      input.action,
      JSON.stringify({ note: input.note, reference: input.reference, feeId: input.feeId }),
      exception.id,
    ],
  )
  let queuedPostingId: number | null = null
  if (exception.kind === 'posting_stuck' && exception.postingId !== null) {
    // Still pending: another try now (the settle window of an uncertain attempt still holds).
    await sql.run(
      `UPDATE alma_postings SET next_attempt_at = $1, deferrals = 0
       WHERE id = $2 AND status = 'pending'`,
      [input.now, exception.postingId],
    )
  } else if (input.posting) {
    const amountCents = exception.amountCents ?? input.posting.amountCents
    const checkoutId =
      exception.checkoutId ??
      (await resolutionCheckout(sql, exception, input, amountCents, input.posting.primaryId))
    const checkout = await requireCheckout(sql, checkoutId)
    const row = await sql.get(
      `INSERT INTO alma_postings
         (institution, checkout_id, line_no, parent_id, exception_id, primary_id, fee_id,
          fee_description, fee_title, amount_cents, tx, status, next_attempt_at, created_at)
       VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $11) RETURNING id`,
      [
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
      ],
    )
    queuedPostingId = Number(row?.id)
  }
  await sql.event(exception.institution, input.now, exception.checkoutId, 'exception_resolved', {
    exceptionId: exception.id,
    reference: exception.reference,
    kind: exception.kind,
    action: input.action,
    by: input.by,
    feeId: input.feeId,
    refundReference: input.reference,
    queuedPostingId,
  })
  const resolved = await readException(sql, exception.id)
  if (!resolved) throw new Error(`Exception ${exception.id} vanished inside a transaction.`)
  return { kind: 'resolved', exception: resolved }
}
