/** Back from CashNet: waiting for the posting, then the receipt, or what happened instead. */
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { Receipt } from '../../../common/api.ts'
import { payPaths } from '../../../common/payApi.ts'
import { Button } from '../../../renderer/src/components/Button.tsx'
import { ReceiptFacts, ReceiptLines } from '../../../renderer/src/components/ReceiptParts.tsx'
import { Screen } from '../../../renderer/src/components/Screen.tsx'
import { useFormat } from '../../../renderer/src/format/useFormat.ts'
import { feeTypesById } from '../../../renderer/src/state/selectors.ts'
import { usePay } from './PayStoreContext.tsx'

export function StatusScreens() {
  const screen = usePay((state) => state.screen)
  switch (screen.name) {
    case 'waiting':
      return <WaitingScreen />
    case 'receipt':
      return <ReceiptScreen />
    case 'exceptionReceipt':
      return <ExceptionReceiptScreen />
    case 'declined':
      return <DeclinedScreen message={screen.message} />
    case 'notPaid':
      return <NotPaidScreen />
    case 'noReceipt':
      return <NoReceiptScreen />
    default:
      return null
  }
}

function BackToFees({ primary = false }: { primary?: boolean }) {
  const { t } = useTranslation()
  return (
    <a
      className={`button ${primary ? 'button-primary' : 'button-secondary'}`}
      href={`${payPaths.pages}/`}
    >
      {t('pay.backToFees')}
    </a>
  )
}

function BackToPrimo() {
  const { t } = useTranslation()
  const returnUrl = usePay((state) => state.info?.returnUrl ?? null)
  if (!returnUrl) return null
  return (
    <a className="button button-secondary" href={returnUrl}>
      {t('pay.backToPrimo')}
    </a>
  )
}

function WaitingScreen() {
  const { t } = useTranslation()
  const status = usePay((state) => state.checkoutState?.status ?? 'pending')
  const trouble = usePay((state) => state.connectionTrouble)
  return (
    <Screen name="waiting" busy title={t('pay.waitingTitle')}>
      <p className="lead" role="status">
        {trouble
          ? t('pay.reconnecting')
          : status === 'paid'
            ? t('pay.waitingPaid')
            : t('pay.waitingPending')}
      </p>
    </Screen>
  )
}

function ReceiptActions() {
  const { t } = useTranslation()
  return (
    <>
      <Button
        variant="primary"
        onClick={() => {
          window.print()
        }}
      >
        {t('pay.print')}
      </Button>
      <BackToPrimo />
      <BackToFees />
    </>
  )
}

function ReceiptScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const receipt = usePay((state) => state.checkoutState?.receipt)
  if (!receipt) return null
  return (
    <Screen name="receipt" tone="success" title={t('receipt.title')} actions={<ReceiptActions />}>
      <ReceiptFacts receipt={receipt}>
        <div>
          <dt>{t('receipt.remainingBalance')}</dt>
          <dd className="money">
            {receipt.remainingBalanceCents === null
              ? t('receipt.unknownBalance')
              : format.money(receipt.remainingBalanceCents)}
          </dd>
        </div>
      </ReceiptFacts>
      <PayReceiptLines receipt={receipt} caption={t('receipt.linesCaption')} />
    </Screen>
  )
}

/** Money received, not (all) posted yet: the honest answer, with the reference staff need. */
function ExceptionReceiptScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const checkoutState = usePay((state) => state.checkoutState)
  if (!checkoutState) return null
  const receipt = checkoutState.receipt
  const reference = receipt?.exceptionReference ?? checkoutState.checkoutId
  return (
    <Screen
      name="exceptionReceipt"
      tone="success"
      title={t('exceptionReceipt.title')}
      lead={t('exceptionReceipt.lead')}
      actions={<ReceiptActions />}
    >
      <dl className="facts">
        <div className="reference">
          <dt>{t('exceptionReceipt.reference')}</dt>
          <dd>{reference}</dd>
        </div>
        {!receipt && (
          <div>
            <dt>{t('receipt.amountPaid')}</dt>
            <dd className="money">{format.money(checkoutState.amountCents)}</dd>
          </div>
        )}
      </dl>
      <p className="hint">{t('exceptionReceipt.keepReference')}</p>
      {receipt && <ReceiptFacts receipt={receipt} />}
      {receipt && receipt.lines.length > 0 && (
        <PayReceiptLines receipt={receipt} caption={t('exceptionReceipt.postedSoFar')} />
      )}
    </Screen>
  )
}

function DeclinedScreen({ message }: { message: string | null }) {
  const { t } = useTranslation()
  return (
    <Screen
      name="declined"
      tone="error"
      title={t('declined.title')}
      lead={t('declined.lead')}
      actions={<BackToFees primary />}
    >
      {message && <p className="hint">{t('declined.cashnetSaid', { message })}</p>}
    </Screen>
  )
}

function NotPaidScreen() {
  const { t } = useTranslation()
  const reference = usePay((state) => state.checkoutState?.checkoutId ?? '')
  return (
    <Screen
      name="notPaid"
      tone="warning"
      title={t('pay.notPaidTitle')}
      lead={t('pay.notPaidLead')}
      actions={<BackToFees primary />}
    >
      <dl className="facts">
        <div className="reference">
          <dt>{t('notConfirmed.reference')}</dt>
          <dd>{reference}</dd>
        </div>
      </dl>
    </Screen>
  )
}

function NoReceiptScreen() {
  const { t } = useTranslation()
  return <Screen name="noReceipt" title={t('pay.noReceipt')} actions={<BackToFees primary />} />
}

function PayReceiptLines({ receipt, caption }: { receipt: Receipt; caption: string }) {
  const patron = usePay((state) => state.patron)
  const feeTypes = useMemo(() => feeTypesById(patron), [patron])
  return <ReceiptLines receipt={receipt} caption={caption} feeTypes={feeTypes} />
}
