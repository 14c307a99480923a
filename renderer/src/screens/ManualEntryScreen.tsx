import { useTranslation } from 'react-i18next'
import { Button } from '../components/Button.tsx'
import { Keypad } from '../components/Keypad.tsx'
import { Screen } from '../components/Screen.tsx'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'

export function ManualEntryScreen() {
  const { t } = useTranslation()
  const digits = useKiosk((state) => state.manualDigits)
  const minLength = useKiosk((state) => state.settings?.cardReader.minLength ?? 1)
  const { pressManualKey, submitManualEntry, endSession } = useKioskActions()
  return (
    <Screen
      name="manualEntry"
      title={t('manualEntry.title')}
      lead={t('manualEntry.lead')}
      actions={
        <>
          <Button
            variant="primary"
            disabled={digits.length < minLength}
            onClick={() => {
              void submitManualEntry()
            }}
          >
            {t('manualEntry.submit')}
          </Button>
          <Button
            onClick={() => {
              void endSession()
            }}
          >
            {t('common.back')}
          </Button>
        </>
      }
      side={<Keypad onKey={pressManualKey} controls="manual-digits" />}
    >
      <div className="entry">
        <span className="entry-label" id="manual-label">
          {t('manualEntry.fieldLabel')}
        </span>
        <output id="manual-digits" className="entry-value" aria-labelledby="manual-label">
          {digits === '' ? <span className="entry-empty">{t('manualEntry.empty')}</span> : digits}
        </output>
      </div>
    </Screen>
  )
}
