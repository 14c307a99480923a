import { useTranslation } from 'react-i18next'
import type { Language } from '../../../common/api.ts'
import { useKiosk, useKioskActions } from '../state/StoreContext.tsx'
import { Button } from './Button.tsx'

const languageNames: Record<Language, string> = { en: 'English', es: 'Español' }
/** Before the settings arrive (or while they cannot), every language the kiosk has. */
const allLanguages: readonly Language[] = ['en', 'es']

/** The kiosk header on every screen: the library's name and logo, language and text size. */
export function Header() {
  const { t } = useTranslation()
  const library = useKiosk((state) => state.settings?.library)
  const languages = useKiosk((state) => state.settings?.languages)
  const language = useKiosk((state) => state.language)
  const largeText = useKiosk((state) => state.largeText)
  // While the CashNet page is open Electron has placed its view right below the kiosk's bar;
  // changing the language or text size now would move the bar under the view.
  const placedCheckout = useKiosk((state) => state.screen.name === 'checkout')
  const { setLanguage, toggleLargeText } = useKioskActions()

  const others = (languages ?? allLanguages).filter((candidate) => candidate !== language)
  return (
    <header className="kiosk-header">
      <div className="brand">
        {library?.logoUrl && (
          <img
            className="brand-logo"
            src={library.logoUrl}
            alt=""
            // A logo URL the service cannot fetch right now answers 404: show the name alone.
            onError={(event) => {
              event.currentTarget.hidden = true
            }}
          />
        )}
        <span className="brand-name">{library?.name ?? t('app.defaultLibraryName')}</span>
      </div>
      <div className="header-tools" hidden={placedCheckout}>
        {others.map((other) => (
          <Button
            key={other}
            variant="quiet"
            lang={other}
            className="language-toggle"
            onClick={() => {
              setLanguage(other)
            }}
          >
            {languageNames[other]}
          </Button>
        ))}
        <Button
          variant="quiet"
          className="text-size-toggle"
          aria-pressed={largeText}
          onClick={toggleLargeText}
        >
          <span aria-hidden="true" className="text-size-icon">
            A<span>A</span>
          </span>{' '}
          {t('header.largeText')}
        </Button>
      </div>
    </header>
  )
}
