/**
 * The last kiosk settings the service gave, kept in the page's own storage so that a restarted
 * kiosk paints its attract screen at once, from them, while fresh settings load. Settings are the
 * same for every patron and hold nothing about one. What is read back is checked with the
 * settings' schema: a stored copy from an older version, or a damaged one, is dropped.
 */
import { kioskSettingsSchema } from '../../../common/api.ts'
import { settingsCacheKey, type SettingsCache, type SettingsStorage } from './settingsStorage.ts'

/** `storage` is the page's `localStorage` (null where there is none: nothing is kept). */
export function createSettingsCache(storage: SettingsStorage | null): SettingsCache {
  return {
    read() {
      if (!storage) return null
      try {
        const text = storage.getItem(settingsCacheKey)
        if (text === null) return null
        const parsed = kioskSettingsSchema.safeParse(JSON.parse(text))
        if (parsed.success) return parsed.data
        storage.removeItem(settingsCacheKey)
      } catch {
        // Unreadable storage or text: start as if nothing were stored.
      }
      return null
    },
    write(settings) {
      try {
        storage?.setItem(settingsCacheKey, JSON.stringify(settings))
      } catch {
        // A full or disabled storage only costs the next start its head start.
      }
    },
  }
}
