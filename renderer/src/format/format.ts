import type { Language } from '../../../common/api.ts'
import { intlLocale } from '../i18n/i18n.ts'

/** Money through Intl, from integer cents: "$12.50", "12,50 US$"-style per language. */
export function formatMoney(cents: number, currency: string, language: Language): string {
  return new Intl.NumberFormat(intlLocale[language], { style: 'currency', currency }).format(
    cents / 100,
  )
}

export function formatDate(iso: string, language: Language): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  return new Intl.DateTimeFormat(intlLocale[language], { dateStyle: 'medium' }).format(date)
}

/** A calendar date (YYYY-MM-DD, no time zone), shown as that same day wherever the kiosk is. */
export function formatCalendarDate(day: string, language: Language): string {
  if (!/^\d{4}-\d{2}-\d{2}$/u.test(day)) return ''
  const date = new Date(`${day}T00:00:00Z`)
  if (Number.isNaN(date.getTime())) return ''
  return new Intl.DateTimeFormat(intlLocale[language], {
    dateStyle: 'medium',
    timeZone: 'UTC',
  }).format(date)
}

export function formatDateTime(iso: string, language: Language): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  return new Intl.DateTimeFormat(intlLocale[language], {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date)
}

/** "4:05" for 245 seconds. */
export function formatCountdown(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds))
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`
}
