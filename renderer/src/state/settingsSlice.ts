import type { KioskSlice, SettingsSlice } from './types.ts'

export const createSettingsSlice: KioskSlice<SettingsSlice> = (deps) => (set, get) => ({
  settings: deps.storedSettings,
  settingsStatus: deps.storedSettings ? 'ready' : 'loading',
  prepainted: deps.prepainted,

  async loadSettings() {
    let settings
    try {
      settings = await deps.api.getKioskSettings()
    } catch {
      // Keep the last good settings: the kiosk keeps working until a lookup needs the service.
      if (get().settings === null) set({ settingsStatus: 'unavailable' })
      return
    }
    const { settings: previous, screen, language } = get()
    // Follow a new default language unless a patron on the attract screen picked another one.
    const untouched =
      previous === null || (screen.name === 'attract' && language === previous.defaultLanguage)
    const keepLanguage = !untouched && settings.languages.includes(language)
    set({
      settings,
      settingsStatus: 'ready',
      language: keepLanguage ? language : settings.defaultLanguage,
    })
    deps.settingsCache.write(settings)
  },
})
