import { useEffect, useMemo } from 'react'
import type { i18n } from 'i18next'
import { I18nextProvider, useTranslation } from 'react-i18next'
import { Button } from '../../../renderer/src/components/Button.tsx'
import { DisplayProvider } from '../../../renderer/src/format/DisplayContext.tsx'
import { loadLanguage } from '../../../renderer/src/i18n/i18n.ts'
import { themeStyle } from '../../../renderer/src/theme/theme.ts'
import { FeeScreens } from './FeeScreens.tsx'
import { MessageScreens } from './MessageScreens.tsx'
import type { PayStore } from './payStore.ts'
import { PayStoreProvider, usePay, usePayActions } from './PayStoreContext.tsx'
import { StatusScreens } from './StatusScreens.tsx'

export function PayApp({ store, i18n }: { store: PayStore; i18n: i18n }) {
  return (
    <PayStoreProvider store={store}>
      <I18nextProvider i18n={i18n}>
        <PayDisplay>
          <PayShell />
        </PayDisplay>
      </I18nextProvider>
    </PayStoreProvider>
  )
}

function PayDisplay({ children }: { children: React.ReactNode }) {
  const language = usePay((state) => state.language)
  const info = usePay((state) => state.info)
  const currency = usePay((state) => state.patron?.currency ?? state.info?.currency ?? 'USD')
  const prefs = useMemo(
    () => ({
      language,
      currency,
      feeTypeNames: info?.feeTypeNames,
      showItemTitles: info?.showItemTitles ?? false,
    }),
    [language, currency, info],
  )
  return <DisplayProvider value={prefs}>{children}</DisplayProvider>
}

function PayShell() {
  const { t, i18n } = useTranslation()
  const language = usePay((state) => state.language)
  const info = usePay((state) => state.info)
  const { setLanguage } = usePayActions()

  useEffect(() => {
    let current = true
    void loadLanguage(i18n, language).then(async () => {
      if (!current) return
      await i18n.changeLanguage(language)
      document.documentElement.lang = language
    })
    return () => {
      current = false
    }
  }, [i18n, language])

  // Its own effect: a new `t` after the language change must not change the language again.
  useEffect(() => {
    document.title = t('pay.title')
  }, [t, language])

  const other = info?.languages.find((candidate) => candidate !== language)
  return (
    <div className="pay" style={themeStyle(info ? { ...info.library, logoUrl: null } : undefined)}>
      <header className="pay-header">
        <p className="pay-library">{info?.library.name ?? t('app.defaultLibraryName')}</p>
        {other && (
          <Button
            variant="quiet"
            lang={other}
            onClick={() => {
              setLanguage(other)
            }}
          >
            {t('pay.switchLanguage')}
          </Button>
        )}
      </header>
      <main className="pay-main">
        <FeeScreens />
        <StatusScreens />
        <MessageScreens />
      </main>
    </div>
  )
}
