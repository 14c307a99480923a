import i18next, { type i18n } from 'i18next'
import { initReactI18next } from 'react-i18next'
import type { Language } from '../../../common/api.ts'
import { en } from './en.ts'
import { es } from './es.ts'

export const resources = { en: { translation: en }, es: { translation: es } } as const

/** Intl locale per kiosk language (US formats for both: dollars and US dates). */
export const intlLocale: Record<Language, string> = { en: 'en-US', es: 'es-US' }

/** A fresh i18next instance: one per app (and per test), never the shared global. */
export function createI18n(language: Language): i18n {
  const instance = i18next.createInstance()
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: false,
    supportedLngs: ['en', 'es'],
    // React escapes what it renders; escaping here would double-escape names like "O'Brien".
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  })
  return instance
}
