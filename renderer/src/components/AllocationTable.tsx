import { useTranslation } from 'react-i18next'
import { useFormat } from '../format/useFormat.ts'
import type { AllocationPreviewLine } from '../state/selectors.ts'
import { FeeLabel } from './FeeLabel.tsx'
import { FeeTable } from './FeeTable.tsx'

/** How a payment will be applied, fee by fee (oldest first): the kiosk's and the phone's confirm step. */
export function AllocationTable({ lines }: { lines: readonly AllocationPreviewLine[] }) {
  const { t } = useTranslation()
  const format = useFormat()
  return (
    <FeeTable
      caption={t('confirm.allocationCaption')}
      feeColumn={t('confirm.fee')}
      columns={[
        { label: t('confirm.balance'), className: 'num owed-now' },
        { label: t('confirm.paying'), className: 'num' },
        { label: t('confirm.remaining'), className: 'num' },
      ]}
    >
      {lines.map((line) => (
        <tr key={line.feeId}>
          <th scope="row">
            <FeeLabel fee={line.fee} />
          </th>
          <td className="num owed-now">{format.money(line.fee.balanceCents)}</td>
          <td className="num strong">{format.money(line.amountCents)}</td>
          <td className="num">{format.money(line.remainingCents)}</td>
        </tr>
      ))}
    </FeeTable>
  )
}
