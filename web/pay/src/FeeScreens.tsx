/** Fees → choose (all, chosen fees or an amount) → confirm: the kiosk's pieces, on a phone. */
import { useId, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { AllocationTable } from '../../../renderer/src/components/AllocationTable.tsx'
import { Button } from '../../../renderer/src/components/Button.tsx'
import { FeeChecklist } from '../../../renderer/src/components/FeeChecklist.tsx'
import { FeesBeingPosted } from '../../../renderer/src/components/FeesBeingPosted.tsx'
import { PatronNotices } from '../../../renderer/src/components/PatronNotices.tsx'
import { Screen } from '../../../renderer/src/components/Screen.tsx'
import { useFormat } from '../../../renderer/src/format/useFormat.ts'
import {
  allocationPreview,
  paymentAmountCents,
  selectedTotalCents,
} from '../../../renderer/src/state/selectors.ts'
import { amountLimitsOf, amountProblem } from './payStore.ts'
import { usePay, usePayActions } from './PayStoreContext.tsx'

export function FeeScreens() {
  const name = usePay((state) => state.screen.name)
  if (name === 'fees') return <FeesScreen />
  if (name === 'nothing') return <NothingScreen />
  if (name === 'amount') return <AmountScreen />
  if (name === 'confirm') return <ConfirmScreen />
  return null
}

function FeesScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const patron = usePay((state) => state.patron)
  const info = usePay((state) => state.info)
  const selectedFeeIds = usePay((state) => state.selectedFeeIds)
  const feesChanged = usePay((state) => state.screen.name === 'fees' && state.screen.feesChanged)
  const { toggleFee, setAllFeesSelected, payAll, paySelected, chooseAmount } = usePayActions()
  const selectedTotal = useMemo(
    () => selectedTotalCents({ patron, selectedFeeIds }),
    [patron, selectedFeeIds],
  )
  if (!patron) return null
  const none = selectedFeeIds.length === 0
  const all = selectedFeeIds.length === patron.fees.length
  return (
    <Screen
      name="fees"
      title={t('pay.title')}
      lead={t('pay.lead', {
        total: format.money(patron.totalCents),
        library: info?.library.name ?? t('app.defaultLibraryName'),
      })}
      summary={
        <p className="selected-total" aria-live="polite">
          {none
            ? t('fines.noneSelected')
            : t('fines.selectedTotal', { amount: format.money(selectedTotal) })}
        </p>
      }
      actions={
        <>
          <Button variant="primary" disabled={none} onClick={all ? payAll : paySelected}>
            {all
              ? t('pay.payAll', { amount: format.money(selectedTotal) })
              : t('pay.paySelected', { amount: format.money(selectedTotal) })}
          </Button>
          <Button disabled={none} onClick={chooseAmount}>
            {t('fines.payOtherAmount')}
          </Button>
        </>
      }
    >
      {feesChanged && (
        <p className="notice-line" role="status">
          {t('pay.feesChanged')}
        </p>
      )}
      <PatronNotices notices={patron.patron.notices} />
      <FeeChecklist
        fees={patron.fees}
        selectedFeeIds={selectedFeeIds}
        onToggle={toggleFee}
        onSelectAll={setAllFeesSelected}
      />
      <FeesBeingPosted fees={patron.feesBeingPosted} />
    </Screen>
  )
}

function NothingScreen() {
  const { t } = useTranslation()
  const patron = usePay((state) => state.patron)
  const returnUrl = usePay((state) => state.info?.returnUrl ?? null)
  return (
    <Screen
      name="nothing"
      tone="success"
      title={t('pay.nothingTitle')}
      lead={t('pay.nothingLead')}
      actions={
        returnUrl && (
          <a className="button button-secondary" href={returnUrl}>
            {t('pay.backToPrimo')}
          </a>
        )
      }
    >
      {patron && <FeesBeingPosted fees={patron.feesBeingPosted} />}
    </Screen>
  )
}

function AmountScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const inputId = useId()
  const patron = usePay((state) => state.patron)
  const info = usePay((state) => state.info)
  const selectedFeeIds = usePay((state) => state.selectedFeeIds)
  const amountText = usePay((state) => state.amountText)
  const { setAmountText, submitAmount, back } = usePayActions()
  const { limits, problem } = useMemo(() => {
    const state = { patron, info, selectedFeeIds, amountText }
    return { limits: amountLimitsOf(state), problem: amountProblem(state) }
  }, [patron, info, selectedFeeIds, amountText])
  const min = format.money(limits.minCents)
  const max = format.money(limits.maxCents)
  const message =
    problem === 'belowMinimum'
      ? t('amount.belowMinimum', { min })
      : problem === 'aboveTotal'
        ? t('amount.aboveTotal', { max })
        : problem === 'notAmount'
          ? t('amount.lead', { min, max })
          : null
  return (
    <Screen
      name="amount"
      title={t('amount.title')}
      lead={t('amount.lead', { min, max })}
      actions={
        <>
          <Button variant="primary" type="submit" form="amount-form" disabled={problem !== null}>
            {t('amount.continue')}
          </Button>
          <Button onClick={back}>{t('common.back')}</Button>
        </>
      }
    >
      <form
        id="amount-form"
        className="amount-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          submitAmount()
        }}
      >
        <label htmlFor={inputId}>{t('amount.fieldLabel')}</label>
        <input
          id={inputId}
          className="amount-input"
          inputMode="decimal"
          autoComplete="off"
          value={amountText}
          aria-invalid={message !== null}
          aria-describedby={`${inputId}-hint${message ? ` ${inputId}-problem` : ''}`}
          onChange={(event) => {
            setAmountText(event.target.value)
          }}
        />
        <p id={`${inputId}-hint`} className="hint">
          {t('pay.amountHint')}
        </p>
        {message && (
          <p id={`${inputId}-problem`} className="field-problem" role="alert">
            {message}
          </p>
        )}
      </form>
    </Screen>
  )
}

function ConfirmScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const patron = usePay((state) => state.patron)
  const selectedFeeIds = usePay((state) => state.selectedFeeIds)
  const partialAmountCents = usePay((state) => state.partialAmountCents)
  const { startCheckout, back } = usePayActions()
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
          <Button onClick={back}>{t('common.back')}</Button>
        </>
      }
    >
      <p className="amount-summary">
        <span className="amount-summary-label">{t('confirm.amountLabel')}</span>
        <span className="amount-summary-value money">{format.money(amount)}</span>
      </p>
      {partialAmountCents !== null && <p className="hint">{t('confirm.oldestFirst')}</p>}
      <AllocationTable lines={lines} />
      <p className="hint">{t('pay.secureNote')}</p>
    </Screen>
  )
}
