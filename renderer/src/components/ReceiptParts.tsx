import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { Receipt } from '../../../common/api.ts'
import { useFormat } from '../format/useFormat.ts'
import { receiptLineFee } from '../state/selectors.ts'
import { FeeLabel } from './FeeLabel.tsx'
import { FeeTable } from './FeeTable.tsx'

/** A receipt's facts (amount, CashNet transaction, date): the kiosk's and the phone's receipts. */
export function ReceiptFacts({ receipt, children }: { receipt: Receipt; children?: ReactNode }) {
  const { t } = useTranslation()
  const format = useFormat()
  return (
    <dl className="facts">
      <div>
        <dt>{t('receipt.amountPaid')}</dt>
        <dd className="money">{format.money(receipt.amountCents)}</dd>
      </div>
      <div>
        <dt>{t('receipt.transaction')}</dt>
        <dd>{receipt.transactionId}</dd>
      </div>
      {receipt.postedAt && (
        <div>
          <dt>{t('receipt.postedAt')}</dt>
          <dd>{format.dateTime(receipt.postedAt)}</dd>
        </div>
      )}
      {children}
    </dl>
  )
}

/** What was paid, fee by fee; `feeTypes` (fee id → Alma type code) names them by type. */
export function ReceiptLines({
  receipt,
  caption,
  feeTypes,
}: {
  receipt: Receipt
  caption: string
  feeTypes: ReadonlyMap<string, string>
}) {
  const { t } = useTranslation()
  const format = useFormat()
  return (
    <FeeTable
      caption={caption}
      feeColumn={t('receipt.fee')}
      columns={[
        { label: t('receipt.paid'), className: 'num' },
        { label: t('receipt.remaining'), className: 'num' },
      ]}
    >
      {receipt.lines.map((line) => (
        <tr key={line.feeId}>
          <th scope="row">
            <FeeLabel fee={receiptLineFee(line, feeTypes)} />
          </th>
          <td className="num strong">{format.money(line.amountCents)}</td>
          <td className="num">{format.money(line.remainingCents)}</td>
        </tr>
      ))}
    </FeeTable>
  )
}
