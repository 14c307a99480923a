import { useEffect, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { Receipt } from '../../../common/api.ts'
import { shortDisplayName } from '../../../common/displayName.ts'
import { Button } from '../components/Button.tsx'
import { Screen } from '../components/Screen.tsx'
import { ReceiptFacts, ReceiptLines } from '../components/ReceiptParts.tsx'
import { useFormat } from '../format/useFormat.ts'
import { receiptEmailFinal } from '../state/receiptEmailSlice.ts'
import { feeTypesById } from '../state/selectors.ts'
import type { ReceiptEmailFailure } from '../state/types.ts'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'

function DoneButton() {
  const { t } = useTranslation()
  const { endSession } = useKioskActions()
  return (
    <Button
      variant="primary"
      onClick={() => {
        void endSession()
      }}
    >
      {t('common.done')}
    </Button>
  )
}

/**
 * Paper receipt, when the kiosk has a printer: printed once when the receipt appears, then a
 * "Print receipt" button for a copy. If printing fails the patron reads the reference here instead.
 */
function ReceiptPrinting({ reference }: { reference: string }) {
  const { t } = useTranslation()
  const { printReceipt } = useKioskActions()
  const printer = useKiosk((state) => state.receiptPrinter)
  const checkoutId = useKiosk((state) => state.checkoutState?.checkoutId)
  const hasReceipt = useKiosk((state) => Boolean(state.checkoutState?.receipt))
  const print = useKiosk((state) =>
    state.receiptPrint?.checkoutId === checkoutId ? state.receiptPrint : null,
  )
  const printedBefore = print !== null
  useEffect(() => {
    if (printer && hasReceipt && !printedBefore) void printReceipt()
  }, [printer, hasReceipt, printedBefore, printReceipt])
  if (!printer || !hasReceipt) return null
  return (
    <div className="receipt-copy">
      <p role="status" className="hint">
        {print?.status === 'printing' && t('receipt.printing')}
        {print?.status === 'printed' && t('receipt.printed')}
        {print?.status === 'failed' && t('receipt.printFailed', { reference })}
      </p>
      <Button
        disabled={print?.status === 'printing'}
        onClick={() => {
          void printReceipt()
        }}
      >
        {t('receipt.print')}
      </Button>
    </div>
  )
}

/**
 * "Email my receipt", when the library offers it and the payment is posted: the receipt goes to the
 * patron's preferred email in Alma, in the kiosk language. Sent once; whatever happens, Done works.
 */
function ReceiptEmail() {
  const { t } = useTranslation()
  const { emailReceipt } = useKioskActions()
  const offered = useKiosk(
    (state) =>
      state.settings?.emailReceipt === true &&
      state.checkoutState?.status === 'posted' &&
      Boolean(state.checkoutState.receipt),
  )
  const checkoutId = useKiosk((state) => state.checkoutState?.checkoutId)
  const email = useKiosk((state) =>
    state.receiptEmail?.checkoutId === checkoutId ? state.receiptEmail : null,
  )
  if (!offered) return null
  const done =
    email?.status === 'sending' ||
    email?.status === 'sent' ||
    (email?.status === 'failed' && receiptEmailFinal(email.failure))
  return (
    <div className="receipt-copy">
      <Button
        disabled={done}
        onClick={() => {
          void emailReceipt()
        }}
      >
        {t('receipt.email')}
      </Button>
      <p role="status" className="hint">
        {email?.status === 'sending' && t('receipt.emailSending')}
        {email?.status === 'sent' && t('receipt.emailSent', { address: email.sentTo })}
        {email?.status === 'failed' && t(receiptEmailMessages[email.failure])}
      </p>
    </div>
  )
}

const receiptEmailMessages = {
  no_email: 'receipt.emailNoAddress',
  unavailable: 'receipt.emailUnavailable',
  not_posted: 'receipt.emailNotReady',
  error: 'receipt.emailFailed',
} as const satisfies Record<ReceiptEmailFailure, string>

/**
 * Paper and email copies, under the receipt's lines: with the lines beside the facts (landscape),
 * the facts' column keeps its height for the facts, so the receipt fits 1366×768 with larger text.
 */
function ReceiptCopies({ reference }: { reference: string }) {
  return (
    <div className="receipt-copies">
      <ReceiptPrinting reference={reference} />
      <ReceiptEmail />
    </div>
  )
}

/** Payment posted to Alma: amount, CashNet transaction, each fee paid, what is left. */
export function ReceiptScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const receipt = useKiosk((state) => state.checkoutState?.receipt)
  const name = useKiosk((state) => shortDisplayName(state.patron?.patron.displayName ?? ''))
  if (!receipt) return null
  return (
    <Screen
      name="receipt"
      tone="success"
      title={t('receipt.title')}
      lead={t('receipt.lead', { name })}
      actions={<DoneButton />}
      list={
        <>
          <KioskReceiptLines receipt={receipt} caption={t('receipt.linesCaption')} />
          <ReceiptCopies reference={receipt.transactionId} />
        </>
      }
    >
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
    </Screen>
  )
}

/**
 * Money received but not (all) posted: the library finishes it. Shown for posting exceptions and
 * when posting takes too long, with a reference for staff.
 */
export function ExceptionReceiptScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const checkoutState = useKiosk((state) => state.checkoutState)
  const checkout = useKiosk((state) => state.checkout)
  if (!checkoutState || !checkout) return null
  const receipt = checkoutState.receipt
  const reference = receipt?.exceptionReference ?? checkout.checkoutId
  return (
    <Screen
      name="exceptionReceipt"
      tone="success"
      title={t('exceptionReceipt.title')}
      lead={t('exceptionReceipt.lead')}
      actions={<DoneButton />}
      list={
        receipt &&
        receipt.lines.length > 0 && (
          <KioskReceiptLines receipt={receipt} caption={t('exceptionReceipt.postedSoFar')} />
        )
      }
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
      <ReceiptPrinting reference={reference} />
    </Screen>
  )
}

/** The receipt's lines, fee types named from the patron's lookup. */
function KioskReceiptLines({ receipt, caption }: { receipt: Receipt; caption: string }) {
  const patron = useKiosk((state) => state.patron)
  const feeTypes = useMemo(() => feeTypesById(patron), [patron])
  return <ReceiptLines receipt={receipt} caption={caption} feeTypes={feeTypes} />
}
