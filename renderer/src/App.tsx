import { useCallback, useEffect, useMemo, type ReactNode } from 'react'
import type { i18n } from 'i18next'
import { I18nextProvider, useTranslation } from 'react-i18next'
import type { KioskBridge } from '../../common/kioskBridge.ts'
import { Header } from './components/Header.tsx'
import { IdleWarning } from './components/IdleWarning.tsx'
import { DisplayProvider } from './format/DisplayContext.tsx'
import { LiveAnnouncer } from './components/LiveAnnouncer.tsx'
import { useCardReader } from './hooks/useCardReader.ts'
import { useHostEffects } from './hooks/useHostEffects.ts'
import { useIdleTimer } from './hooks/useIdleTimer.ts'
import { languageReady, loadLanguage } from './i18n/i18n.ts'
import { ScreenRouter } from './screens/ScreenRouter.tsx'
import { acceptsCardSwipe } from './state/screens.ts'
import type { KioskStore } from './state/store.ts'
import { KioskStoreProvider, useKiosk, useKioskStore } from './state/StoreContext.tsx'
import { themeStyle } from './theme/theme.ts'

export interface KioskAppProps {
  store: KioskStore
  i18n: i18n
  host: KioskBridge
}

/** The patron UI: one store, one i18n instance and the host bridge, all passed in. */
export function KioskApp({ store, i18n, host }: KioskAppProps) {
  return (
    <KioskStoreProvider store={store}>
      <I18nextProvider i18n={i18n}>
        <KioskDisplay>
          <KioskShell host={host} />
        </KioskDisplay>
      </I18nextProvider>
    </KioskStoreProvider>
  )
}

/** The shared components' display preferences, from the kiosk's store. */
function KioskDisplay({ children }: { children: ReactNode }) {
  const language = useKiosk((state) => state.language)
  const currency = useKiosk((state) => state.patron?.currency ?? state.settings?.currency ?? 'USD')
  const feeTypeNames = useKiosk((state) => state.settings?.feeTypeNames)
  const showItemTitles = useKiosk((state) => state.settings?.showItemTitles ?? false)
  const prefs = useMemo(
    () => ({ language, currency, feeTypeNames, showItemTitles }),
    [language, currency, feeTypeNames, showItemTitles],
  )
  return <DisplayProvider value={prefs}>{children}</DisplayProvider>
}

function KioskShell({ host }: { host: KioskBridge }) {
  const store = useKioskStore()
  const { t, i18n } = useTranslation()
  const language = useKiosk((state) => state.language)
  const largeText = useKiosk((state) => state.largeText)
  const settings = useKiosk((state) => state.settings)
  const screen = useKiosk((state) => state.screen.name)
  const warningOpen = useKiosk((state) => state.idleWarningEndsAt !== null)

  useEffect(() => {
    const apply = () => {
      void i18n.changeLanguage(language)
      document.documentElement.lang = language
    }
    if (languageReady(i18n, language)) {
      apply()
      return
    }
    // Its translations are in a chunk of their own that has not arrived yet: switch once it has.
    let current = true
    void loadLanguage(i18n, language).then(() => {
      if (current) apply()
    })
    return () => {
      current = false
    }
  }, [i18n, language])

  useEffect(() => {
    document.title = t('app.title')
  }, [t, language])

  useEffect(() => {
    document.documentElement.classList.toggle('large-text', largeText)
  }, [largeText])

  useEffect(() => {
    // Back on the attract screen nobody is being served: drop the browser's record of the
    // requests made for the last patron (URLs with their checkout id) so nothing of them stays.
    if (screen === 'attract') performance.clearResourceTimings()
  }, [screen])

  useIdleTimer()
  useHostEffects(host)
  const onCardRead = useCallback(
    (id: string) => {
      void store.getState().cardRead(id)
    },
    [store],
  )
  useCardReader(settings !== null && acceptsCardSwipe(screen), settings?.cardReader, onCardRead)

  return (
    <div className="kiosk" style={themeStyle(settings?.library)}>
      <div className="kiosk-page" inert={warningOpen}>
        <Header />
        <main className="kiosk-main">
          <ScreenRouter />
        </main>
      </div>
      <LiveAnnouncer />
      <IdleWarning />
    </div>
  )
}
