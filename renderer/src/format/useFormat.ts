import { useMemo } from 'react'
import { feeTypeName } from '../../../common/feeTypes.ts'
import { useDisplayPrefs } from './DisplayContext.tsx'
import { formatCalendarDate, formatDate, formatDateTime, formatMoney } from './format.ts'

/**
 * Formatters bound to the patron's language and the currency, and fee type names in that
 * language (with the institution's own names from the settings).
 */
export function useFormat() {
  const { language, currency, feeTypeNames } = useDisplayPrefs()
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
