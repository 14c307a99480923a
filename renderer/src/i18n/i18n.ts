import i18next, { type i18n } from 'i18next'
import { initReactI18next } from 'react-i18next'
import type { Language } from '../../../common/api.ts'
import { deferredModule, type DeferredModule } from '../lazy/deferredModule.ts'
import { en, type Translation } from './en.ts'

/** Intl locale per kiosk language (US formats for both: dollars and US dates). */
export const intlLocale: Record<Language, string> = { en: 'en-US', es: 'es-US' }

/**
 * Every language but English in a chunk of its own: the attract screen paints in English (or
 * from the stored settings' language) without waiting for the others, which arrive when the page
 * is idle or when first chosen.
 */
const otherLanguages: Record<Exclude<Language, 'en'>, DeferredModule<Translation>> = {
  es: deferredModule(() => import('./es.ts').then((module) => module.es)),
}

/** A fresh i18next instance: one per app (and per test), never the shared global. English only. */
export function createI18n(): i18n {
  const instance = i18next.createInstance()
  void instance.use(initReactI18next).init({
    resources: { en: { translation: en } },
    lng: 'en',
    fallbackLng: false,
    supportedLngs: ['en', 'es'],
    // React escapes what it renders; escaping here would double-escape names like "O'Brien".
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  })
  return instance
}

/**
 * True when `language`'s translations are in `instance`, adding them first if they have already
 * arrived: the usual case, so a language switch happens in the same render as before.
 */
export function languageReady(instance: i18n, language: Language): boolean {
  if (instance.hasResourceBundle(language, 'translation')) return true
  const translation = language === 'en' ? en : otherLanguages[language].peek()
  if (!translation) return false
  instance.addResourceBundle(language, 'translation', translation)
  return true
}

/** Loads `language`'s translations into `instance`. */
export async function loadLanguage(instance: i18n, language: Language): Promise<void> {
  if (language !== 'en') await otherLanguages[language].load()
  languageReady(instance, language)
}

/** Fetches every other language in the background, so that choosing one is instant. */
export function preloadLanguages(): Promise<unknown> {
  return Promise.all(Object.values(otherLanguages).map((module) => module.load()))
}
