/**
 * Row shapes as SQLite and PostgreSQL return them (same column names; PostgreSQL bigints arrive
 * as numbers, see postgres/pool.ts), checked with zod on the way out so a schema drift fails loudly
 * instead of handing `undefined` money to the worker.
 */
import { z } from 'zod'
import { checkoutStatusSchema } from '../../common/api.ts'
import {
  attemptOutcomes,
  paymentExceptionKinds,
  postbackOutcomes,
  postingStatuses,
  refusedRequestReasons,
  type CheckoutLineRecord,
  type CheckoutRecord,
  type EventRecord,
  type PaymentExceptionRecord,
  type PostbackRecord,
  type PostingRecord,
  type RefusedRequestRecord,
} from './repository.ts'

const int = z.number().int()
const nullableInt = int.nullable()
/** A flag column: SQLite answers 0/1, PostgreSQL a boolean. */
export const flag = z
  .union([z.literal(0), z.literal(1), z.boolean()])
  .transform((value) => value === 1 || value === true)

const checkoutRowSchema = z.object({
  id: z.string(),
  institution: z.string(),
  kiosk_id: z.string(),
  channel: z.string(),
  primary_id: z.string(),
  patron_name: z.string().nullable(),
  currency: z.string(),
  amount_cents: int,
  status: checkoutStatusSchema,
  created_at: int,
  expires_at: int,
  updated_at: int,
  paid_at: nullableInt,
  posted_at: nullableInt,
  cashnet_tx: z.string().nullable(),
  message: z.string().nullable(),
  remaining_balance_cents: nullableInt,
  fee_balances: z.string().nullable(),
})

/** The columns a checkout is read from, for statements that name them (prepared ones must). */
export const checkoutRowColumns: readonly string[] = Object.keys(checkoutRowSchema.shape)

const feeBalancesSchema = z.record(z.string(), int)

const lineRowSchema = z.object({
  line_no: int,
  fee_id: z.string(),
  fee_type: z.string(),
  description: z.string(),
  title: z.string().nullable(),
  fee_created_at: z.string(),
  amount_cents: int,
  item_code: z.string().nullable(),
})

export function checkoutFromRow(row: unknown, lineRows: unknown[]): CheckoutRecord {
  return checkoutWithLines(row, lineRows.map(lineFromRow))
}

/** A checkout row with lines already read: a change that returns the row keeps the lines it has. */
export function checkoutWithLines(row: unknown, lines: CheckoutLineRecord[]): CheckoutRecord {
  const c = checkoutRowSchema.parse(row)
  return {
    id: c.id,
    institution: c.institution,
    kioskId: c.kiosk_id,
    channel: c.channel,
    primaryId: c.primary_id,
    patronName: c.patron_name,
    currency: c.currency,
    amountCents: c.amount_cents,
    status: c.status,
    lines,
    createdAt: c.created_at,
    expiresAt: c.expires_at,
    updatedAt: c.updated_at,
    paidAt: c.paid_at,
    postedAt: c.posted_at,
    cashnetTx: c.cashnet_tx,
    message: c.message,
    remainingBalanceCents: c.remaining_balance_cents,
    feeBalances:
      c.fee_balances === null ? null : feeBalancesSchema.parse(JSON.parse(c.fee_balances)),
  }
}

function lineFromRow(row: unknown): CheckoutLineRecord {
  const l = lineRowSchema.parse(row)
  return {
    lineNo: l.line_no,
    feeId: l.fee_id,
    feeType: l.fee_type,
    description: l.description,
    title: l.title,
    feeCreatedAt: l.fee_created_at,
    amountCents: l.amount_cents,
    itemCode: l.item_code,
  }
}

const postbackRowSchema = z.object({
  id: int,
  institution: z.string(),
  received_at: int,
  source_ip: z.string(),
  method: z.string(),
  content_type: z.string().nullable(),
  raw_body: z.string().nullable(),
  raw_query: z.string(),
  body_bytes: int,
  truncated: flag,
  outcome: z.enum(postbackOutcomes).nullable(),
  reason: z.string().nullable(),
  tx: z.string().nullable(),
  checkout_id: z.string().nullable(),
  settled_at: nullableInt,
})

export function postbackFromRow(row: unknown): PostbackRecord {
  const p = postbackRowSchema.parse(row)
  return {
    id: p.id,
    institution: p.institution,
    receivedAt: p.received_at,
    sourceIp: p.source_ip,
    method: p.method,
    contentType: p.content_type,
    rawBody: p.raw_body,
    rawQuery: p.raw_query,
    bodyBytes: p.body_bytes,
    truncated: p.truncated,
    outcome: p.outcome,
    reason: p.reason,
    tx: p.tx,
    checkoutId: p.checkout_id,
    settledAt: p.settled_at,
  }
}

