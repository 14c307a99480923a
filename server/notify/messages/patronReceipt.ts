/**
 * The patron's own copy of the kiosk receipt, in the language they used at the kiosk. No name (the
 * address is enough), no card data: what was paid, the CashNet transaction and the balance left.
 */
import type { FeeTypeNames, Language, Receipt } from '../../../common/api.ts'
import { feeTypeName } from '../../../common/feeTypes.ts'
import { dateTime, money } from '../format.ts'
import { document, facts, paragraph, table } from '../html.ts'
import { patronWords } from './patronWords.ts'
import type { RenderedMail } from './rendered.ts'

export interface ReceiptLineFacts {
  type: string
  description: string
  title: string | null
  amountCents: number
}

export function patronReceiptMail(
  receipt: Receipt,
  lines: readonly ReceiptLineFacts[],
  context: {
    language: Language
    libraryName: string
    currency: string
    feeTypeNames: FeeTypeNames
  },
): RenderedMail {
  const words = patronWords[context.language]
  const amount = (cents: number) => money(cents, context.currency, context.language)
  const rows: [string, string][] = [
    [words.amountPaid, amount(receipt.amountCents)],
    [words.transaction, receipt.transactionId],
    ...(receipt.postedAt
      ? [[words.date, dateTime(Date.parse(receipt.postedAt), context.language)] as [string, string]]
      : []),
    ...(receipt.exceptionReference
      ? [[words.reference, receipt.exceptionReference] as [string, string]]
      : []),
    ...(receipt.remainingBalanceCents === null
      ? []
      : [[words.remainingBalance, amount(receipt.remainingBalanceCents)] as [string, string]]),
  ]
  const fees = lines.map((line) => {
    const name = feeTypeName(line, context.language, context.feeTypeNames)
    return [line.title ? `${name}: ${line.title}` : name, amount(line.amountCents)]
  })
  const lead = receipt.exceptionReference
    ? words.receiptPending
    : words.receiptLead(context.libraryName)
  return {
    subject: words.receiptSubject(context.libraryName),
    text: [
      lead,
      '',
      ...rows.map(([label, value]) => `${label}: ${value}`),
      '',
      `${words.fees}:`,
      ...fees.map(([fee = '', paid = '']) => `- ${fee}: ${paid}`),
      '',
      words.noReply,
    ].join('\n'),
    html: document(context.language, words.receiptTitle, [
      paragraph(lead),
      facts(rows),
      table(words.fees, [words.fee, words.paid], fees),
      paragraph(words.noReply),
    ]),
  }
}
