import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { shortDisplayName } from '../../../common/displayName.ts'
import { Button } from '../components/Button.tsx'
import { FeeLabel } from '../components/FeeLabel.tsx'
import { FeesBeingPosted } from '../components/FeesBeingPosted.tsx'
import { PatronNotices } from '../components/PatronNotices.tsx'
import { Screen } from '../components/Screen.tsx'
import { ScrollArea } from '../components/ScrollArea.tsx'
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
      summary={
        <p className="selected-total" aria-live="polite">
          {noneSelected
            ? t('fines.noneSelected')
            : t('fines.selectedTotal', { amount: format.money(selectedTotal) })}
        </p>
      }
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
      list={
        <>
          <PatronNotices notices={patron.patron.notices} />
          <ScrollArea label={t('fines.tableCaption')} itemSelector=".fee-row">
            <div className="fee-list" role="group" aria-labelledby="fees-caption">
              <div className="list-head">
                <h2 id="fees-caption" className="list-caption">
                  {t('fines.tableCaption')}
                </h2>
                {patron.fees.length > 1 && (
                  <label className="select-all">
                    <input
                      type="checkbox"
                      checked={allSelected}
                      onChange={() => {
                        setAllFeesSelected(!allSelected)
                      }}
                    />
                    <span>{t('fines.selectAll')}</span>
                  </label>
                )}
              </div>
              <ul>
                {patron.fees.map((fee) => (
                  <li key={fee.id} className="fee-row">
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
            </div>
            <FeesBeingPosted fees={patron.feesBeingPosted} />
          </ScrollArea>
        </>
      }
    />
  )
}
