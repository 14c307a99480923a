import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { shortDisplayName } from '../../../common/displayName.ts'
import { Button } from '../components/Button.tsx'
import { FeeChecklist } from '../components/FeeChecklist.tsx'
import { FeesBeingPosted } from '../components/FeesBeingPosted.tsx'
import { PatronNotices } from '../components/PatronNotices.tsx'
import { Screen } from '../components/Screen.tsx'
import { ScrollArea } from '../components/ScrollArea.tsx'
import { useFormat } from '../format/useFormat.ts'
import { PayOnPhoneScreen } from './PayOnPhoneScreen.tsx'
import { selectedTotalCents } from '../state/selectors.ts'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'

export function FinesScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const patron = useKiosk((state) => state.patron)
  const selectedFeeIds = useKiosk((state) => state.selectedFeeIds)
  const payOnPhone = useKiosk((state) => state.settings?.payOnPhone ?? false)
  const phoneLinkShown = useKiosk((state) => state.phoneLink !== null)
  const { toggleFee, setAllFeesSelected, paySelected, chooseAmount, endSession, showPhoneLink } =
    useKioskActions()
  const selectedTotal = useMemo(
    () => selectedTotalCents({ patron, selectedFeeIds }),
    [patron, selectedFeeIds],
  )
  if (!patron) return null
  if (phoneLinkShown) return <PayOnPhoneScreen />
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
          {payOnPhone && (
            <Button
              onClick={() => {
                void showPhoneLink()
              }}
            >
              {t('payOnPhone.button')}
            </Button>
          )}
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
            <FeeChecklist
              fees={patron.fees}
              selectedFeeIds={selectedFeeIds}
              onToggle={toggleFee}
              onSelectAll={setAllFeesSelected}
            />
            <FeesBeingPosted fees={patron.feesBeingPosted} />
          </ScrollArea>
        </>
      }
    />
  )
}
