/**
 * The first paint from the last known settings: the few of them the attract screen shows (library
 * name, logo, colours, which languages are offered), read from the copy the app keeps
 * (`state/settingsCache.ts`) and applied to the attract screen the build prerendered into
 * index.html. Kept free of the API schemas (and of zod), so the first-paint script stays small:
 * each field is checked for what this file needs, and the app checks the whole copy with the
 * settings' schema when it starts and draws the same screen from it.
 */
import type { KioskSettings, Language } from '../../../common/api.ts'
import { themeStyle } from '../theme/theme.ts'
import type { SettingsStorage } from '../state/settingsStorage.ts'
import { settingsCacheKey } from '../state/settingsStorage.ts'

export interface StoredLook {
  library: KioskSettings['library']
  languages: Language[]
  defaultLanguage: Language
}

const colour = /^#[0-9a-fA-F]{6}$/u
const knownLanguages: readonly string[] = ['en', 'es'] satisfies readonly Language[]

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && knownLanguages.includes(value)
}

/** What the stored settings say about the attract screen's look, or null if nothing usable is kept. */
export function readStoredLook(storage: SettingsStorage | null): StoredLook | null {
  let stored: unknown
  try {
    const text = storage?.getItem(settingsCacheKey)
    if (!text) return null
    stored = JSON.parse(text)
  } catch {
    return null
  }
  if (!isRecord(stored) || !isRecord(stored.library)) return null
  const { name, logoUrl, primaryColor, accentColor } = stored.library
  const { languages, defaultLanguage } = stored
  if (typeof name !== 'string' || name === '') return null
  if (logoUrl !== null && typeof logoUrl !== 'string') return null
  if (typeof primaryColor !== 'string' || !colour.test(primaryColor)) return null
  if (typeof accentColor !== 'string' || !colour.test(accentColor)) return null
  if (!Array.isArray(languages) || languages.length === 0 || !languages.every(isLanguage)) {
    return null
  }
  if (!isLanguage(defaultLanguage)) return null
  return { library: { name, logoUrl, primaryColor, accentColor }, languages, defaultLanguage }
}

/**
 * Applies the colours (the defaults when `look` is null) and, from `look`, the library's name,
 * logo and languages to the prerendered kiosk in `doc`. The colours go through the CSSOM: the
 * kiosk's CSP refuses inline style attributes, which is why the prerender carries none.
 */
export function applyStoredLook(doc: Document, look: StoredLook | null): void {
  const kiosk = doc.querySelector<HTMLElement>('.kiosk')
  if (!kiosk) return
  for (const [property, value] of Object.entries(themeStyle(look?.library))) {
    kiosk.style.setProperty(property, String(value))
  }
  if (!look) return
  const name = kiosk.querySelector('.brand-name')
  if (name) name.textContent = look.library.name
  if (look.library.logoUrl) {
    const logo = doc.createElement('img')
    logo.className = 'brand-logo'
    logo.alt = ''
    // A logo the service cannot fetch right now: the name alone, as the header does.
    logo.addEventListener('error', () => {
      logo.hidden = true
    })
    logo.src = look.library.logoUrl
    name?.before(logo)
  }
  // The prerender offers every language but English (the language it is drawn in); the header
  // offers those the settings list, other than the one shown.
  const shown = look.defaultLanguage
  for (const toggle of kiosk.querySelectorAll<HTMLElement>('.language-toggle')) {
    const language = toggle.lang
    if (!isLanguage(language) || language === shown || !look.languages.includes(language)) {
      toggle.remove()
    }
  }
}
