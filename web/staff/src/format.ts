/** How the console writes money, times and the service's codes (English, the campus's time zone). */
import { feeTypeName } from '../../../common/feeTypes.ts'

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })

export function money(cents: number): string {
  return usd.format(cents / 100)
}

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' })
const shortDay = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
})

export function when(iso: string | null): string {
  if (!iso) return '—'
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? iso : dateTime.format(ms)
}

/** A calendar day (`YYYY-MM-DD`) as "Dec 2". */
export function day(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`)
  return Number.isNaN(ms) ? date : shortDay.format(ms)
}

/** "3 h 12 min", "45 s": how long something has waited. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ${minutes % 60} min`
  return `${Math.floor(hours / 24)} days`
}

/** Words for a code such as `posted_with_exceptions` or `unmatched_payment`. */
export function words(code: string): string {
  const text = code.replace(/_/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** `kiosk:demo-kiosk` → "Kiosk demo-kiosk"; `desk:ana` → "Desk (ana)". */
export function channelLabel(channel: string): string {
  const [kind, who] = channel.split(':', 2)
  if (kind === 'kiosk') return who ? `Kiosk ${who}` : 'Kiosk'
  if (kind === 'desk') return who ? `Desk (${who})` : 'Desk'
  if (kind === 'link') return 'Pay link'
  if (kind === 'primo') return 'Primo'
  return channel
}

/** A fee's type as staff read it (the standard English names; Alma's description otherwise). */
export function feeName(fee: { type: string; description: string }): string {
  return feeTypeName(fee, 'en')
}
