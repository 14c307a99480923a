/**
 * What staff see of a payment: its lines with what became of each in Alma, and its timeline — the
 * checkout created, every postback (its fields as CashNet sent them; the secret is in the path and
 * never stored), the verification outcome, every Alma attempt and its answer, re-allocations,
 * exceptions and their resolutions, emails sent. Pure.
 */
import type {
  PaymentDetail,
  PaymentLine,
  PaymentSummary,
  TimelineEntry,
} from '../../common/staffApi.ts'
import { readPostbackFields } from '../payments/postback/parse.ts'
import { postingTree } from '../payments/rules/postingTree.ts'
import type {
  CheckoutRecord,
  EventRecord,
  PostbackRecord,
  PostingRecord,
} from '../store/repository.ts'

const iso = (ms: number) => new Date(ms).toISOString()

/** The rows that carry a line's money: its own row and whatever was re-allocated from it. */
function rowsOfLine(lineNo: number, postings: readonly PostingRecord[]): PostingRecord[] {
  return postingTree(
    postings.filter((posting) => posting.lineNo === lineNo),
    postings,
  )
}

function lineStatus(rows: readonly PostingRecord[], paid: boolean): PaymentLine['almaStatus'] {
  if (!paid || rows.length === 0) return 'not_paid'
  const [first] = rows
  if (rows.some((row) => row.status === 'pending')) return 'pending'
  if (rows.some((row) => row.status === 'exception')) return 'exception'
  if (first?.status === 'reallocated') return 'reallocated'
  return 'posted'
}

export function paymentSummary(
  checkout: CheckoutRecord,
  postings: readonly PostingRecord[],
): PaymentSummary {
  const paid = checkout.cashnetTx !== null || checkout.status === 'paid'
  const lines: PaymentLine[] = checkout.lines.map((line) => {
    const rows = rowsOfLine(line.lineNo, postings)
    const postedAt = rows
      .filter((row) => row.status === 'posted' && row.settledAt !== null)
      .map((row) => row.settledAt ?? 0)
    return {
      feeId: line.feeId,
      feeType: line.feeType,
      description: line.description,
      amountCents: line.amountCents,
      itemCode: line.itemCode,
      postedAt: postedAt.length > 0 ? iso(Math.max(...postedAt)) : null,
      almaStatus: lineStatus(rows, paid),
    }
  })
  // Money a staff resolution queued on a checkout made for it has no line: show its rows.
  for (const row of postings.filter(
    (posting) => posting.lineNo === null && posting.parentId === null,
  )) {
    lines.push({
      feeId: row.feeId,
      feeType: '',
      description: row.feeDescription,
      amountCents: row.amountCents,
      itemCode: null,
      postedAt: row.status === 'posted' && row.settledAt !== null ? iso(row.settledAt) : null,
      almaStatus: row.status,
    })
  }
  return {
    checkoutId: checkout.id,
    institution: checkout.institution,
    createdAt: iso(checkout.createdAt),
    status: checkout.status,
    amountCents: checkout.amountCents,
    channel: checkout.channel,
    kioskId: checkout.channel.startsWith('kiosk:') ? checkout.kioskId : null,
    cashnetTx: checkout.cashnetTx,
    patron: { primaryId: checkout.primaryId, name: checkout.patronName },
    lines,
  }
}

const money = (cents: unknown) =>
  typeof cents === 'number' ? `$${(cents / 100).toFixed(2)}` : 'an unknown amount'

/** One line a person reads for an audit event. */
function summarize(event: EventRecord): string {
  const d = event.detail
  const text = (key: string) => (typeof d[key] === 'string' ? d[key] : '')
  switch (event.type) {
    case 'checkout_created':
      return `Checkout created for ${money(d.amountCents)}`
    case 'checkout_paid':
      return `CashNet payment ${text('tx')} accepted`
    case 'checkout_failed':
      return `CashNet declined the payment: ${text('message')}`
    case 'checkout_cancelled':
      return 'Cancelled before paying'
    case 'checkout_expired':
      return 'Expired before paying'
    case 'checkout_posted':
      return `Finished: ${text('status').replaceAll('_', ' ')}`
    case 'posting_attempt':
      return `Alma pay call ${String(d.attempt)} for fee ${text('feeId')} (${money(d.amountCents)}) sent`
    case 'posting_uncertain':
      return `Alma's answer unknown (${text('error')}); waiting before looking again`
    case 'posting_refused':
      return `Alma refused the payment: ${text('error')}`
    case 'posting_retry':
      return `Alma not reachable or unreadable (${text('error')}); trying again later`
    case 'posting_posted':
      return d.foundInAlma === true
        ? `Found already posted on fee ${text('feeId')} (${money(d.amountCents)})`
        : `Posted ${money(d.amountCents)} to fee ${text('feeId')}`
    case 'posting_reallocated':
      return `Fee ${text('feeId')} changed: ${money(d.amountCents)} re-allocated (${text('reason')})`
    case 'payment_exception':
      return `Exception ${text('reference')} (${text('kind').replaceAll('_', ' ')}): ${text('reason')}`
    case 'exception_resolved':
      return `Exception resolved by ${text('by')}: ${text('action').replaceAll('_', ' ')}`
    case 'exception_closed':
      return 'Exception closed: the line posted'
    case 'email_sent':
      return `Email sent (${text('kind').replaceAll('_', ' ')})`
    default:
      return event.type.replaceAll('_', ' ')
  }
}

/** What a postback said, without anything that could be a secret or card data. */
function postbackFields(postback: PostbackRecord): Record<string, string> {
  const read = readPostbackFields(postback.rawBody, postback.contentType, postback.rawQuery)
  if (!read.ok) return {}
  const shown: Record<string, string> = {}
  for (const [name, value] of read.fields) {
    // CashNet never posts card numbers back; refuse anything that looks like one anyway.
    shown[name] = /\d{13,19}/.test(value.replace(/[\s-]/g, '')) ? '[removed]' : value
  }
  return shown
}

export function paymentDetail(
  checkout: CheckoutRecord,
  postings: readonly PostingRecord[],
  postbacks: readonly PostbackRecord[],
  events: readonly EventRecord[],
): PaymentDetail {
  const timeline: TimelineEntry[] = [
    ...events.map((event) => ({
      at: iso(event.at),
      type: event.type,
      summary: summarize(event),
      detail: event.detail,
    })),
    ...postbacks.map((postback) => ({
      at: iso(postback.receivedAt),
      type: 'postback',
      summary: `CashNet postback from ${postback.sourceIp}: ${postback.outcome ?? 'not settled'}${
        postback.reason ? ` (${postback.reason})` : ''
      }`,
      detail: {
        method: postback.method,
        outcome: postback.outcome,
        reason: postback.reason,
        tx: postback.tx,
        fields: postbackFields(postback),
      },
    })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  return { ...paymentSummary(checkout, postings), timeline }
}
