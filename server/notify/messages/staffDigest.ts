/** To the circulation inbox: the day's posted payments in one message (STAFF_NOTIFY=digest). */
import type { CheckoutRecord } from '../../store/repository.ts'
import { dateTime, money, whereDescribed } from '../format.ts'
import { document, paragraph, table } from '../html.ts'
import type { RenderedMail } from './rendered.ts'
import { patronOf } from './staffPayment.ts'

export interface DigestContext {
  libraryName: string
  fromMs: number
  toMs: number
}

export function staffDigestMail(
  checkouts: readonly CheckoutRecord[],
  context: DigestContext,
): RenderedMail {
  const currency = checkouts[0]?.currency ?? 'USD'
  const total = checkouts.reduce((sum, checkout) => sum + checkout.amountCents, 0)
  const span = `${dateTime(context.fromMs)} – ${dateTime(context.toMs)}`
  const title = `Payments posted, ${context.libraryName}`
  const summary =
    checkouts.length === 0
      ? `No payments were posted between ${span}.`
      : `${String(checkouts.length)} payment${checkouts.length === 1 ? '' : 's'} posted between ${span}, ${money(total, currency)} in all.`
  const rows = checkouts.map((checkout) => [
    checkout.postedAt === null ? '' : dateTime(checkout.postedAt),
    patronOf(checkout),
    checkout.lines
      .map((line) => `${line.description} ${money(line.amountCents, checkout.currency)}`)
      .join('; '),
    checkout.cashnetTx ?? '',
    checkout.channel,
    whereDescribed(checkout.channel, context.libraryName),
    money(checkout.amountCents, checkout.currency),
  ])
  const text = [
    summary,
    '',
    ...rows.map(
      ([at, patron, fees, tx, channel, where, amount]) =>
        `- ${at ?? ''} ${patron ?? ''}: ${amount ?? ''} (CashNet ${tx ?? ''}, ${channel ?? ''})\n  Where: ${where ?? ''}\n  ${fees ?? ''}`,
    ),
  ].join('\n')
  const html = document('en', title, [
    paragraph(summary),
    ...(rows.length > 0
      ? [
          table(
            'Payments',
            ['Posted', 'Patron', 'Fees', 'CashNet', 'Channel', 'Where', 'Amount'],
            rows,
          ),
        ]
      : []),
  ])
  return {
    subject: `Daily payments digest: ${String(checkouts.length)} posted, ${money(total, currency)}`,
    text,
    html,
  }
}
