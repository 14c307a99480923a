import { useTranslation } from 'react-i18next'
import { useKiosk } from '../state/StoreContext.tsx'

/**
 * A polite live region for the waits, where focus does not move: screen readers hear what the
 * kiosk is doing and each change of a payment's status.
 */
export function LiveAnnouncer() {
  const { t } = useTranslation()
  const screen = useKiosk((state) => state.screen.name)
  const status = useKiosk((state) => state.checkoutState?.status)
  const trouble = useKiosk((state) => state.connectionTrouble)

  let message = ''
  if (screen === 'lookingUp') message = t('lookingUp.title')
  else if (screen === 'startingCheckout') message = t('startingCheckout.title')
  else if (screen === 'cancelling') message = t('cancelling.title')
  else if (screen === 'confirming') {
    message = trouble
      ? t('confirming.reconnecting')
      : status === 'paid'
        ? t('confirming.paid')
        : t('confirming.pending')
  }
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {message}
    </div>
  )
}
