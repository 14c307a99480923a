import { useMemo } from 'react'
import { useKiosk } from '../state/StoreContext.tsx'
import { formatDate, formatDateTime, formatMoney } from './format.ts'

/** Formatters bound to the patron's language and the kiosk's currency. */
export function useFormat() {
  const language = useKiosk((state) => state.language)
  const currency = useKiosk((state) => state.patron?.currency ?? state.settings?.currency ?? 'USD')
  return useMemo(
    () => ({
      money: (cents: number) => formatMoney(cents, currency, language),
      date: (iso: string) => formatDate(iso, language),
      dateTime: (iso: string) => formatDateTime(iso, language),
    }),
    [currency, language],
  )
}
