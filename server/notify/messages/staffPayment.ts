/** To the circulation inbox: one payment posted to Alma (STAFF_NOTIFY=each). */
import type { CheckoutRecord } from '../../store/repository.ts'
import { dateTime, money, whereDescribed } from '../format.ts'
import { document, facts, link, paragraph, table } from '../html.ts'
import type { RenderedMail } from './rendered.ts'

export interface StaffPaymentContext {
  libraryName: string
  /** The payment's page in the staff console. */
  consoleUrl: string
}

export function patronOf(checkout: CheckoutRecord): string {
  return checkout.patronName
    ? `${checkout.patronName} (${checkout.primaryId})`
    : `Alma user ${checkout.primaryId}`
}

function feeRows(checkout: CheckoutRecord): string[][] {
  return checkout.lines.map((line) => [
    line.title ? `${line.description}: ${line.title}` : line.description,
    money(line.amountCents, checkout.currency),
  ])
}

export function staffPaymentMail(
  checkout: CheckoutRecord,
  context: StaffPaymentContext,
): RenderedMail {
  const amount = money(checkout.amountCents, checkout.currency)
  const withExceptions = checkout.status === 'posted_with_exceptions'
  const title = withExceptions ? 'Payment posted with exceptions' : 'Payment posted'
  const rows: [string, string][] = [
    ['Patron', patronOf(checkout)],
    ['Amount', amount],
    ['CashNet transaction', checkout.cashnetTx ?? '(none)'],
    ['Channel', checkout.channel],
    ['Where', whereDescribed(checkout.channel, context.libraryName)],
    ['Paid', checkout.paidAt === null ? '' : dateTime(checkout.paidAt)],
    ['Posted', checkout.postedAt === null ? '' : dateTime(checkout.postedAt)],
  ]
  const fees = feeRows(checkout)
  const note = withExceptions
    ? 'Part of this payment could not be posted: it is waiting in the exceptions queue.'
    : 'The payment is posted to the patron’s Alma account.'
  const text = [
    note,
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    'Fees:',
    ...fees.map(([fee = '', paid = '']) => `- ${fee}: ${paid}`),
    '',
    `In the staff console: ${context.consoleUrl}`,
  ].join('\n')
  const html = document('en', title, [
    paragraph(note),
    facts(rows),
    table('Fees', ['Fee', 'Paid'], fees),
    link('Open the payment in the staff console', context.consoleUrl),
  ])
  return { subject: `${title}: ${amount}, CashNet ${checkout.cashnetTx ?? '(none)'}`, text, html }
}
