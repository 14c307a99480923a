import { useTranslation } from 'react-i18next'
import { Screen } from '../components/Screen.tsx'
import { useKiosk } from '../state/StoreContext.tsx'

/** Screens where the kiosk waits for the service: title, calm spinner, nothing to press. */
export function LookingUpScreen() {
  const { t } = useTranslation()
  return <Screen name="lookingUp" title={t('lookingUp.title')} lead={t('common.pleaseWait')} busy />
}

export function StartingCheckoutScreen() {
  const { t } = useTranslation()
  return (
    <Screen
      name="startingCheckout"
      title={t('startingCheckout.title')}
      lead={t('common.pleaseWait')}
      busy
    />
  )
}

export function CancellingScreen() {
  const { t } = useTranslation()
  return (
    <Screen name="cancelling" title={t('cancelling.title')} lead={t('common.pleaseWait')} busy />
  )
}

export function ConfirmingScreen() {
  const { t } = useTranslation()
  const status = useKiosk((state) => state.checkoutState?.status)
  const trouble = useKiosk((state) => state.connectionTrouble)
  const step = trouble
    ? t('confirming.reconnecting')
    : status === 'paid'
      ? t('confirming.paid')
      : t('confirming.pending')
  return (
    <Screen name="confirming" title={t('confirming.title')} lead={step} busy>
      <ol className="progress-steps" aria-hidden="true">
        <li className="done" />
        <li className={status === 'paid' ? 'done' : 'current'} />
        <li className={status === 'paid' ? 'current' : ''} />
      </ol>
      <p className="hint">{t('confirming.stay')}</p>
    </Screen>
  )
}
