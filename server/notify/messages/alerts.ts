/** To STAFF_ALERT_TO: a new exception, and payments not posted in time. */
import type { CheckoutRecord } from '../../store/repository.ts'
import { dateTime, money } from '../format.ts'
import { document, facts, link, paragraph, table } from '../html.ts'
import type { RenderedMail } from './rendered.ts'

export interface ExceptionFacts {
  reference: string
  kind: string
  tx: string | null
  amountCents: number | null
  reason: string
  at: number
}

export function exceptionAlertMail(
  exception: ExceptionFacts,
  context: { libraryName: string; currency: string; consoleUrl: string },
): RenderedMail {
  const kind = exception.kind.replaceAll('_', ' ')
  const title = `New payment exception ${exception.reference}`
  const rows: [string, string][] = [
    ['Reference', exception.reference],
    ['Kind', kind],
    [
      'Amount',
      exception.amountCents === null ? 'unknown' : money(exception.amountCents, context.currency),
    ],
    ['CashNet transaction', exception.tx ?? '(none)'],
    ['Reason', exception.reason],
    ['When', dateTime(exception.at)],
    ['Library', context.libraryName],
  ]
  const lead = 'Money a person must look at: resolve it in the staff console.'
  return {
    subject: `${title} (${kind})`,
    text: [
      lead,
      '',
      ...rows.map(([label, value]) => `${label}: ${value}`),
      '',
      context.consoleUrl,
    ].join('\n'),
    html: document('en', title, [
      paragraph(lead),
      facts(rows),
      link('Open the exceptions queue', context.consoleUrl),
    ]),
  }
}

export function postingAlertMail(
  late: readonly CheckoutRecord[],
  context: { libraryName: string; afterMinutes: number; now: number; consoleUrl: string },
): RenderedMail {
  const count = `${String(late.length)} payment${late.length === 1 ? '' : 's'}`
  const title = `${count} not posted to Alma after ${String(context.afterMinutes)} minutes`
  const lead = `CashNet took these payments for ${context.libraryName}, and they are not posted to Alma yet. The service keeps trying; look at Today in the staff console for Alma's health.`
  const rows = late.map((checkout) => [
    checkout.paidAt === null ? '' : dateTime(checkout.paidAt),
    checkout.cashnetTx ?? '',
    checkout.channel,
    money(checkout.amountCents, checkout.currency),
  ])
  return {
    subject: title,
    text: [
      lead,
      '',
      ...rows.map(
        ([paid, tx, channel, amount]) =>
          `- paid ${paid ?? ''}: ${amount ?? ''} (CashNet ${tx ?? ''}, ${channel ?? ''})`,
      ),
      '',
      context.consoleUrl,
    ].join('\n'),
    html: document('en', title, [
      paragraph(lead),
      table('Payments not posted', ['Paid', 'CashNet', 'Channel', 'Amount'], rows),
      link('Open Today in the staff console', context.consoleUrl),
    ]),
  }
}
