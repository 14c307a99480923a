import { useTranslation } from 'react-i18next'
import { Screen } from '../components/Screen.tsx'

/** Before the first settings arrive, or while the service cannot be reached at start-up. */
export function OutOfServiceScreen({ starting }: { starting: boolean }) {
  const { t } = useTranslation()
  return starting ? (
    <Screen name="starting" title={t('outOfService.starting')} busy />
  ) : (
    <Screen
      name="outOfService"
      tone="warning"
      title={t('outOfService.title')}
      lead={t('outOfService.lead')}
      busy
    />
  )
}
