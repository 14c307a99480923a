/** Loading, leaving for CashNet, and why the page cannot go on. */
import { useTranslation } from 'react-i18next'
import { Button } from '../../../renderer/src/components/Button.tsx'
import { Screen } from '../../../renderer/src/components/Screen.tsx'
import { usePay, usePayActions } from './PayStoreContext.tsx'

export function MessageScreens() {
  const { t } = useTranslation()
  const screen = usePay((state) => state.screen)
  const { back } = usePayActions()
  switch (screen.name) {
    case 'loading':
      return <Screen name="loading" busy title={t('pay.loading')} />
    case 'redirecting':
      return <Screen name="redirecting" busy title={t('pay.redirecting')} />
    case 'closed':
      return (
        <Screen
          name="closed"
          tone="warning"
          title={t('pay.closedTitle')}
          lead={t('pay.closedLead')}
        />
      )
    case 'unavailable':
      return (
        <Screen
          name="unavailable"
          tone="error"
          title={t('unavailable.title')}
          lead={t('pay.unavailableLead')}
        />
      )
    case 'problem':
      return (
        <Screen
          name="problem"
          tone="error"
          title={t('pay.problemTitle')}
          lead={t(`problem.${screen.problem}`)}
          actions={
            <Button variant="primary" onClick={back}>
              {t('pay.backToFees')}
            </Button>
          }
        />
      )
    default:
      return null
  }
}