const refusedRequestRowSchema = z.object({
  id: int,
  institution: z.string().nullable(),
  received_at: int,
  source_ip: z.string(),
  method: z.string(),
  reason: z.enum(refusedRequestReasons),
  content_type: z.string().nullable(),
  body_bytes: int,
})

export function refusedRequestFromRow(row: unknown): RefusedRequestRecord {
  const r = refusedRequestRowSchema.parse(row)
  return {
    id: r.id,
    institution: r.institution,
    receivedAt: r.received_at,
    sourceIp: r.source_ip,
    method: r.method,
    reason: r.reason,
    contentType: r.content_type,
    bodyBytes: r.body_bytes,
  }
}

const postingRowSchema = z.object({
  id: int,
  institution: z.string(),
  checkout_id: z.string(),
  line_no: nullableInt,
  parent_id: nullableInt,
  primary_id: z.string(),
  fee_id: z.string(),
  fee_description: z.string(),
  fee_title: z.string().nullable(),
  amount_cents: int,
  tx: z.string(),
  exception_id: nullableInt,
  status: z.enum(postingStatuses),
  attempts: int,
  deferrals: int,
  last_attempt_at: nullableInt,
  attempt_outcome: z.enum(attemptOutcomes).nullable(),
  unreadable_since: nullableInt,
  next_attempt_at: int,
  lease_owner: z.string().nullable(),
  lease_until: nullableInt,
  last_error: z.string().nullable(),
  balance_after_cents: nullableInt,
  found_in_alma: flag,
  created_at: int,
  settled_at: nullableInt,
})

export function postingFromRow(row: unknown): PostingRecord {
  const p = postingRowSchema.parse(row)
  return {
    id: p.id,
    institution: p.institution,
    checkoutId: p.checkout_id,
    lineNo: p.line_no,
    parentId: p.parent_id,
    primaryId: p.primary_id,
    feeId: p.fee_id,
    feeDescription: p.fee_description,
    feeTitle: p.fee_title,
    amountCents: p.amount_cents,
    tx: p.tx,
    exceptionId: p.exception_id,
    status: p.status,
    attempts: p.attempts,
    deferrals: p.deferrals,
    lastAttemptAt: p.last_attempt_at,
    attemptOutcome: p.attempt_outcome,
    unreadableSince: p.unreadable_since,
    nextAttemptAt: p.next_attempt_at,
    leaseOwner: p.lease_owner,
    leaseUntil: p.lease_until,
    lastError: p.last_error,
    balanceAfterCents: p.balance_after_cents,
    foundInAlma: p.found_in_alma,
    createdAt: p.created_at,
    settledAt: p.settled_at,
  }
}

const exceptionRowSchema = z.object({
  id: int,
  institution: z.string(),
  reference: z.string(),
  kind: z.enum(paymentExceptionKinds),
  checkout_id: z.string().nullable(),
  posting_id: nullableInt,
  postback_id: nullableInt,
  tx: z.string().nullable(),
  fee_id: z.string().nullable(),
  amount_cents: nullableInt,
  reason: z.string(),
  created_at: int,
  resolved_at: nullableInt,
  resolved_by: z.string().nullable(),
  resolution_action: z.string().nullable(),
  resolution: z.string().nullable(),
})

const resolutionSchema = z.object({
  note: z.string().nullish(),
  reference: z.string().nullish(),
  feeId: z.string().nullish(),
})

/** Older rows hold a plain text resolution; newer ones JSON particulars. */
function resolutionFrom(text: string | null): PaymentExceptionRecord['resolution'] {
  if (text === null) return null
  try {
    return resolutionSchema.parse(JSON.parse(text))
  } catch {
    return { note: text }
  }
}

export function exceptionFromRow(row: unknown): PaymentExceptionRecord {
  const e = exceptionRowSchema.parse(row)
  return {
    id: e.id,
    institution: e.institution,
    reference: e.reference,
    kind: e.kind,
    checkoutId: e.checkout_id,
    postingId: e.posting_id,
    postbackId: e.postback_id,
    tx: e.tx,
    feeId: e.fee_id,
    amountCents: e.amount_cents,
    reason: e.reason,
    createdAt: e.created_at,
    resolvedAt: e.resolved_at,
    resolvedBy: e.resolved_by,
    resolutionAction: e.resolution_action,
    resolution: resolutionFrom(e.resolution),
  }
}

const eventRowSchema = z.object({
  id: int,
  institution: z.string(),
  at: int,
  checkout_id: z.string().nullable(),
  type: z.string(),
  detail: z.string(),
})
const eventDetailSchema = z.record(z.string(), z.unknown())

export function eventFromRow(row: unknown): EventRecord {
  const e = eventRowSchema.parse(row)
  return {
    id: e.id,
    institution: e.institution,
    at: e.at,
    checkoutId: e.checkout_id,
    type: e.type,
    detail: eventDetailSchema.parse(JSON.parse(e.detail)),
  }
}

export const countRowSchema = z.object({ n: int })
export const idRowSchema = z.object({ id: z.string() })
