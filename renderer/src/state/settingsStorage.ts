/**
 * Where the kiosk keeps the last settings the service gave: one key in the page's `localStorage`.
 * Kept free of the API schemas (and so of zod): the first-paint script reads it too, and the
 * store takes a cache without pulling the schemas into the app's first chunk.
 */
import type { KioskSettings } from '../../../common/api.ts'

/** The last settings, kept between starts (`createSettingsCache` in settingsCache.ts). */
export interface SettingsCache {
  read(): KioskSettings | null
  write(settings: KioskSettings): void
}

/** Nothing stored, nothing kept (tests, and hosts without storage). */
export const noSettingsCache: SettingsCache = { read: () => null, write: () => undefined }

/** The one key the kiosk keeps in its storage. */
export const settingsCacheKey = 'kiosk:last-settings'

export type SettingsStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/** The page's localStorage, or null where the page may not use it. */
export function localStorageOf(win: Window): SettingsStorage | null {
  try {
    return win.localStorage
  } catch {
    return null
  }
}
