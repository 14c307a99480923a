import { useTranslation } from 'react-i18next'
import { Button } from '../components/Button.tsx'
import { Screen } from '../components/Screen.tsx'
import { intlLocale } from '../i18n/i18n.ts'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'

/**
 * "Pay on your phone": a QR code of a pay link for the patron on screen, for someone in a queue.
 * The SVG comes from the service and is shown as an image (a data: URL), never as markup.
 */
export function PayOnPhoneScreen() {
  const { t } = useTranslation()
  const link = useKiosk((state) => state.phoneLink)
  const language = useKiosk((state) => state.language)
  const { hidePhoneLink } = useKioskActions()
  if (link === null) return null
  const close = (
    <Button variant="primary" onClick={hidePhoneLink}>
      {t('payOnPhone.close')}
    </Button>
  )
  if (link === 'loading') {
    return <Screen name="payOnPhoneLoading" busy title={t('common.pleaseWait')} actions={close} />
  }
  if (link === 'failed') {
    return (
      <Screen
        name="payOnPhoneFailed"
        tone="warning"
        title={t('payOnPhone.title')}
        lead={t('payOnPhone.unavailable')}
        actions={close}
      />
    )
  }
  const time = new Intl.DateTimeFormat(intlLocale[language], { timeStyle: 'short' }).format(
    new Date(link.expiresAt),
  )
  return (
    <Screen
      name="payOnPhone"
      title={t('payOnPhone.title')}
      lead={t('payOnPhone.lead')}
      actions={close}
    >
      <img
        className="pay-qr"
        src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(link.qrSvg)}`}
        alt={t('payOnPhone.qrLabel')}
      />
      <p className="hint">{t('payOnPhone.expires', { time })}</p>
    </Screen>
  )
}
