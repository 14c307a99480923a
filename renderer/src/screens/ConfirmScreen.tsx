import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../components/Button.tsx'
import { AllocationTable } from '../components/AllocationTable.tsx'
import { Screen } from '../components/Screen.tsx'
import { useFormat } from '../format/useFormat.ts'
import { allocationPreview, paymentAmountCents } from '../state/selectors.ts'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'

export function ConfirmScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const patron = useKiosk((state) => state.patron)
  const selectedFeeIds = useKiosk((state) => state.selectedFeeIds)
  const partialAmountCents = useKiosk((state) => state.partialAmountCents)
  const { startCheckout, backFromConfirm } = useKioskActions()
  const { amount, lines } = useMemo(() => {
    const state = { patron, selectedFeeIds, partialAmountCents }
    return { amount: paymentAmountCents(state), lines: allocationPreview(state) }
  }, [patron, selectedFeeIds, partialAmountCents])

  return (
    <Screen
      name="confirm"
      title={t('confirm.title')}
      actions={
        <>
          <Button
            variant="primary"
            onClick={() => {
              void startCheckout()
            }}
          >
            {t('confirm.pay')}
          </Button>
          <Button onClick={backFromConfirm}>{t('common.back')}</Button>
        </>
      }
      list={<AllocationTable lines={lines} />}
    >
      <p className="amount-summary">
        <span className="amount-summary-label">{t('confirm.amountLabel')}</span>
        <span className="amount-summary-value money">{format.money(amount)}</span>
      </p>
      {partialAmountCents !== null && <p className="hint">{t('confirm.oldestFirst')}</p>}
    </Screen>
  )
}
