import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../components/Button.tsx'
import { Keypad } from '../components/Keypad.tsx'
import { Screen } from '../components/Screen.tsx'
import { useFormat } from '../format/useFormat.ts'
import { centsFromAmountDigits } from '../state/keypad.ts'
import { amountEntryProblem, amountLimits } from '../state/selectors.ts'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'

export function AmountScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const patron = useKiosk((state) => state.patron)
  const selectedFeeIds = useKiosk((state) => state.selectedFeeIds)
  const settings = useKiosk((state) => state.settings)
  const amountDigits = useKiosk((state) => state.amountDigits)
  const { pressAmountKey, submitAmount, backToFines } = useKioskActions()

  const { limits, problem } = useMemo(() => {
    const state = { patron, selectedFeeIds, settings, amountDigits }
    return { limits: amountLimits(state), problem: amountEntryProblem(state) }
  }, [patron, selectedFeeIds, settings, amountDigits])
  const min = format.money(limits.minCents)
  const max = format.money(limits.maxCents)

  return (
    <Screen
      name="amount"
      title={t('amount.title')}
      lead={t('amount.lead', { min, max })}
      actions={
        <>
          <Button variant="primary" disabled={problem !== null} onClick={submitAmount}>
            {t('amount.continue')}
          </Button>
          <Button onClick={backToFines}>{t('common.back')}</Button>
        </>
      }
      side={<Keypad onKey={pressAmountKey} controls="amount-value" />}
    >
      <div className="entry">
        <span className="entry-label" id="amount-label">
          {t('amount.fieldLabel')}
        </span>
        <output id="amount-value" className="entry-value money" aria-labelledby="amount-label">
          {format.money(centsFromAmountDigits(amountDigits))}
        </output>
        <p className="entry-error" role="alert">
          {problem === 'belowMinimum' && t('amount.belowMinimum', { min })}
          {problem === 'aboveTotal' && t('amount.aboveTotal', { max })}
        </p>
      </div>
    </Screen>
  )
}
