import { useTranslation } from 'react-i18next'
import { Button } from '../components/Button.tsx'
import { ScreenTitle } from '../components/ScreenTitle.tsx'
import { formatCountdown } from '../format/format.ts'
import { useFormat } from '../format/useFormat.ts'
import { checkoutSlotId } from '../host/browserHost.ts'
import { useNow } from '../hooks/useNow.ts'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'

/**
 * The kiosk's own bar above the CashNet page: amount, time left and Cancel. The host shows the
 * page itself below it (an iframe in the slot here, or Electron's checkout view over that area).
 */
export function CheckoutScreen() {
  const { t } = useTranslation()
  const format = useFormat()
  const amount = useKiosk((state) => state.checkout?.amountCents ?? 0)
  const deadline = useKiosk((state) => state.idleDeadline)
  const { cancelCheckout } = useKioskActions()
  const now = useNow(deadline !== null)
  const secondsLeft = deadline === null ? null : (deadline - now) / 1000

  return (
    <section
      className="screen screen-checkout"
      aria-labelledby="checkout-title"
      data-screen="checkout"
    >
      <div className="checkout-bar">
        <div className="checkout-heading">
          <ScreenTitle id="checkout-title">
            {t('checkout.title', { amount: format.money(amount) })}
          </ScreenTitle>
          <p className="hint">{t('checkout.lead')}</p>
        </div>
        {secondsLeft !== null && (
          <p className="countdown" role="timer">
            {t('checkout.timeLeft', { time: formatCountdown(secondsLeft) })}
          </p>
        )}
        <Button
          variant="secondary"
          className="checkout-cancel"
          onClick={() => {
            void cancelCheckout()
          }}
        >
          {t('checkout.cancel')}
        </Button>
      </div>
      <div
        id={checkoutSlotId}
        className="checkout-slot"
        role="region"
        aria-label={t('checkout.frameRegion')}
      />
    </section>
  )
}
