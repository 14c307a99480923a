import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { attractPaintedMark } from '../../../common/startupPaint.ts'
import { Button } from '../components/Button.tsx'
import { Screen } from '../components/Screen.tsx'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'

export function AttractScreen() {
  const { t } = useTranslation()
  const manualEntry = useKiosk((state) => state.settings?.allowManualEntry ?? false)
  const { startManualEntry } = useKioskActions()

  useEffect(() => {
    // Where the first-paint script painted the prerendered screen it has set the mark already.
    // The task after the next animation frame runs once that frame has been painted.
    requestAnimationFrame(() => {
      setTimeout(() => {
        if (performance.getEntriesByName(attractPaintedMark).length === 0) {
          performance.mark(attractPaintedMark)
        }
      }, 0)
    })
  }, [])

  return (
    <Screen
      name="attract"
      title={t('attract.title')}
      lead={t('attract.lead')}
      actions={
        manualEntry && (
          <Button variant="secondary" onClick={startManualEntry}>
            {t('attract.manualEntry')}
          </Button>
        )
      }
    >
      <CardIllustration />
      <p className="hint">{t('attract.steps')}</p>
    </Screen>
  )
}

function CardIllustration() {
  return (
    <svg className="card-illustration" viewBox="0 0 240 150" aria-hidden="true" focusable="false">
      <rect x="20" y="30" width="170" height="108" rx="12" className="card-body" />
      <rect x="20" y="52" width="170" height="20" className="card-stripe" />
      <rect x="36" y="92" width="60" height="10" rx="5" className="card-line" />
      <rect x="36" y="110" width="96" height="10" rx="5" className="card-line" />
      <path d="M206 40 q18 35 0 70 M222 28 q26 47 0 94" className="card-waves" />
    </svg>
  )
}
