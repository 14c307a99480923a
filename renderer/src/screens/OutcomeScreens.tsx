/** Screens that end a step without a receipt: declined, cancelled, nothing owed, errors. */
import { useTranslation } from 'react-i18next'
import { shortDisplayName } from '../../../common/displayName.ts'
import { Button } from '../components/Button.tsx'
import { FeesBeingPosted } from '../components/FeesBeingPosted.tsx'
import { PatronNotices } from '../components/PatronNotices.tsx'
import { Screen } from '../components/Screen.tsx'
import { ScrollArea } from '../components/ScrollArea.tsx'
import { retryScreen } from '../state/paymentSlice.ts'
import type { AccountBlock, PaymentProblem } from '../state/screens.ts'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'

function EndButton({ label, primary = true }: { label: string; primary?: boolean }) {
  const { endSession } = useKioskActions()
  return (
    <Button
      variant={primary ? 'primary' : 'secondary'}
      onClick={() => {
        void endSession()
      }}
    >
      {label}
    </Button>
  )
}

export function DeclinedScreen({ message }: { message: string | null }) {
  const { t } = useTranslation()
  const { retryPayment } = useKioskActions()
  return (
    <Screen
      name="declined"
      tone="error"
      title={t('declined.title')}
      lead={t('declined.lead')}
      actions={
        <>
          <Button variant="primary" onClick={retryPayment}>
            {t('declined.tryAgain')}
          </Button>
          <EndButton label={t('common.done')} primary={false} />
        </>
      }
    >
      {message && <p className="detail">{t('declined.cashnetSaid', { message })}</p>}
    </Screen>
  )
}

export function CancelledScreen({
  expired,
  reference,
}: {
  expired: boolean
  reference: string | null
}) {
  const { t } = useTranslation()
  const { retryPayment } = useKioskActions()
  return (
    <Screen
      name="cancelled"
      tone="warning"
      title={expired ? t('cancelled.expiredTitle') : t('cancelled.title')}
      lead={t('cancelled.lead')}
      actions={
        <>
          <EndButton label={t('common.done')} />
          <Button onClick={retryPayment}>{t('cancelled.backToFees')}</Button>
        </>
      }
    >
      {reference && (
        <>
          <p className="hint">{t('cancelled.ifPaid')}</p>
          <dl className="facts">
            <div className="reference">
              <dt>{t('notConfirmed.reference')}</dt>
              <dd>{reference}</dd>
            </div>
          </dl>
        </>
      )}
    </Screen>
  )
}

export function NotConfirmedScreen() {
  const { t } = useTranslation()
  const reference = useKiosk((state) => state.checkout?.checkoutId ?? '')
  return (
    <Screen
      name="notConfirmed"
      tone="warning"
      title={t('notConfirmed.title')}
      lead={t('notConfirmed.lead')}
      actions={<EndButton label={t('common.done')} />}
    >
      <dl className="facts">
        <div className="reference">
          <dt>{t('notConfirmed.reference')}</dt>
          <dd>{reference}</dd>
        </div>
      </dl>
      <p className="hint">{t('common.askStaff')}</p>
    </Screen>
  )
}

/** Nothing payable: nothing owed, or only fees whose payment is still being posted. */
export function NoFinesScreen() {
  const { t } = useTranslation()
  const patron = useKiosk((state) => state.patron)
  const name = shortDisplayName(patron?.patron.displayName ?? '')
  const beingPosted = patron?.feesBeingPosted ?? []
  if (beingPosted.length === 0) {
    return (
      <Screen
        name="noFines"
        tone="success"
        title={t('noFines.title')}
        lead={t('noFines.lead', { name })}
        actions={<EndButton label={t('common.done')} />}
      >
        <PatronNotices notices={patron?.patron.notices ?? []} />
      </Screen>
    )
  }
  return (
    <Screen
      name="noFines"
      title={t('noFines.beingPostedTitle')}
      lead={t('noFines.beingPostedLead', { name })}
      actions={<EndButton label={t('common.done')} />}
      list={
        <>
          <PatronNotices notices={patron?.patron.notices ?? []} />
          <ScrollArea label={t('fines.tableCaption')} itemSelector=".fee-row">
            <FeesBeingPosted fees={beingPosted} />
          </ScrollArea>
        </>
      }
    />
  )
}

export function NotFoundScreen() {
  const { t } = useTranslation()
  return (
    <Screen
      name="notFound"
      tone="warning"
      title={t('notFound.title')}
      lead={t('notFound.lead')}
      actions={<EndButton label={t('common.tryAgain')} />}
    />
  )
}

const blockMessages = {
  blocked: 'blocked.blocked',
  inactive: 'blocked.inactive',
  expired: 'blocked.expired',
} as const satisfies Record<AccountBlock, string>

export function BlockedScreen({ block, reason }: { block: AccountBlock; reason: string | null }) {
  const { t } = useTranslation()
  return (
    <Screen
      name="blocked"
      tone="warning"
      title={t('blocked.title')}
      lead={t(blockMessages[block])}
      actions={<EndButton label={t('common.done')} />}
    >
      {reason && <p className="detail">{t('blocked.reason', { reason })}</p>}
      <p className="hint">{t('blocked.visitDesk')}</p>
    </Screen>
  )
}

export function UnavailableScreen() {
  const { t } = useTranslation()
  return (
    <Screen
      name="unavailable"
      tone="warning"
      title={t('unavailable.title')}
      lead={t('unavailable.lead')}
      actions={<EndButton label={t('common.done')} />}
    />
  )
}

const problemMessages = {
  lookupExpired: 'problem.lookupExpired',
  feesChanged: 'problem.feesChanged',
  feeBeingPosted: 'problem.feeBeingPosted',
  invalidAmount: 'problem.invalidAmount',
  paymentUnavailable: 'problem.paymentUnavailable',
  checkoutFailed: 'problem.checkoutFailed',
} as const satisfies Record<PaymentProblem, string>

export function ProblemScreen({ problem }: { problem: PaymentProblem }) {
  const { t } = useTranslation()
  const { retryPayment } = useKioskActions()
  const canRetry = retryScreen({ name: 'problem', problem }) !== null
  return (
    <Screen
      name="problem"
      tone="warning"
      title={t('problem.title')}
      lead={t(problemMessages[problem])}
      actions={
        canRetry ? (
          <>
            <Button variant="primary" onClick={retryPayment}>
              {t('common.tryAgain')}
            </Button>
            <EndButton label={t('common.startOver')} primary={false} />
          </>
        ) : (
          <EndButton label={t('common.startOver')} />
        )
      }
    />
  )
}
