import type { KioskSettings, Language } from '../../../common/api.ts'
import type { KioskSlice, PreferencesSlice } from './types.ts'

/** The preferences a new patron starts with. */
export function initialPreferences(settings: KioskSettings | null): {
  language: Language
  largeText: boolean
} {
  return { language: settings?.defaultLanguage ?? 'en', largeText: false }
}

export const createPreferencesSlice: KioskSlice<PreferencesSlice> = (deps) => (set, get) => ({
  // The stored settings' default language, so a restarted kiosk paints in it straight away.
  ...initialPreferences(deps.storedSettings),

  setLanguage(language) {
    const languages = get().settings?.languages ?? ['en', 'es']
    if (languages.includes(language)) set({ language })
  },

  toggleLargeText() {
    set({ largeText: !get().largeText })
  },
})
