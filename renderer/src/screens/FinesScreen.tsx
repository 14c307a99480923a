import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { shortDisplayName } from '../../../common/displayName.ts'
import { Button } from '../components/Button.tsx'
import { FeeLabel } from '../components/FeeLabel.tsx'
import { Screen } from '../components/Screen.tsx'
import { useFormat } from '../format/useFormat.ts'
import { selectedTotalCents } from '../state/selectors.ts'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'

export function FinesScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const patron = useKiosk((state) => state.patron)
  const selectedFeeIds = useKiosk((state) => state.selectedFeeIds)
  const { toggleFee, setAllFeesSelected, paySelected, chooseAmount, endSession } = useKioskActions()
  const selectedTotal = useMemo(
    () => selectedTotalCents({ patron, selectedFeeIds }),
    [patron, selectedFeeIds],
  )
  if (!patron) return null
  const allSelected = selectedFeeIds.length === patron.fees.length
  const noneSelected = selectedFeeIds.length === 0

  return (
    <Screen
      name="fines"
      title={t('fines.title', { name: shortDisplayName(patron.patron.displayName) })}
      lead={t('fines.lead', { total: format.money(patron.totalCents) })}
      actions={
        <>
          <Button variant="primary" disabled={noneSelected} onClick={paySelected}>
            {t('fines.paySelected', { amount: format.money(selectedTotal) })}
          </Button>
          <Button disabled={noneSelected} onClick={chooseAmount}>
            {t('fines.payOtherAmount')}
          </Button>
          <Button
            variant="quiet"
            onClick={() => {
              void endSession()
            }}
          >
            {t('fines.finish')}
          </Button>
        </>
      }
    >
      <fieldset className="fee-list">
        <legend>{t('fines.tableCaption')}</legend>
        {patron.fees.length > 1 && (
          <label className="fee-option select-all">
            <input
              type="checkbox"
              checked={allSelected}
              onChange={() => {
                setAllFeesSelected(!allSelected)
              }}
            />
            <span className="fee-label">{t('fines.selectAll')}</span>
          </label>
        )}
        <ul>
          {patron.fees.map((fee) => (
            <li key={fee.id}>
              <label className="fee-option">
                <input
                  type="checkbox"
                  checked={selectedFeeIds.includes(fee.id)}
                  onChange={() => {
                    toggleFee(fee.id)
                  }}
                />
                <FeeLabel fee={fee} />
                <span className="fee-date">{format.date(fee.createdAt)}</span>
                <span className="fee-amount">{format.money(fee.balanceCents)}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <p className="selected-total" aria-live="polite">
        {noneSelected
          ? t('fines.noneSelected')
          : t('fines.selectedTotal', { amount: format.money(selectedTotal) })}
      </p>
    </Screen>
  )
}
