/** Money, times and channels as a person reads them in a message. */
import type { Language } from '../../common/api.ts'

const locales: Readonly<Record<Language, string>> = { en: 'en-US', es: 'es-US' }

export function money(cents: number, currency: string, language: Language = 'en'): string {
  return new Intl.NumberFormat(locales[language], { style: 'currency', currency }).format(
    cents / 100,
  )
}

/** In the service's time zone (`TZ`), like the digest's hour. */
export function dateTime(ms: number, language: Language = 'en'): string {
  return new Intl.DateTimeFormat(locales[language], {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(ms))
}

/** Where a payment was made, from its channel (`kiosk:<id>`, `desk:<user>`, `link`, `primo`). */
export function whereDescribed(channel: string, libraryName: string): string {
  if (channel.startsWith('kiosk:')) return `Kiosk ${channel.slice('kiosk:'.length)}, ${libraryName}`
  if (channel.startsWith('desk:')) {
    return `Circulation desk (${channel.slice('desk:'.length)}), ${libraryName}`
  }
  if (channel === 'link') return `Pay link, on the patron's own device (${libraryName})`
  if (channel === 'primo') return `Primo "Pay fines" link (${libraryName})`
  return `${channel} (${libraryName})`
}
