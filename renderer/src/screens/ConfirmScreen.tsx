import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../components/Button.tsx'
import { FeeLabel } from '../components/FeeLabel.tsx'
import { Screen } from '../components/Screen.tsx'
import { FeeTable } from '../components/FeeTable.tsx'
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
      list={
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
      }
    >
      <p className="amount-summary">
        <span className="amount-summary-label">{t('confirm.amountLabel')}</span>
        <span className="amount-summary-value money">{format.money(amount)}</span>
      </p>
      {partialAmountCents !== null && <p className="hint">{t('confirm.oldestFirst')}</p>}
    </Screen>
  )
}
