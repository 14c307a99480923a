/**
 * Where the kiosk keeps the last settings the service gave: one key in the page's `localStorage`.
 * Kept free of the API schemas (and so of zod): the first-paint script reads it too.
 */

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
