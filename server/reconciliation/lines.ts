/**
 * Reconciliation's unit: one row per payment line, as a bursar compares it with CashNet's own
 * report — what CashNet took for an item code, and what reached Alma. Money CashNet took that
 * matched no checkout is a row of its own. The report, its CSV and the comparison with CashNet's
 * report all derive from these rows, so they always agree. Pure.
 */
import { readPostbackFields } from '../payments/postback/parse.ts'
import { postingTree } from '../payments/rules/postingTree.ts'
import { centsFromDecimalString } from '../../common/money.ts'
import type {
  CheckoutRecord,
  PaymentExceptionRecord,
  PostbackRecord,
  PostingRecord,
} from '../store/repository.ts'
import type { ReconciliationData } from '../store/staffQueries.ts'

export interface ReconciliationLine {
  /** The day CashNet took the money (service-local), `YYYY-MM-DD`. */
  date: string
  institution: string
  cashnetTx: string | null
  batchno: string | null
  checkoutId: string | null
  channel: string
  itemCode: string
  almaUserId: string | null
  almaFeeId: string | null
  feeType: string | null
  /** What CashNet took for this line. */
  amountCents: number
  /** What of it reached Alma. */
  postedCents: number
  almaPostedAt: number | null
  /** posted, pending, reallocated, exception, unmatched, refunded, written_off. */
  almaStatus: string
  exceptionId: number | null
  /** Open exception money on this line. */
  openExceptionCents: number
}

export type LocalDay = (ms: number) => string

/** The service's calendar day of an instant. */
export const localDay: LocalDay = (ms) => {
  const date = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

function fieldsOf(postback: PostbackRecord | undefined): ReadonlyMap<string, string> {
  if (!postback) return new Map()
  const read = readPostbackFields(postback.rawBody, postback.contentType, postback.rawQuery)
  return read.ok ? read.fields : new Map()
}

function postedOf(rows: readonly PostingRecord[]): { cents: number; at: number | null } {
  const posted = rows.filter((row) => row.status === 'posted')
  return {
    cents: posted.reduce((sum, row) => sum + row.amountCents, 0),
    at: posted.length > 0 ? Math.max(...posted.map((row) => row.settledAt ?? 0)) : null,
  }
}

function statusOf(rows: readonly PostingRecord[], openExceptions: number): string {
  if (rows.some((row) => row.status === 'pending')) return 'pending'
  if (openExceptions > 0 || rows.some((row) => row.status === 'exception')) return 'exception'
  if (rows[0]?.status === 'reallocated') return 'reallocated'
  return rows.length > 0 ? 'posted' : 'not_paid'
}

function checkoutLines(
  checkout: CheckoutRecord,
  data: ReconciliationData,
  day: LocalDay,
): ReconciliationLine[] {
  const postings = data.postings.filter((posting) => posting.checkoutId === checkout.id)
  const exceptions = data.exceptions.filter(
    (exception) => exception.checkoutId === checkout.id && exception.kind !== 'unmatched_payment',
  )
  const postback = data.postbacks.find(
    (candidate) => candidate.checkoutId === checkout.id && candidate.outcome === 'accepted',
  )
  return checkout.lines.map((line) => {
    const rows = postingTree(
      postings.filter((posting) => posting.lineNo === line.lineNo),
      postings,
    )
    const ids = new Set(rows.map((row) => row.id))
    const lineExceptions = exceptions.filter(
      (exception) => exception.postingId !== null && ids.has(exception.postingId),
    )
    const open = lineExceptions.filter((exception) => exception.resolvedAt === null)
    const openCents = open.reduce((sum, exception) => sum + (exception.amountCents ?? 0), 0)
    // Money a staff resolution queued for one of this line's exceptions counts as this line's.
    const resolved = postingTree(
      data.postings.filter(
        (posting) =>
          posting.exceptionId !== null && lineExceptions.some((e) => e.id === posting.exceptionId),
      ),
      data.postings,
    )
    const posted = postedOf([...rows, ...resolved])
    return {
      date: day(checkout.paidAt ?? checkout.createdAt),
      institution: checkout.institution,
      cashnetTx: checkout.cashnetTx,
      batchno: fieldsOf(postback).get('batchno') ?? null,
      checkoutId: checkout.id,
      channel: checkout.channel,
      itemCode: line.itemCode ?? '',
      almaUserId: checkout.primaryId,
      almaFeeId: line.feeId,
      feeType: line.feeType,
      amountCents: line.amountCents,
      postedCents: posted.cents,
      almaPostedAt: posted.at,
      almaStatus: statusOf([...rows, ...resolved], open.length),
      exceptionId: (open[0] ?? lineExceptions[0])?.id ?? null,
      openExceptionCents: openCents,
    }
  })
}

function unmatchedLine(
  exception: PaymentExceptionRecord,
  data: ReconciliationData,
  day: LocalDay,
): ReconciliationLine {
  const postback = data.postbacks.find((candidate) => candidate.id === exception.postbackId)
  const fields = fieldsOf(postback)
  const checkout = data.checkouts.find((candidate) => candidate.id === exception.checkoutId)
  const queued = postingTree(
    data.postings.filter((posting) => posting.exceptionId === exception.id),
    data.postings,
  )
  const posted = postedOf(queued)
  const open = exception.resolvedAt === null
  // Applied to a fee that took only part: the rest is an exception of its own, still open.
  const queuedIds = new Set(queued.map((row) => row.id))
  const downstream = data.exceptions.filter(
    (other) =>
      other.id !== exception.id &&
      other.resolvedAt === null &&
      other.postingId !== null &&
      queuedIds.has(other.postingId),
  )
  const amountCents =
    exception.amountCents ??
    centsFromDecimalString(fields.get('amount1') ?? fields.get('amount') ?? '') ??
    0
  return {
    date: day(postback?.receivedAt ?? exception.createdAt),
    institution: exception.institution,
    cashnetTx: exception.tx,
    batchno: fields.get('batchno') ?? null,
    checkoutId: exception.checkoutId,
    channel: checkout?.channel ?? '',
    itemCode: fields.get('itemcode1') ?? '',
    almaUserId: queued[0]?.primaryId ?? checkout?.primaryId ?? null,
    almaFeeId: queued[0]?.feeId ?? null,
    feeType: null,
    amountCents,
    postedCents: posted.cents,
    almaPostedAt: posted.at,
    almaStatus: open
      ? 'unmatched'
      : queued.length > 0
        ? statusOf(queued, downstream.length)
        : (exception.resolutionAction ?? 'resolved'),
    exceptionId: downstream[0]?.id ?? exception.id,
    openExceptionCents: open
      ? amountCents
      : downstream.reduce((sum, other) => sum + (other.amountCents ?? 0), 0),
  }
}

export function reconciliationLines(
  data: ReconciliationData,
  day: LocalDay = localDay,
): ReconciliationLine[] {
  const lines = data.checkouts
    // A checkout made to carry a staff resolution is not money CashNet took: its exception is.
    .filter((checkout) => !checkout.channel.startsWith('staff:'))
    .flatMap((checkout) => checkoutLines(checkout, data, day))
  const unmatched = data.exceptions
    .filter((exception) => exception.kind === 'unmatched_payment')
    .map((exception) => unmatchedLine(exception, data, day))
  return [...lines, ...unmatched].sort(
    (a, b) => a.date.localeCompare(b.date) || (a.cashnetTx ?? '').localeCompare(b.cashnetTx ?? ''),
  )
}
