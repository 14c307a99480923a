import { useEffect, useRef, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useNow } from '../hooks/useNow.ts'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'
import { Button } from './Button.tsx'

/** "Are you still there?" with a countdown; when it runs out the session ends. */
export function IdleWarning() {
  const endsAt = useKiosk((state) => state.idleWarningEndsAt)
  return endsAt === null ? null : <IdleDialog endsAt={endsAt} />
}

function IdleDialog({ endsAt }: { endsAt: number }) {
  const { t } = useTranslation()
  const { dismissIdleWarning, idleExpired } = useKioskActions()
  const onCheckout = useKiosk((state) => state.screen.name === 'checkout')
  const now = useNow(true, 250)
  const stillHere = useRef<HTMLButtonElement>(null)
  const endNow = useRef<HTMLButtonElement>(null)
  const seconds = Math.max(0, Math.ceil((endsAt - now) / 1000))

  useEffect(() => {
    stillHere.current?.focus()
    const timer = setTimeout(
      () => {
        void idleExpired()
      },
      Math.max(0, endsAt - Date.now()),
    )
    return () => {
      clearTimeout(timer)
    }
  }, [endsAt, idleExpired])

  // Keep Tab inside the dialog: it is modal.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Tab') return
    const first = stillHere.current
    const last = endNow.current
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault()
      last?.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first?.focus()
    }
  }

  return (
    <div className="dialog-backdrop">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-title"
        aria-describedby="idle-lead"
        onKeyDown={onKeyDown}
      >
        <h2 id="idle-title">{t('idle.title')}</h2>
        <p id="idle-lead" className="lead">
          {t(onCheckout ? 'idle.checkoutLead' : 'idle.lead', { seconds })}
        </p>
        <div className="countdown-ring" aria-hidden="true">
          {seconds}
        </div>
        <div className="actions">
          <Button variant="primary" ref={stillHere} onClick={dismissIdleWarning}>
            {t('idle.stillHere')}
          </Button>
          <Button
            variant="secondary"
            ref={endNow}
            onClick={() => {
              void idleExpired()
            }}
          >
            {t('idle.endNow')}
          </Button>
        </div>
      </div>
    </div>
  )
}
