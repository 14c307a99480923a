import { useMemo } from 'react'
import { feeTypeName } from '../../../common/feeTypes.ts'
import { useKiosk } from '../state/StoreContext.tsx'
import { formatCalendarDate, formatDate, formatDateTime, formatMoney } from './format.ts'

/**
 * Formatters bound to the patron's language and the kiosk's currency, and fee type names in that
 * language (with the institution's own names from the settings).
 */
export function useFormat() {
  const language = useKiosk((state) => state.language)
  const currency = useKiosk((state) => state.patron?.currency ?? state.settings?.currency ?? 'USD')
  const feeTypeNames = useKiosk((state) => state.settings?.feeTypeNames)
  return useMemo(
    () => ({
      money: (cents: number) => formatMoney(cents, currency, language),
      date: (iso: string) => formatDate(iso, language),
      calendarDate: (day: string) => formatCalendarDate(day, language),
      dateTime: (iso: string) => formatDateTime(iso, language),
      feeName: (fee: { type: string; description: string }) =>
        feeTypeName(fee, language, feeTypeNames),
    }),
    [currency, language, feeTypeNames],
  )
}
