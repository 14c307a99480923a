import { useTranslation } from 'react-i18next'
import type { Fee } from '../../../common/api.ts'
import { useFormat } from '../format/useFormat.ts'
import { FeeLabel } from './FeeLabel.tsx'

/**
 * The patron's payable fees, each with a checkbox, and "Select all" when there are several. The
 * kiosk's fines screen and the patron pay pages both choose fees with it.
 */
export function FeeChecklist({
  fees,
  selectedFeeIds,
  onToggle,
  onSelectAll,
}: {
  fees: readonly Fee[]
  selectedFeeIds: readonly string[]
  onToggle: (feeId: string) => void
  onSelectAll: (selected: boolean) => void
}) {
  const { t } = useTranslation()
  const format = useFormat()
  const allSelected = selectedFeeIds.length === fees.length
  return (
    <div className="fee-list" role="group" aria-labelledby="fees-caption">
      <div className="list-head">
        <h2 id="fees-caption" className="list-caption">
          {t('fines.tableCaption')}
        </h2>
        {fees.length > 1 && (
          <label className="select-all">
            <input
              type="checkbox"
              checked={allSelected}
              onChange={() => {
                onSelectAll(!allSelected)
              }}
            />
            <span>{t('fines.selectAll')}</span>
          </label>
        )}
      </div>
      <ul>
        {fees.map((fee) => (
          <li key={fee.id} className="fee-row">
            <label className="fee-option">
              <input
                type="checkbox"
                checked={selectedFeeIds.includes(fee.id)}
                onChange={() => {
                  onToggle(fee.id)
                }}
              />
              <FeeLabel fee={fee} />
              <span className="fee-date">{format.date(fee.createdAt)}</span>
              <span className="fee-amount">{format.money(fee.balanceCents)}</span>
            </label>
          </li>
        ))}
      </ul>
    </div>
  )
}
