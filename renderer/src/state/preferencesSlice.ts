import type { KioskSettings, Language } from '../../../common/api.ts'
import type { KioskSlice, PreferencesSlice } from './types.ts'

/** The preferences a new patron starts with. */
export function initialPreferences(settings: KioskSettings | null): {
  language: Language
  largeText: boolean
} {
  return { language: settings?.defaultLanguage ?? 'en', largeText: false }
}

export const createPreferencesSlice: KioskSlice<PreferencesSlice> = () => (set, get) => ({
  ...initialPreferences(null),

  setLanguage(language) {
    const languages = get().settings?.languages ?? ['en', 'es']
    if (languages.includes(language)) set({ language })
  },

  toggleLargeText() {
    set({ largeText: !get().largeText })
  },
})
